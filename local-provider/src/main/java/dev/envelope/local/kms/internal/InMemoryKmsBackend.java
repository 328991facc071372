package dev.envelope.local.kms.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A self-contained {@link KmsBackend}: AES-256 key versions held in memory, optionally persisted to
 * a directory, one JSON file per key ({@code <keyId>.json}), each change written with {@link
 * AtomicFiles} (temporary file, fsync, atomic rename, directory fsync) before it becomes visible,
 * so a crash never loses or half-writes a key.
 *
 * <pre>
 * {"format": "envelope-local-kms-key/1", "keyId": "...", "description": "...", "policy": "...",
 *  "state": "ENABLED" | "DISABLED" | "PENDING_DELETION", "created": ISO-8601,
 *  "deletionDate": ISO-8601 | absent, "lastRotated": ISO-8601,
 *  "versions": [base64(32 bytes), ...]}     version n is versions[n - 1]; the last is primary
 * </pre>
 *
 * <h2>Security guarantees</h2>
 *
 * AES-256-GCM with a random 96-bit nonce per seal. Key material never appears in exceptions or
 * {@code toString}; it is zeroed (best effort: the JCE keeps its own copies) when a key is deleted.
 * <b>The files hold key material unencrypted</b> (owner-only permissions where the file system has
 * POSIX permissions): this backend is for development and tests; the local key store, which
 * encrypts keys at rest, is the backend for anything else. Thread-safe.
 */
public final class InMemoryKmsBackend implements KmsBackend {
  private static final String FORMAT = "envelope-local-kms-key/1";
  private static final int KEY_BYTES = 32;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final int MAX_VERSIONS = 100_000;
  private static final long MAX_FILE_BYTES = 16L * 1024 * 1024;
  private static final int MAX_TEXT = 64 * 1024;

  private final Map<String, Entry> keys = new ConcurrentHashMap<>();
  private final Path directory;
  private final SecureRandom random = new SecureRandom();

  private InMemoryKmsBackend(Path directory) {
    this.directory = directory;
  }

  /** A backend that forgets everything when the process ends. */
  public static InMemoryKmsBackend inMemory() {
    return new InMemoryKmsBackend(null);
  }

  /**
   * A backend persisted in {@code directory} (created if missing), loading the keys already there.
   *
   * @throws IOException if the directory cannot be read or a key file is corrupt
   */
  public static InMemoryKmsBackend persistent(Path directory) throws IOException {
    AtomicFiles.createDirectories(directory);
    InMemoryKmsBackend backend = new InMemoryKmsBackend(directory);
    backend.load();
    return backend;
  }

  @Override
  public synchronized BackendKey create(
      String keyId, String description, String policy, Instant now) {
    if (!KeyIds.isValid(keyId)) {
      throw new IllegalArgumentException("not a valid key id: " + keyId);
    }
    if (keys.containsKey(keyId)) {
      throw new IllegalStateException("key already exists: " + keyId);
    }
    byte[] material = new byte[KEY_BYTES];
    random.nextBytes(material);
    BackendKey meta =
        new BackendKey(keyId, description, policy, KeyState.ENABLED, now, null, 1, now);
    store(new Entry(meta, List.of(material)));
    return meta;
  }

  @Override
  public Optional<BackendKey> find(String keyId) {
    Entry e = keys.get(keyId);
    return e == null ? Optional.empty() : Optional.of(e.meta);
  }

  @Override
  public List<BackendKey> list() {
    List<BackendKey> out = new ArrayList<>();
    new TreeMap<>(keys).values().forEach(e -> out.add(e.meta));
    return out;
  }

