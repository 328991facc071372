package dev.envelope.vectors;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/** The vector loaders fail loudly: a missing set or a wrong manifest is a test failure, never an empty run. */
class VectorResourcesTest {
  @Test
  void set_missingDirectory_failsTheTest() {
    assertThrows(AssertionFailedError.class, () -> VectorResources.set("no-such-vector-set"));
  }

  @Test
  void file_missingFile_failsTheTest() {
    assertThrows(AssertionFailedError.class, () -> VectorResources.file("static-data-key", "missing.json"));
  }

  @Test
  void manifest_wrongVersionOrType_failsTheTest(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("manifest.json"), "{\"manifest\":{\"type\":\"awses-decrypt\",\"version\":3},\"tests\":{}}");
    assertThrows(AssertionFailedError.class, () -> VectorResources.manifest(dir, 4));
    Files.writeString(dir.resolve("manifest.json"), "{\"manifest\":{\"type\":\"keys\",\"version\":4},\"tests\":{}}");
    assertThrows(AssertionFailedError.class, () -> VectorResources.manifest(dir, 4));
  }
}
