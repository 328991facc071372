package dev.envelope.pkcs11;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.envelope.local.KeyStoreIntegrityException;
import dev.envelope.local.internal.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@link Pkcs11KeyManager}'s sidecar: what a token does not record about its keys (through
 * SunPKCS11), kept in one small JSON file beside the manager's audit log.
 *
 * <pre>
 * {"format":"envelope-pkcs11-keys/1",
 *  "keys":{"&lt;label&gt;":{"description":"…","createdAt":"…","createdBy":"…","destroyedAt":"…"?}}}
 * </pre>
 *
 * A key gets a record when the manager creates it; {@code destroyedAt} is added when the manager
 * destroys it (a tombstone: the label is never reused, and errors can say when the key went).
 * The token stays the authority on which keys exist; the file holds no key material and nothing
 * secret, and editing it changes descriptions and times, never what a key can do. Replaced
 * atomically ({@link AtomicFiles}); writers hold the manager's lock.
 */
final class TokenKeyRecords {
  static final String FORMAT = "envelope-pkcs11-keys/1";
  private static final long MAX_BYTES = 16 << 20;

  /** One key's record. Immutable. */
  static final class Record {
    final String description;
    final Instant createdAt; // null if the manager did not create the key
    final String createdBy; // null if the manager did not create the key
    final Instant destroyedAt; // null unless the manager destroyed it

    Record(String description, Instant createdAt, String createdBy, Instant destroyedAt) {
      this.description = description;
      this.createdAt = createdAt;
      this.createdBy = createdBy;
      this.destroyedAt = destroyedAt;
    }

    Record destroyed(Instant when) {
      return new Record(description, createdAt, createdBy, when);
    }
  }

  private final Path file;

  TokenKeyRecords(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  /** The records by label; empty if the file does not exist yet. */
  Map<String, Record> read() {
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new KeyStoreIntegrityException(file + " is larger than " + MAX_BYTES + " bytes; it is not a key record file");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new TreeMap<>();
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the PKCS#11 key records " + file, e);
    }
    try {
      JsonObject root = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8)).getAsJsonObject();
      if (!FORMAT.equals(root.get("format").getAsString())) {
        throw new KeyStoreIntegrityException(file + " has format " + root.get("format") + "; this release reads " + FORMAT);
      }
      Map<String, Record> out = new TreeMap<>();
      for (Map.Entry<String, JsonElement> e : root.getAsJsonObject("keys").entrySet()) {
        JsonObject o = e.getValue().getAsJsonObject();
        out.put(e.getKey(), new Record(
            o.get("description").getAsString(),
            instant(o, "createdAt"),
            o.has("createdBy") ? o.get("createdBy").getAsString() : null,
            instant(o, "destroyedAt")));
      }
      return out;
    } catch (KeyStoreIntegrityException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new KeyStoreIntegrityException(file + " is not a valid PKCS#11 key record file; restore it from a backup"
          + " or delete it (descriptions and creation times are then lost; the token's keys are not)", e);
    }
  }

  /** Replaces the file with {@code records}; call with the manager's lock held. */
  void write(Map<String, Record> records) {
    JsonObject keys = new JsonObject();
    new TreeMap<>(records).forEach((label, r) -> {
      JsonObject o = new JsonObject();
      o.addProperty("description", r.description);
      if (r.createdAt != null) {
        o.addProperty("createdAt", r.createdAt.toString());
      }
      if (r.createdBy != null) {
        o.addProperty("createdBy", r.createdBy);
      }
      if (r.destroyedAt != null) {
        o.addProperty("destroyedAt", r.destroyedAt.toString());
      }
      keys.add(label, o);
    });
    JsonObject root = new JsonObject();
    root.addProperty("format", FORMAT);
    root.add("keys", keys);
    try {
      AtomicFiles.write(file, root.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the PKCS#11 key records " + file, e);
    }
  }

  private static Instant instant(JsonObject o, String field) {
    return o.has(field) && !o.get(field).isJsonNull() ? Instant.parse(o.get(field).getAsString()) : null;
  }
}