  @Override
  public Sealed seal(String keyId, KeyUse use, byte[] plaintext, byte[] aad) {
    Entry e = enabled(keyId);
    int version = e.versions.size();
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, e.secretKey(version), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(aad);
      return new Sealed(version, nonce, cipher.doFinal(plaintext));
    } catch (GeneralSecurityException ex) {
      throw new IllegalStateException("AES-GCM is not available from the JCE: " + ex, ex);
    }
  }

  @Override
  public byte[] open(
      String keyId, KeyUse use, int version, byte[] nonce, byte[] ciphertext, byte[] aad) {
    Entry e = enabled(keyId);
    if (version < 1 || version > e.versions.size()) {
      throw new BadCiphertextException("key " + keyId + " has no version " + version);
    }
    if (nonce.length != NONCE_BYTES || ciphertext.length < TAG_BITS / 8) {
      throw new BadCiphertextException("nonce or ciphertext has the wrong length");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, e.secretKey(version), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(aad);
      return cipher.doFinal(ciphertext);
    } catch (AEADBadTagException ex) {
      throw new BadCiphertextException("the ciphertext does not authenticate");
    } catch (GeneralSecurityException ex) {
      throw new IllegalStateException("AES-GCM is not available from the JCE: " + ex, ex);
    }
  }

  @Override
  public synchronized BackendKey setEnabled(String keyId, boolean enabled) {
    Entry e = existing(keyId);
    if (e.meta.state() == KeyState.PENDING_DELETION) {
      throw new IllegalStateException("key " + keyId + " is pending deletion");
    }
    return store(e.with(withState(e.meta, enabled ? KeyState.ENABLED : KeyState.DISABLED, null)));
  }

  @Override
  public synchronized BackendKey scheduleDeletion(String keyId, Instant deletionDate) {
    Entry e = existing(keyId);
    if (e.meta.state() == KeyState.PENDING_DELETION) {
      throw new IllegalStateException("key " + keyId + " is already pending deletion");
    }
    return store(e.with(withState(e.meta, KeyState.PENDING_DELETION, deletionDate)));
  }

  @Override
  public synchronized BackendKey cancelDeletion(String keyId) {
    Entry e = existing(keyId);
    if (e.meta.state() != KeyState.PENDING_DELETION) {
      throw new IllegalStateException("key " + keyId + " is not pending deletion");
    }
    return store(e.with(withState(e.meta, KeyState.DISABLED, null)));
  }

  @Override
  public synchronized BackendKey rotate(String keyId, Instant now) {
    Entry e = existing(keyId);
    if (e.versions.size() >= MAX_VERSIONS) {
      throw new IllegalStateException(
          "key " + keyId + " has reached " + MAX_VERSIONS + " versions");
    }
    byte[] material = new byte[KEY_BYTES];
    random.nextBytes(material);
    List<byte[]> versions = new ArrayList<>(e.versions);
    versions.add(material);
    BackendKey m = e.meta;
    BackendKey meta =
        new BackendKey(
            m.keyId(),
            m.description(),
            m.policy(),
            m.state(),
            m.created(),
            m.deletionDate(),
            versions.size(),
            now);
    return store(new Entry(meta, List.copyOf(versions)));
  }

  @Override
  public synchronized BackendKey updateDescription(String keyId, String description) {
    Entry e = existing(keyId);
    BackendKey m = e.meta;
    return store(
        e.with(
            new BackendKey(
                m.keyId(),
                description,
                m.policy(),
                m.state(),
                m.created(),
                m.deletionDate(),
                m.primaryVersion(),
                m.lastRotated())));
  }

  @Override
  public synchronized BackendKey putPolicy(String keyId, String policy) {
    Entry e = existing(keyId);
    BackendKey m = e.meta;
    return store(
        e.with(
            new BackendKey(
                m.keyId(),
                m.description(),
                policy,
                m.state(),
                m.created(),
                m.deletionDate(),
                m.primaryVersion(),
                m.lastRotated())));
  }

  @Override
  public synchronized void delete(String keyId) {
    Entry e = existing(keyId);
    if (directory != null) {
      try {
        AtomicFiles.delete(fileOf(keyId));
      } catch (IOException ex) {
        throw new UncheckedIOException("cannot delete the file of key " + keyId, ex);
      }
    }
    keys.remove(keyId);
    for (byte[] material : e.versions) {
      Arrays.fill(material, (byte) 0);
    }
  }

  @Override
  public String toString() {
    return "InMemoryKmsBackend{keys="
        + keys.size()
        + (directory == null ? "" : ", directory=" + directory)
        + "}";
  }

  private Entry existing(String keyId) {
    Entry e = keys.get(keyId);
    if (e == null) {
      throw new NoSuchElementException("no key " + keyId);
    }
    return e;
  }

  private Entry enabled(String keyId) {
    Entry e = existing(keyId);
    if (e.meta.state() != KeyState.ENABLED) {
      throw new IllegalStateException("key " + keyId + " is " + e.meta.state().kmsName());
    }
    return e;
  }

  private static BackendKey withState(BackendKey m, KeyState state, Instant deletionDate) {
    return new BackendKey(
        m.keyId(),
        m.description(),
        m.policy(),
        state,
        m.created(),
        deletionDate,
        m.primaryVersion(),
        m.lastRotated());
  }

  /** Persists first, then publishes: a failed write leaves memory as it was. */
  private BackendKey store(Entry e) {
    if (directory != null) {
      try {
        AtomicFiles.write(fileOf(e.meta.keyId()), encode(e));
      } catch (IOException ex) {
        throw new UncheckedIOException("cannot write the file of key " + e.meta.keyId(), ex);
      }
    }
    keys.put(e.meta.keyId(), e);
    return e.meta;
  }

  private Path fileOf(String keyId) {
    // Key ids are validated (hex digits, dashes, "mrk-") before they get here: no path tricks.
    return directory.resolve(keyId + ".json");
  }

  private static byte[] encode(Entry e) {
    BackendKey m = e.meta;
    JsonObject o = new JsonObject();
    o.addProperty("format", FORMAT);
    o.addProperty("keyId", m.keyId());
    o.addProperty("description", m.description());
    o.addProperty("policy", m.policy());
    o.addProperty("state", m.state().name());
    o.addProperty("created", m.created().toString());
    if (m.deletionDate() != null) {
      o.addProperty("deletionDate", m.deletionDate().toString());
    }
    o.addProperty("lastRotated", m.lastRotated().toString());
    JsonArray versions = new JsonArray();
    Base64.Encoder b64 = Base64.getEncoder();
    for (byte[] material : e.versions) {
      versions.add(new JsonPrimitive(b64.encodeToString(material)));
    }
    o.add("versions", versions);
    return o.toString().getBytes(StandardCharsets.UTF_8);
  }

  private void load() throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (AtomicFiles.isTemporary(file)) {
          Files.deleteIfExists(file); // an interrupted write; the previous version is intact
          continue;
        }
        if (!name.endsWith(".json") || !KeyIds.isValid(name.substring(0, name.length() - 5))) {
          continue;
        }
        Entry e = decode(file, name.substring(0, name.length() - 5));
        keys.put(e.meta.keyId(), e);
      }
    }
  }

  private static Entry decode(Path file, String expectedId) throws IOException {
    if (Files.size(file) > MAX_FILE_BYTES) {
      throw new IOException(file + " is larger than " + MAX_FILE_BYTES + " bytes");
    }
    try {
      JsonObject o =
          Json.parseObject(Files.readAllBytes(file), (int) MAX_FILE_BYTES).getAsJsonObject();
      if (!FORMAT.equals(text(o, "format"))) {
        throw new IOException(file + " is not a key file of format " + FORMAT);
      }
      String keyId = text(o, "keyId");
      if (!expectedId.equals(keyId)) {
        throw new IOException(file + " holds key " + keyId + ", not " + expectedId);
      }
      JsonArray versionsJson = o.getAsJsonArray("versions");
      if (versionsJson == null || versionsJson.isEmpty() || versionsJson.size() > MAX_VERSIONS) {
        throw new IOException(file + " must hold 1 to " + MAX_VERSIONS + " key versions");
      }
      List<byte[]> versions = new ArrayList<>(versionsJson.size());
      for (JsonElement v : versionsJson) {
        String b64 = v.getAsString();
        if (b64.length() != 44) {
          throw new IOException(file + " holds a key version that is not 32 bytes");
        }
        versions.add(Base64.getDecoder().decode(b64));
      }
      KeyState state = KeyState.valueOf(text(o, "state"));
      String deletion = o.has("deletionDate") ? text(o, "deletionDate") : null;
      if ((state == KeyState.PENDING_DELETION) != (deletion != null)) {
        throw new IOException(
            file + ": a deletion date goes with, and only with, PENDING_DELETION");
      }
      BackendKey meta =
          new BackendKey(
              keyId,
              text(o, "description"),
              text(o, "policy"),
              state,
              Instant.parse(text(o, "created")),
              deletion == null ? null : Instant.parse(deletion),
              versions.size(),
              Instant.parse(text(o, "lastRotated")));
      return new Entry(meta, List.copyOf(versions));
    } catch (KmsException
        | JsonParseException
        | IllegalStateException
        | ClassCastException
        | UnsupportedOperationException
        | IllegalArgumentException
        | DateTimeParseException e) {
      throw new IOException(file + " is not a valid key file: " + e.getClass().getSimpleName(), e);
    }
  }

  private static String text(JsonObject o, String member) throws IOException {
    JsonElement e = o.get(member);
    if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new IOException("member '" + member + "' is missing or not a string");
    }
    String s = e.getAsString();
    if (s.length() > MAX_TEXT) {
      throw new IOException("member '" + member + "' is longer than " + MAX_TEXT);
    }
    return s;
  }

  /** One key: metadata plus its versions (index n - 1 is version n). Immutable once published. */
  private static final class Entry {
    final BackendKey meta;
    final List<byte[]> versions;
    private final SecretKeySpec[] specs;

    Entry(BackendKey meta, List<byte[]> versions) {
      this.meta = meta;
      this.versions = versions;
      this.specs = new SecretKeySpec[versions.size()];
      for (int i = 0; i < specs.length; i++) {
        specs[i] = new SecretKeySpec(versions.get(i), "AES");
      }
    }

    Entry with(BackendKey meta) {
      return new Entry(meta, versions);
    }

    SecretKeySpec secretKey(int version) {
      return specs[version - 1];
    }
  }
}
