package dev.envelope.vectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.envelope.EncryptionContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

/**
 * Finds the vector sets copied into {@code src/test/resources/vectors/} and reads their files.
 * Every lookup fails the calling test when something is missing: a vector set that vanished must
 * never turn into an empty, passing run.
 */
final class VectorResources {
  private VectorResources() {}

  /** The directory of one vector set, e.g. {@code esdk-dafny-4.1.0}. */
  static Path set(String name) {
    URL url = VectorResources.class.getResource("/vectors/" + name);
    assertNotNull(url, "vector set vectors/" + name + " is missing from the test resources");
    try {
      Path dir = Paths.get(url.toURI());
      assertTrue(Files.isDirectory(dir), "vectors/" + name + " is not a directory");
      return dir;
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A file of a vector set. */
  static Path file(String set, String relative) {
    Path file = set(set).resolve(relative);
    assertTrue(Files.isRegularFile(file), "vectors/" + set + "/" + relative + " is missing");
    return file;
  }

  static JsonElement json(Path file) {
    try {
      return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads a manifest and checks its type and version. */
  static JsonObject manifest(Path dir, int version) {
    JsonObject manifest = json(dir.resolve("manifest.json")).getAsJsonObject();
    JsonObject header = manifest.getAsJsonObject("manifest");
    assertEquals("awses-decrypt", header.get("type").getAsString(), "manifest type");
    assertEquals(version, header.get("version").getAsInt(), "manifest version");
    return manifest;
  }

  /** The bytes behind a manifest URI such as {@code file://ciphertexts/abc}, relative to {@code dir}. */
  static byte[] bytes(Path dir, String uri) {
    if (!uri.startsWith("file://")) {
      fail("unsupported URI in manifest: " + uri);
    }
    Path file = dir.resolve(uri.substring("file://".length()));
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** A JSON object of strings as an encryption context. */
  static EncryptionContext context(JsonObject pairs) {
    EncryptionContext.Builder builder = EncryptionContext.builder();
    if (pairs != null) {
      for (Map.Entry<String, JsonElement> e : pairs.entrySet()) {
        builder.put(e.getKey(), e.getValue().getAsString());
      }
    }
    return builder.build();
  }
}
