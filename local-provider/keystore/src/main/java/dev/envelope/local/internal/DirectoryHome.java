package dev.envelope.local.internal;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.envelope.local.AuditLog;
import dev.envelope.local.KeyStoreIntegrityException;
import dev.envelope.local.KeyStoreNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * A key store kept in a directory ({@link StoreHome}).
 *
 * <pre>
 * &lt;dir&gt;/store.json               the store record; "keysDir" names the current keys directory
 * &lt;dir&gt;/keys[-&lt;uuid&gt;]/&lt;keyId&gt;.json  one record per key
 * &lt;dir&gt;/keys[-&lt;uuid&gt;]/manifest.json  the manifest
 * &lt;dir&gt;/audit-NNNNNN.log         the audit trail's segments ({@link SegmentedAuditLog}); an older
 *                                store's single audit.log is segment 1 until the next append
 * &lt;dir&gt;/audit-retention.json     where the trail starts after a prune ({@link AuditSegments})
 * &lt;dir&gt;/.store.lock              the writers' lock file
 * </pre>
 *
 * A KEK change fills a fresh {@code keys-<uuid>} directory and switches {@code store.json} to it
 * with one atomic rename; {@link #tidy} deletes every keys directory {@code store.json} does not
 * name, and only while holding the lock (so never one a KEK change is filling). Directories are
 * {@code 0700}, files {@code 0600} ({@link OwnerOnly}).
 */
public final class DirectoryHome implements StoreHome {
  public static final String STORE_FILE = "store.json";
  static final String KEYS_DIR = "keys";
  static final String MANIFEST_FILE = "manifest.json";
  static final String LOCK_FILE = ".store.lock";
  static final int MAX_FILE_BYTES = 16 << 20;
  /** The default size at which the audit log starts a new segment. */
  public static final long DEFAULT_SEGMENT_BYTES = 16L << 20;
  private static final Pattern KEYS_DIR_NAME =
      Pattern.compile("keys(-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})?");

  private final Path dir;
  private final DirectoryLock lock;
  private volatile Path keysDir;

  public DirectoryHome(Path dir) {
    this.dir = Objects.requireNonNull(dir, "dir");
    this.lock = new DirectoryLock(dir.resolve(LOCK_FILE));
    this.keysDir = dir.resolve(KEYS_DIR);
  }

  public Path directory() {
    return dir;
  }

  @Override
  public String describe() {
    return "the key store at " + dir;
  }

  @Override
  public String describeKey(String keyId) {
    return "key file " + keyFile(keyId);
  }

  @Override
  public Held lock() {
    if (!Files.isDirectory(dir)) {
      throw new KeyStoreNotFoundException("there is no key store at " + dir + ": the directory does not exist");
    }
    DirectoryLock.Held held = lock.acquire();
    return held::close;
  }

  // ------------------------------------------------------------------------- store record

  @Override
  public JsonObject readStoreRecord() {
    Path file = dir.resolve(STORE_FILE);
    JsonObject record;
    try {
      record = parseObject(readBounded(file), file);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file, e);
    }
    String name;
    try {
      name = record.has("keysDir") ? record.get("keysDir").getAsString() : KEYS_DIR;
    } catch (RuntimeException e) {
      throw new KeyStoreIntegrityException(file + " is malformed: keysDir is not a string", e);
    }
    if (!KEYS_DIR_NAME.matcher(name).matches()) {
      throw new KeyStoreIntegrityException(file + " names an invalid keys directory");
    }
    if (lock.isHeldByCurrentThread()) {
      // Only a read under the lock decides which directory is current.
      keysDir = dir.resolve(name);
    }
    return record;
  }

  @Override
  public void create(JsonObject storeRecord, byte[] manifest) {
    try {
      Path parent = dir.toAbsolutePath().getParent();
      if (parent != null && !Files.isDirectory(parent)) {
        throw new KeyStoreNotFoundException("cannot create a key store at " + dir + ": its parent directory "
            + parent + " does not exist (the store never creates missing parents, so a mistyped path fails"
            + " instead of starting an empty store); create it first");
      }
      if (!OwnerOnly.createDirectory(dir)) {
        // An existing directory becomes the store's own: make it owner-only.
        OwnerOnly.restrict(dir);
      }
      try (Held held = lock()) {
        if (Files.exists(dir.resolve(STORE_FILE))) {
          throw new IllegalStateException("a key store already exists in " + dir + "; open it instead");
        }
        keysDir = dir.resolve(KEYS_DIR);
        OwnerOnly.createDirectory(keysDir);
        AtomicFiles.write(keysDir.resolve(MANIFEST_FILE), manifest);
        storeRecord.addProperty("keysDir", KEYS_DIR);
        AtomicFiles.write(dir.resolve(STORE_FILE), bytes(storeRecord));
        AtomicFiles.fsyncDirectory(parent == null ? dir : parent);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not create a key store in " + dir, e);
    }
  }

  // ------------------------------------------------------------------------- permissions, tidy

  @Override
  public void checkOwnerOnly() {
    try {
      OwnerOnly.check(dir);
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
        for (Path p : entries) {
          String name = p.getFileName().toString();
          // Only the store's own entries: the directory may hold others' files (the KMS endpoint's
          // state and lock); other keys directories are leftovers that tidy() deletes.
          if (name.equals(STORE_FILE) || name.startsWith(AuditLog.FILE_NAME) || name.equals(LOCK_FILE)
              || AuditSegments.isAuditFile(name) || name.startsWith("." + STORE_FILE + ".")
              || p.getFileName().equals(keysDir.getFileName())) {
            OwnerOnly.check(p);
          }
        }
      }
      if (Files.isDirectory(keysDir)) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(keysDir)) {
          for (Path p : entries) {
            OwnerOnly.check(p);
          }
        }
      }
    } catch (NoSuchFileException e) {
      throw new KeyStoreNotFoundException("there is no key store at " + dir + " (" + e.getFile() + " is missing)");
    } catch (IOException e) {
      throw new UncheckedIOException("could not check the permissions of the key store at " + dir, e);
    }
  }

  @Override
  public void tidy() {
    try {
      AtomicFiles.deleteOrphanTemps(dir);
      OwnerOnly.createDirectory(keysDir);
      AtomicFiles.deleteOrphanTemps(keysDir);
      try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dir, KEYS_DIR + "*")) {
        for (Path p : dirs) {
          if (Files.isDirectory(p) && KEYS_DIR_NAME.matcher(p.getFileName().toString()).matches()
              && !p.getFileName().equals(keysDir.getFileName())) {
            // Left by a KEK change that crashed before or after its switch; store.json (read under
            // this same lock) does not name it, so it is not current.
            deleteTree(p);
          }
        }
      }
      AtomicFiles.fsyncDirectory(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("could not tidy the key store in " + dir, e);
    }
  }

  // ------------------------------------------------------------------------- key records

  private Path keyFile(String keyId) {
    return keysDir.resolve(keyId + ".json");
  }

  @Override
  public List<String> keyIds() {
    List<String> ids = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(keysDir, "*.json")) {
      for (Path p : files) {
        String name = p.getFileName().toString();
        String id = name.substring(0, name.length() - ".json".length());
        if (Names.isKeyId(id)) {
          ids.add(id);
        }
      }
    } catch (NoSuchFileException e) {
      return ids;
    } catch (IOException e) {
      throw new UncheckedIOException("could not list the keys in " + keysDir, e);
    }
    return ids;
  }

  @Override
  public Object keyStamp(String keyId) {
    return stamp(keyFile(keyId));
  }

  @Override
  public byte[] readKey(String keyId) {
    return read(keyFile(keyId));
  }

  @Override
  public void writeKey(String keyId, byte[] record) {
    write(keyFile(keyId), record);
  }

  @Override
  public Object manifestStamp() {
    return stamp(keysDir.resolve(MANIFEST_FILE));
  }

  @Override
  public byte[] readManifest() {
    return read(keysDir.resolve(MANIFEST_FILE));
  }

  @Override
  public void writeManifest(byte[] manifest) {
    write(keysDir.resolve(MANIFEST_FILE), manifest);
  }

  // ------------------------------------------------------------------------- KEK switch

  @Override
  public KekSwitch beginKekSwitch() {
    String name = KEYS_DIR + "-" + UUID.randomUUID();
    Path staged = dir.resolve(name);
    try {
      OwnerOnly.createDirectory(staged);
    } catch (IOException e) {
      throw new UncheckedIOException("could not create " + staged, e);
    }
    return new KekSwitch() {
      @Override
      public void writeKey(String keyId, byte[] record) {
        write(staged.resolve(keyId + ".json"), record);
      }

      @Override
      public void writeManifest(byte[] manifest) {
        write(staged.resolve(MANIFEST_FILE), manifest);
      }

      @Override
      public void commit(JsonObject storeRecord) {
        Path old = keysDir;
        try {
          AtomicFiles.fsyncDirectory(staged);
          storeRecord.addProperty("keysDir", name);
          AtomicFiles.write(dir.resolve(STORE_FILE), bytes(storeRecord));
          // The switch is done: from here on the store is the new one.
          keysDir = staged;
          deleteTree(old);
          AtomicFiles.fsyncDirectory(dir);
        } catch (IOException e) {
          throw new UncheckedIOException("could not switch the key store in " + dir + " to its new KEK", e);
        }
      }

      @Override
      public void abort() {
        JsonObject current = readStoreRecord();
        if (current != null && current.has("keysDir") && name.equals(current.get("keysDir").getAsString())) {
          // The switch happened before the failure: the staged set is the store now.
          keysDir = staged;
          return;
        }
        try {
          deleteTree(staged);
        } catch (IOException e) {
          throw new UncheckedIOException("could not delete " + staged, e);
        }
      }
    };
  }

  @Override
  public AuditStore openAudit(byte[] macKey, String storeId, LongSupplier generation) {
    return openAudit(macKey, storeId, generation, DEFAULT_SEGMENT_BYTES, null);
  }

  @Override
  public AuditStore openAudit(byte[] macKey, String storeId, LongSupplier generation, long segmentBytes,
      java.time.Duration segmentAge) {
    return new SegmentedAuditLog(dir, macKey, storeId, generation, segmentBytes, segmentAge);
  }

  @Override
  public void close() {
    // Nothing is held between calls.
  }

  // ------------------------------------------------------------------------- files

  /** The identity of one version of a file: a rename-replaced file gets a new inode. */
  static final class FileStamp {
    final Object fileKey;
    final FileTime modified;
    final long size;

    FileStamp(BasicFileAttributes a) {
      this.fileKey = a.fileKey();
      this.modified = a.lastModifiedTime();
      this.size = a.size();
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof FileStamp)) {
        return false;
      }
      FileStamp s = (FileStamp) o;
      return Objects.equals(fileKey, s.fileKey) && modified.equals(s.modified) && size == s.size;
    }

    @Override
    public int hashCode() {
      return Objects.hash(fileKey, modified, size);
    }
  }

  private static FileStamp stamp(Path file) {
    try {
      return new FileStamp(Files.readAttributes(file, BasicFileAttributes.class));
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file, e);
    }
  }

  private static byte[] read(Path file) {
    try {
      return readBounded(file);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file, e);
    }
  }

  private static void write(Path file, byte[] content) {
    try {
      AtomicFiles.write(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + file, e);
    }
  }

  static byte[] readBounded(Path file) throws IOException {
    long size = Files.size(file);
    if (size > MAX_FILE_BYTES) {
      throw new KeyStoreIntegrityException(file + " is " + size + " bytes; key store files are at most " + MAX_FILE_BYTES);
    }
    return Files.readAllBytes(file);
  }

  private static JsonObject parseObject(byte[] bytes, Path file) {
    try {
      return JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8)).getAsJsonObject();
    } catch (RuntimeException e) {
      throw new KeyStoreIntegrityException(file + " is not a JSON object (damaged or not a key store file)", e);
    }
  }

  private static byte[] bytes(JsonObject o) {
    return o.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (java.util.stream.Stream<Path> files = Files.walk(root)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Override
  public String toString() {
    return "DirectoryHome[" + dir + "]";
  }
}
