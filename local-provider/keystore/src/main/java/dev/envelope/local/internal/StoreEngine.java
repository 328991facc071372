package dev.envelope.local.internal;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.envelope.AuthenticationFailedException;
import dev.envelope.EncryptionContext;
import dev.envelope.KeyProviderException;
import dev.envelope.local.AuditEvent;
import dev.envelope.local.AuditListener;
import dev.envelope.local.AuditLog;
import dev.envelope.local.AuditOutcome;
import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.KeyDestroyedException;
import dev.envelope.local.KeyDisabledException;
import dev.envelope.local.KeyManager;
import dev.envelope.local.KeyMetadata;
import dev.envelope.local.KeyNotFoundException;
import dev.envelope.local.KeyOperation;
import dev.envelope.local.KeyPendingDestructionException;
import dev.envelope.local.KeyPolicy;
import dev.envelope.local.KeyPolicyViolationException;
import dev.envelope.local.KeyState;
import dev.envelope.local.KeyStateEvent;
import dev.envelope.local.KeyStateException;
import dev.envelope.local.KeyStateListener;
import dev.envelope.local.KeyStoreIntegrityException;
import dev.envelope.local.KeyVersion;
import dev.envelope.local.WrongKekException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.AEADBadTagException;

/**
 * The local key store's engine: directory layout, KEK check, key files, in-memory cache,
 * lifecycle transitions, policy checks, audit and state notifications. The public {@code
 * LocalKeyStore} and {@code LocalKeyring} are thin views over one engine.
 *
 * <h2>Directory layout</h2>
 *
 * <pre>
 * &lt;dir&gt;/store.json          {"format":"envelope-local-store/1","storeId":uuid,"namespace":…,"createdAt":…,
 *                           "kek":{"kind":…, parameters},"kekCheck":base64(KEK(random 32 bytes, AAD = check AAD))}
 * &lt;dir&gt;/keys/&lt;keyId&gt;.json  one file per key (the directory is "keysDir" in store.json: keys-&lt;uuid&gt; after a KEK change) (layout in {@link KeyRecords}); the keyset is sealed under the
 *                           KEK with AAD = "envelope-local-key/1" 00 storeId 00 keyId 00 metadata-JSON
 * &lt;dir&gt;/audit.log           the hash-chained audit log ({@link AuditLog})
 * &lt;dir&gt;/.store.lock         the writers' lock file
 * </pre>
 *
 * Binding the metadata into the keyset's AAD means a key's state, policy and versions cannot be
 * edited on disk without the key becoming unreadable ({@link KeyStoreIntegrityException}).
 *
 * <h2>Concurrency</h2>
 *
 * Every change takes {@link DirectoryLock} (threads and processes), re-reads the key file from
 * disk, applies the transition and replaces the file atomically ({@link AtomicFiles}). Key use
 * reads through a cache that is revalidated against the file's identity (inode, mtime, size) on
 * every call, so a change made by another process is seen by the next operation.
 */
@SuppressWarnings("try") // lock holders are try-with-resources guards, unused in the body by design
public final class StoreEngine implements AutoCloseable {
  public static final String STORE_FILE = "store.json";
  public static final String KEYS_DIR = "keys";
  /** The keys directory is {@code keys}, or {@code keys-<uuid>} after a KEK change. */
  private static final java.util.regex.Pattern KEYS_DIR_NAME =
      java.util.regex.Pattern.compile("keys(-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})?");
  static final String STORE_FORMAT = "envelope-local-store/1";
  static final String KEY_FORMAT = "envelope-local-key/1";
  static final int MAX_FILE_BYTES = 16 << 20;
  public static final String DEFAULT_NAMESPACE = "envelope-local";
  /** The most plaintext one blob may hold (as AWS KMS Encrypt). */
  public static final int MAX_BLOB_PLAINTEXT = 4096;

  /** Configuration; filled in by {@code LocalKeyStore.Builder}. */
  public static final class Options {
    public Clock clock = Clock.systemUTC();
    public boolean auditLog = true;
    public String namespace = DEFAULT_NAMESPACE;
    public final List<AuditListener> auditListeners = new ArrayList<>();
    public final List<KeyStateListener> stateListeners = new ArrayList<>();
    public SecureRandom random = new SecureRandom();
  }

  private final Path dir;
  private final Path keysDir;
  private final String storeId;
  private final String namespace;
  private final Kek kek;
  private final Clock clock;
  private final SecureRandom random;
  private final DirectoryLock lock;
  private final AuditChain auditChain;
  private final List<AuditListener> auditListeners = new CopyOnWriteArrayList<>();
  private final List<KeyStateListener> stateListeners = new CopyOnWriteArrayList<>();
  private final ConcurrentHashMap<String, LoadedKey> cache = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, String> aliases = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private StoreEngine(Path dir, String keysDirName, String storeId, String namespace, Kek kek, Options o) {
    this.dir = dir;
    this.keysDir = dir.resolve(keysDirName);
    this.storeId = storeId;
    this.namespace = namespace;
    this.kek = kek;
    this.clock = o.clock;
    this.random = o.random;
    this.lock = new DirectoryLock(dir.resolve(".store.lock"));
    this.auditChain = o.auditLog ? new AuditChain(dir.resolve(AuditLog.FILE_NAME)) : null;
    if (auditChain != null) {
      auditListeners.add(auditChain);
    }
    auditListeners.addAll(o.auditListeners);
    stateListeners.addAll(o.stateListeners);
  }

  // ------------------------------------------------------------------------- create / open

  /** Creates a new, empty store in {@code dir} (created if absent). */
  public static StoreEngine create(Path dir, KekSpec spec, Options o) {
    Names.checkNamespace(o.namespace);
    try {
      Files.createDirectories(dir);
      DirectoryLock lock = new DirectoryLock(dir.resolve(".store.lock"));
      try (DirectoryLock.Held held = lock.acquire()) {
        if (Files.exists(dir.resolve(STORE_FILE))) {
          throw new IllegalStateException("a key store already exists in " + dir + "; open it instead");
        }
        Files.createDirectories(dir.resolve(KEYS_DIR));
        String storeId = UUID.randomUUID().toString();
        JsonObject kekRecord = new JsonObject();
        kekRecord.addProperty("kind", spec.kind());
        Kek kek = spec.forNewStore(kekRecord);
        byte[] check = new byte[32];
        o.random.nextBytes(check);
        JsonObject store = new JsonObject();
        store.addProperty("format", STORE_FORMAT);
        store.addProperty("storeId", storeId);
        store.addProperty("namespace", o.namespace);
        store.addProperty("createdAt", o.clock.instant().toString());
        store.addProperty("keysDir", KEYS_DIR);
        store.add("kek", kekRecord);
        store.addProperty(
            "kekCheck",
            Base64.getEncoder().encodeToString(kek.encrypt(check, checkAad(storeId, o.namespace))));
        AtomicFiles.write(dir.resolve(STORE_FILE), store.toString().getBytes(StandardCharsets.UTF_8));
        AtomicFiles.fsyncDirectory(dir.toAbsolutePath().getParent() == null ? dir : dir.toAbsolutePath().getParent());
        return new StoreEngine(dir, KEYS_DIR, storeId, o.namespace, kek, o);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not create a key store in " + dir, e);
    } catch (GeneralSecurityException e) {
      throw new KeyProviderException("the KEK could not encrypt the store's check value: " + e.getMessage(), e);
    }
  }

  /** Opens the store in {@code dir}, checking that {@code spec} gives the KEK it was created with. */
  public static StoreEngine open(Path dir, KekSpec spec, Options o) {
    Path storeFile = dir.resolve(STORE_FILE);
    JsonObject store;
    try {
      store = parseObject(readBounded(storeFile), storeFile);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("there is no key store in " + dir + " (no " + STORE_FILE + "); create one first");
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + storeFile, e);
    }
    String storeId;
    String namespace;
    String keysDirName;
    JsonObject kekRecord;
    byte[] check;
    try {
      if (!STORE_FORMAT.equals(store.get("format").getAsString())) {
        throw new KeyStoreIntegrityException(storeFile + " has format " + store.get("format") + "; this release reads " + STORE_FORMAT);
      }
      storeId = store.get("storeId").getAsString();
      namespace = store.get("namespace").getAsString();
      keysDirName = store.has("keysDir") ? store.get("keysDir").getAsString() : KEYS_DIR;
      if (!KEYS_DIR_NAME.matcher(keysDirName).matches()) {
        throw new KeyStoreIntegrityException(storeFile + " names an invalid keys directory");
      }
      kekRecord = store.getAsJsonObject("kek");
      check = Base64.getDecoder().decode(store.get("kekCheck").getAsString());
    } catch (RuntimeException e) {
      if (e instanceof KeyStoreIntegrityException) {
        throw e;
      }
      throw new KeyStoreIntegrityException(storeFile + " is malformed: " + e.getMessage(), e);
    }
    String kind = kekRecord.has("kind") ? kekRecord.get("kind").getAsString() : "?";
    if (!kind.equals(spec.kind())) {
      throw new WrongKekException(
          "the key store in " + dir + " is protected by a KEK of kind '" + kind + "', but a KEK of kind '"
              + spec.kind() + "' was given");
    }
    Kek kek = spec.forExistingStore(kekRecord);
    try {
      byte[] plain = kek.decrypt(check, checkAad(storeId, namespace));
      java.util.Arrays.fill(plain, (byte) 0);
    } catch (AEADBadTagException e) {
      throw new WrongKekException(
          "cannot open the key store in " + dir + ": " + spec.wrongKekHint()
              + " (or " + STORE_FILE + " was modified)", e);
    } catch (GeneralSecurityException e) {
      throw new KeyProviderException("the KEK failed while opening the key store in " + dir + ": " + e.getMessage(), e);
    }
    StoreEngine engine = new StoreEngine(dir, keysDirName, storeId, namespace, kek, o);
    try (DirectoryLock.Held held = engine.lock.acquire()) {
      AtomicFiles.deleteOrphanTemps(dir);
      Files.createDirectories(engine.keysDir);
      AtomicFiles.deleteOrphanTemps(engine.keysDir);
      engine.deleteOtherKeyDirectories();
    } catch (IOException e) {
      throw new UncheckedIOException("could not tidy the key store in " + dir, e);
    }
    return engine;
  }

  private static byte[] checkAad(String storeId, String namespace) {
    return ("envelope-local/kek-check\0" + storeId + "\0" + namespace).getBytes(StandardCharsets.UTF_8);
  }

  public String namespace() {
    return namespace;
  }

  public String storeId() {
    return storeId;
  }

  public Path directory() {
    return dir;
  }

  public Clock clock() {
    return clock;
  }

  public SecureRandom random() {
    return random;
  }

  public void addAuditListener(AuditListener l) {
    auditListeners.add(Objects.requireNonNull(l, "listener"));
  }

  public void addKeyStateListener(KeyStateListener l) {
    stateListeners.add(Objects.requireNonNull(l, "listener"));
  }

  // ------------------------------------------------------------------------- key files

  /** A key as loaded from its file. Immutable. */
  static final class LoadedKey {
    final KeyMetadata metadata;
    final KeysetHandle keyset; // null once destroyed
    final Map<Integer, Aead> aeads; // empty once destroyed
    final FileStamp stamp;

    LoadedKey(KeyMetadata metadata, KeysetHandle keyset, Map<Integer, Aead> aeads, FileStamp stamp) {
      this.metadata = metadata;
      this.keyset = keyset;
      this.aeads = aeads;
      this.stamp = stamp;
    }
  }

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

  private Path keyFile(String keyId) {
    return keysDir.resolve(keyId + ".json");
  }

  private FileStamp stamp(String keyId) {
    try {
      return new FileStamp(Files.readAttributes(keyFile(keyId), BasicFileAttributes.class));
    } catch (NoSuchFileException e) {
      throw new KeyNotFoundException("there is no key " + keyId + " in the key store at " + dir);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read key " + keyId, e);
    }
  }

  private byte[] keyAad(String keyId, String metadataJson) {
    return (KEY_FORMAT + "\0" + storeId + "\0" + keyId + "\0" + metadataJson).getBytes(StandardCharsets.UTF_8);
  }

  /** Reads and authenticates a key file, bypassing the cache. */
  private LoadedKey readKey(String keyId) {
    Path file = keyFile(keyId);
    FileStamp stamp = stamp(keyId);
    byte[] bytes;
    try {
      bytes = readBounded(file);
    } catch (NoSuchFileException e) {
      throw new KeyNotFoundException("there is no key " + keyId + " in the key store at " + dir);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read key " + keyId, e);
    }
    JsonObject o = parseObject(bytes, file);
    String metadataJson;
    JsonElement sealed;
    try {
      if (!KEY_FORMAT.equals(o.get("format").getAsString())) {
        throw new KeyStoreIntegrityException("key file " + file + " has an unknown format; this release reads " + KEY_FORMAT);
      }
      metadataJson = o.get("metadata").getAsString();
      sealed = o.get("keyset");
    } catch (RuntimeException e) {
      if (e instanceof KeyStoreIntegrityException) {
        throw e;
      }
      throw new KeyStoreIntegrityException("key file " + file + " is malformed", e);
    }
    KeyMetadata md = KeyRecords.fromJson(metadataJson, namespace, file.toString());
    if (!md.keyId().equals(keyId)) {
      throw new KeyStoreIntegrityException("key file " + file + " holds key " + md.keyId() + ", not " + keyId);
    }
    boolean hasKeyset = sealed != null && !sealed.isJsonNull();
    if (md.state() == KeyState.DESTROYED) {
      if (hasKeyset) {
        throw new KeyStoreIntegrityException("key file " + file + " says the key is destroyed but holds key material");
      }
      return new LoadedKey(md, null, Map.of(), stamp);
    }
    if (!hasKeyset) {
      throw new KeyStoreIntegrityException("key file " + file + " has no key material but the key is " + md.state());
    }
    try {
      KeysetHandle keyset = Keysets.open(Base64.getDecoder().decode(sealed.getAsString()), kek, keyAad(keyId, metadataJson));
      Map<Integer, Aead> aeads = Keysets.primitives(keyset);
      if (aeads.size() != md.versions().size() || !aeads.keySet().containsAll(versionNumbers(md))
          || Keysets.primaryVersion(keyset) != md.primaryVersion()) {
        throw new KeyStoreIntegrityException("key file " + file + ": the keyset's versions do not match its metadata");
      }
      return new LoadedKey(md, keyset, aeads, stamp);
    } catch (KekFailedException e) {
      throw kekUnavailable("open key " + keyId, e);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new KeyStoreIntegrityException(
          "key file " + file + " fails authentication under the store's KEK: it was modified, or comes from"
              + " another store; restore it from a backup", e);
    }
  }

  /** The KEK itself failed (not the data): say so instead of blaming the key file. */
  private KeyProviderException kekUnavailable(String action, KekFailedException e) {
    return new KeyProviderException(
        "the key store's KEK failed and could not " + action + " (" + e.getMessage()
            + "): check that the KEK is available, e.g. that its token is present and the token key still exists", e);
  }

  private static List<Integer> versionNumbers(KeyMetadata md) {
    List<Integer> out = new ArrayList<>();
    md.versions().forEach(v -> out.add(v.number()));
    return out;
  }

  private void writeKey(KeyMetadata md, KeysetHandle keyset) {
    String metadataJson = KeyRecords.toJson(md);
    JsonObject o = new JsonObject();
    o.addProperty("format", KEY_FORMAT);
    o.addProperty("metadata", metadataJson);
    try {
      if (keyset == null) {
        o.add("keyset", JsonNull.INSTANCE);
      } else {
        o.addProperty("keyset", Base64.getEncoder().encodeToString(Keysets.seal(keyset, kek, keyAad(md.keyId(), metadataJson))));
      }
      AtomicFiles.write(keyFile(md.keyId()), o.toString().getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new KeyProviderException("the KEK could not seal key " + md.keyId() + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write key " + md.keyId(), e);
    }
  }

  /** The current version of a key, from the cache if the file has not changed. */
  private LoadedKey load(String keyId) {
    checkOpen();
    LoadedKey cached = cache.get(keyId);
    if (cached != null && cached.stamp.equals(stamp(keyId))) {
      return cached;
    }
    LoadedKey fresh = readKey(keyId);
    boolean installed = cached == null ? cache.putIfAbsent(keyId, fresh) == null : cache.replace(keyId, cached, fresh);
    if (installed && cached != null && cached.metadata.state() != fresh.metadata.state()) {
      // Another process changed the state: tell this process's listeners too.
      notifyState(KeyStateEvent.of(fresh.metadata, cached.metadata.state(), clock.instant(), "(another process)"));
    }
    return fresh;
  }

  private List<String> keyIds() {
    List<String> ids = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(keysDir, "*.json")) {
      for (Path p : files) {
        String name = p.getFileName().toString();
        String id = name.substring(0, name.length() - ".json".length());
        if (Names.isKeyId(id)) {
          ids.add(id);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not list the keys in " + keysDir, e);
    }
    return ids;
  }

  /** Resolves a key id or alias to a key id. */
  public String resolve(String key) {
    Objects.requireNonNull(key, "key");
    checkOpen();
    if (Names.isKeyId(key)) {
      stamp(key); // throws KeyNotFoundException
      return key;
    }
    String id = aliases.get(key);
    if (id != null) {
      try {
        if (key.equals(load(id).metadata.alias().orElse(null))) {
          return id;
        }
      } catch (KeyNotFoundException gone) {
        // fall through to a rescan
      }
      aliases.remove(key, id);
    }
    for (String candidate : keyIds()) {
      KeyMetadata md = load(candidate).metadata;
      md.alias().ifPresent(a -> aliases.put(a, candidate));
      if (md.alias().filter(key::equals).isPresent()) {
        return candidate;
      }
    }
    throw new KeyNotFoundException("there is no key with id or alias '" + key + "' in the key store at " + dir);
  }

  // ------------------------------------------------------------------------- lifecycle

  public KeyMetadata createKey(CreateKeyRequest request, String caller) {
    Objects.requireNonNull(request, "request");
    checkOpen();
    KeyMetadata md;
    try (DirectoryLock.Held held = lock.acquire()) {
      if (request.alias().isPresent()) {
        String alias = request.alias().get();
        for (String id : keyIds()) {
          if (readKey(id).metadata.alias().filter(alias::equals).isPresent()) {
            String why = "alias '" + alias + "' is already used by key " + id;
            audit(KeyOperation.CREATE, AuditOutcome.DENIED, null, 0, null, null, caller, why);
            throw new IllegalArgumentException(why + "; choose another alias");
          }
        }
      }
      String keyId = UUID.randomUUID().toString();
      Instant now = clock.instant();
      KeysetHandle keyset;
      try {
        keyset = Keysets.create();
      } catch (GeneralSecurityException e) {
        throw new KeyProviderException("could not generate key material: " + e.getMessage(), e);
      }
      md =
          KeyMetadata.builder()
              .keyId(keyId)
              .alias(request.alias().orElse(null))
              .description(request.description())
              .state(KeyState.ENABLED)
              .versions(List.of(KeyVersion.of(keyId, 1, now)))
              .primaryVersion(1)
              .createdAt(now)
              .stateChangedAt(now)
              .policy(request.policy())
              .keyNamespace(namespace)
              .build();
      writeKey(md, keyset);
      install(md, keyset);
      request.alias().ifPresent(a -> aliases.put(a, keyId));
    }
    audit(KeyOperation.CREATE, AuditOutcome.SUCCESS, md.keyId(), 1, null, md.policy(), caller, "");
    return md;
  }

  private void install(KeyMetadata md, KeysetHandle keyset) {
    try {
      Map<Integer, Aead> aeads = keyset == null ? Map.of() : Keysets.primitives(keyset);
      cache.put(md.keyId(), new LoadedKey(md, keyset, aeads, stamp(md.keyId())));
    } catch (GeneralSecurityException e) {
      throw new KeyProviderException("could not load key " + md.keyId() + " just written: " + e.getMessage(), e);
    }
  }

  public List<KeyMetadata> listKeys() {
    checkOpen();
    List<KeyMetadata> out = new ArrayList<>();
    for (String id : keyIds()) {
      try {
        out.add(load(id).metadata);
      } catch (KeyNotFoundException removedMeanwhile) {
        // not there any more
      }
    }
    out.sort(Comparator.comparing(KeyMetadata::createdAt).thenComparing(KeyMetadata::keyId));
    return out;
  }

  public KeyMetadata describeKey(String key) {
    return load(resolve(key)).metadata;
  }

  /** A lifecycle transition: the new metadata and keyset, or null for "no change". */
  private interface Transition {
    Result apply(LoadedKey current, Instant now);
  }

  private static final class Result {
    final KeyMetadata metadata;
    final KeysetHandle keyset;

    Result(KeyMetadata metadata, KeysetHandle keyset) {
      this.metadata = metadata;
      this.keyset = keyset;
    }
  }

  private KeyMetadata change(String key, KeyOperation op, String caller, Transition t) {
    checkOpen();
    KeyStateEvent event = null;
    KeyMetadata result;
    try (DirectoryLock.Held held = lock.acquire()) {
      String keyId;
      try {
        keyId = resolve(key);
      } catch (KeyNotFoundException e) {
        audit(op, AuditOutcome.FAILURE, null, 0, null, null, caller, e.getMessage());
        throw e;
      }
      LoadedKey current = readKey(keyId);
      KeyPolicy policy = current.metadata.policy();
      String denial = denial(policy, op, caller, null);
      if (denial != null) {
        audit(op, AuditOutcome.DENIED, keyId, 0, null, policy, caller, denial);
        throw new KeyPolicyViolationException(keyId, op, denial);
      }
      Instant now = clock.instant();
      Result r;
      try {
        r = t.apply(current, now);
      } catch (KeyStateException | IllegalArgumentException e) {
        audit(op, AuditOutcome.DENIED, keyId, 0, null, policy, caller, e.getMessage());
        throw e;
      }
      if (r == null) {
        result = current.metadata;
        cache.put(keyId, current);
      } else {
        writeKey(r.metadata, r.keyset);
        install(r.metadata, r.keyset);
        result = r.metadata;
        if (r.metadata.state() != current.metadata.state()) {
          event = KeyStateEvent.of(r.metadata, current.metadata.state(), now, caller);
        }
      }
      audit(op, AuditOutcome.SUCCESS, keyId, op == KeyOperation.ROTATE ? result.primaryVersion() : 0, null,
          result.policy(), caller, r == null ? "no change: the key is already " + result.state() : "");
    }
    if (event != null) {
      notifyState(event);
    }
    return result;
  }

  public KeyMetadata rotateKey(String key, String caller) {
    return change(key, KeyOperation.ROTATE, caller, (cur, now) -> {
      refuseUnlessEnabled(cur.metadata);
      int next = cur.metadata.versions().get(cur.metadata.versions().size() - 1).number() + 1;
      KeysetHandle keyset;
      try {
        keyset = Keysets.addVersion(cur.keyset, next);
      } catch (GeneralSecurityException e) {
        throw new KeyProviderException("could not generate key material: " + e.getMessage(), e);
      }
      List<KeyVersion> versions = new ArrayList<>(cur.metadata.versions());
      versions.add(KeyVersion.of(cur.metadata.keyId(), next, now));
      return new Result(
          cur.metadata.toBuilder().versions(versions).primaryVersion(next).lastRotatedAt(now).build(), keyset);
    });
  }

  public KeyMetadata disableKey(String key, String caller) {
    return change(key, KeyOperation.DISABLE, caller, (cur, now) -> {
      KeyMetadata m = cur.metadata;
      switch (m.state()) {
        case DISABLED:
          return null;
        case ENABLED:
          return new Result(m.toBuilder().state(KeyState.DISABLED).stateChangedAt(now).build(), cur.keyset);
        default:
          throw refusal(m, "it is already unusable");
      }
    });
  }

  public KeyMetadata enableKey(String key, String caller) {
    return change(key, KeyOperation.ENABLE, caller, (cur, now) -> {
      KeyMetadata m = cur.metadata;
      switch (m.state()) {
        case ENABLED:
          return null;
        case DISABLED:
          return new Result(m.toBuilder().state(KeyState.ENABLED).stateChangedAt(now).build(), cur.keyset);
        case PENDING_DESTRUCTION:
          throw new KeyStateException(m.keyId(), m.state(),
              "key " + name(m) + " is scheduled for destruction; cancel the destruction first, then enable it");
        default:
          throw refusal(m, "it cannot be enabled");
      }
    });
  }

  public KeyMetadata scheduleDestruction(String key, Duration wait, String caller) {
    Objects.requireNonNull(wait, "waitingPeriod");
    return change(key, KeyOperation.SCHEDULE_DESTRUCTION, caller, (cur, now) -> {
      if (wait.compareTo(KeyManager.MIN_DESTRUCTION_WAIT) < 0 || wait.compareTo(KeyManager.MAX_DESTRUCTION_WAIT) > 0) {
        throw new IllegalArgumentException(
            "the destruction waiting period must be between " + KeyManager.MIN_DESTRUCTION_WAIT.toDays() + " and "
                + KeyManager.MAX_DESTRUCTION_WAIT.toDays() + " days: " + wait);
      }
      KeyMetadata m = cur.metadata;
      if (m.state() == KeyState.PENDING_DESTRUCTION) {
        throw new KeyStateException(m.keyId(), m.state(),
            "key " + name(m) + " is already scheduled for destruction at " + m.destructionDate().orElseThrow());
      }
      if (m.state() == KeyState.DESTROYED) {
        throw refusal(m, "there is nothing left to destroy");
      }
      return new Result(
          m.toBuilder().state(KeyState.PENDING_DESTRUCTION).stateChangedAt(now).destructionDate(now.plus(wait)).build(),
          cur.keyset);
    });
  }

  public KeyMetadata cancelDestruction(String key, String caller) {
    return change(key, KeyOperation.CANCEL_DESTRUCTION, caller, (cur, now) -> {
      KeyMetadata m = cur.metadata;
      if (m.state() != KeyState.PENDING_DESTRUCTION) {
        if (m.state() == KeyState.DESTROYED) {
          throw refusal(m, "it is too late to cancel");
        }
        throw new KeyStateException(m.keyId(), m.state(),
            "key " + name(m) + " is not scheduled for destruction (it is " + m.state() + ")");
      }
      return new Result(
          m.toBuilder().state(KeyState.DISABLED).stateChangedAt(now).destructionDate(null).build(), cur.keyset);
    });
  }

  public KeyMetadata destroyKey(String key, String caller) {
    return change(key, KeyOperation.DESTROY, caller, (cur, now) -> {
      KeyMetadata m = cur.metadata;
      switch (m.state()) {
        case DESTROYED:
          return null;
        case PENDING_DESTRUCTION:
          Instant due = m.destructionDate().orElseThrow();
          if (now.isBefore(due)) {
            throw new KeyStateException(m.keyId(), m.state(),
                "key " + name(m) + " cannot be destroyed before its waiting period ends at " + due
                    + "; cancel the destruction if it is still needed");
          }
          return new Result(m.toBuilder().state(KeyState.DESTROYED).stateChangedAt(now).destructionDate(now).build(), null);
        default:
          throw new KeyStateException(m.keyId(), m.state(),
              "key " + name(m) + " is " + m.state() + "; schedule its destruction first (scheduleDestruction)");
      }
    });
  }

  /** Destroys every key pending destruction whose waiting period is over; returns them. */
  public List<KeyMetadata> destroyDueKeys(String caller) {
    List<KeyMetadata> destroyed = new ArrayList<>();
    Instant now = clock.instant();
    for (KeyMetadata m : listKeys()) {
      if (m.state() == KeyState.PENDING_DESTRUCTION && !now.isBefore(m.destructionDate().orElseThrow())) {
        destroyed.add(destroyKey(m.keyId(), caller));
      }
    }
    return destroyed;
  }

  public KeyMetadata updatePolicy(String key, KeyPolicy policy, String caller) {
    Objects.requireNonNull(policy, "policy");
    return change(key, KeyOperation.UPDATE_POLICY, caller, (cur, now) -> {
      KeyMetadata m = cur.metadata;
      if (m.state() == KeyState.DESTROYED) {
        throw refusal(m, "its policy can no longer change");
      }
      return new Result(m.toBuilder().policy(policy).build(), cur.keyset);
    });
  }

  public KeyMetadata updateDescription(String key, String description, String caller) {
    Objects.requireNonNull(description, "description");
    return change(key, KeyOperation.UPDATE_POLICY, caller, (cur, now) -> {
      KeyMetadata m = cur.metadata;
      if (m.state() == KeyState.DESTROYED) {
        throw refusal(m, "its description can no longer change");
      }
      return new Result(m.toBuilder().description(description).build(), cur.keyset);
    });
  }

  /** The plaintext bytes of one version; see {@code LocalKeyStore.exportKeyVersionInsecure}. */
  public byte[] exportKeyVersionInsecure(String key, int version, String caller) {
    KeyOperation op = KeyOperation.EXPORT;
    String keyId;
    try {
      keyId = resolve(key);
    } catch (KeyNotFoundException e) {
      audit(op, AuditOutcome.FAILURE, null, 0, null, null, caller, e.getMessage());
      throw e;
    }
    LoadedKey k = load(keyId);
    refuseUse(k, op, null, caller, version);
    if (!k.aeads.containsKey(version)) {
      String why = "key " + name(k.metadata) + " has no version " + version;
      audit(op, AuditOutcome.FAILURE, keyId, version, null, k.metadata.policy(), caller, why);
      throw new KeyNotFoundException(why);
    }
    try {
      byte[] bytes = Keysets.exportVersionInsecure(k.keyset, version);
      audit(op, AuditOutcome.SUCCESS, keyId, version, null, k.metadata.policy(), caller,
          "plaintext key version handed to the caller");
      return bytes;
    } catch (GeneralSecurityException e) {
      throw new KeyProviderException("could not export key " + keyId + " version " + version, e);
    }
  }

  // ------------------------------------------------------------------------- state & policy

  private static String name(KeyMetadata m) {
    return m.keyId() + m.alias().map(a -> " (" + a + ")").orElse("");
  }

  private static void refuseUnlessEnabled(KeyMetadata m) {
    if (m.state() != KeyState.ENABLED) {
      throw refusal(m, "it refuses every operation");
    }
  }

  /** The exception for a key that is not enabled. */
  private static KeyStateException refusal(KeyMetadata m, String consequence) {
    switch (m.state()) {
      case DISABLED:
        return new KeyDisabledException(m.keyId(),
            "key " + name(m) + " is disabled and " + consequence + "; enable it (enableKey) to use it again");
      case PENDING_DESTRUCTION:
        return new KeyPendingDestructionException(m.keyId(),
            "key " + name(m) + " is scheduled for destruction at " + m.destructionDate().orElseThrow() + " and "
                + consequence + "; cancel the destruction and enable it to use it again");
      case DESTROYED:
        return new KeyDestroyedException(m.keyId(),
            "key " + name(m) + " was destroyed at " + m.destructionDate().orElse(m.stateChangedAt())
                + "; data encrypted under it can no longer be decrypted, and " + consequence);
      default:
        throw new IllegalStateException("key " + m.keyId() + " is enabled");
    }
  }

  /**
   * Why {@code policy} denies {@code op} to {@code caller} with {@code context} (null for an
   * administrative operation), or null if it allows it. Never includes context values unless the
   * policy marks their key loggable.
   */
  static String denial(KeyPolicy policy, KeyOperation op, String caller, EncryptionContext context) {
    if (!policy.allows(op)) {
      return "operation " + op + " is not allowed by the key policy (allowed: " + policy.allowedOperations() + ")";
    }
    if (!policy.callerGrants().isEmpty()) {
      var granted = policy.callerGrants().get(caller);
      if (granted == null || !granted.contains(op)) {
        return "caller '" + caller + "' has no grant for " + op;
      }
    }
    if (op.isKeyUse() && context != null) {
      for (String required : policy.requiredContextKeys()) {
        if (!context.containsKey(required)) {
          return "the encryption context lacks the required key '" + required + "'";
        }
      }
      for (Map.Entry<String, java.util.Set<String>> rule : policy.allowedContextValues().entrySet()) {
        String value = context.get(rule.getKey()).orElse(null);
        if (value != null && !rule.getValue().contains(value)) {
          boolean loggable = policy.loggableContextKeys().contains(rule.getKey());
          return loggable
              ? "the value '" + value + "' of context key '" + rule.getKey() + "' is not among the allowed values "
                  + rule.getValue()
              : "the value of context key '" + rule.getKey() + "' is not among its " + rule.getValue().size()
                  + " allowed value(s)";
        }
      }
    }
    return null;
  }

  /** Throws (after auditing a denial) unless {@code k} may do {@code op} with {@code context}. */
  private void refuseUse(LoadedKey k, KeyOperation op, EncryptionContext context, String caller, int version) {
    KeyMetadata m = k.metadata;
    RuntimeException refusal = null;
    if (m.state() != KeyState.ENABLED) {
      refusal = refusal(m, "it refuses every operation");
    } else {
      String denial = denial(m.policy(), op, caller, context);
      if (denial != null) {
        refusal = new KeyPolicyViolationException(m.keyId(), op, denial);
      }
    }
    if (refusal != null) {
      audit(op, AuditOutcome.DENIED, m.keyId(), version, context, m.policy(), caller, refusal.getMessage());
      throw refusal;
    }
  }

  // ------------------------------------------------------------------------- key use

  /** A wrapped secret in the pieces of an ESDK raw AES encrypted data key. */
  public static final class Wrapped {
    public final int version;
    public final String keyName;
    public final byte[] providerInfo;
    public final byte[] ciphertext;

    Wrapped(int version, String keyName, byte[] providerInfo, byte[] ciphertext) {
      this.version = version;
      this.keyName = keyName;
      this.providerInfo = providerInfo;
      this.ciphertext = ciphertext;
    }
  }

  /**
   * Encrypts {@code secret} under the primary version of {@code keyId}, bound to {@code context},
   * after the state and policy checks for {@code op}.
   */
  public Wrapped wrap(String keyId, KeyOperation op, byte[] secret, EncryptionContext context, String caller) {
    LoadedKey k = loadForUse(keyId, op, context, caller);
    refuseUse(k, op, context, caller, 0);
    int version = k.metadata.primaryVersion();
    byte[] sealed;
    try {
      // spec: framework/raw-aes-keyring.md#onencrypt (AAD = serialized full encryption context)
      sealed = k.aeads.get(version).encrypt(secret, context.toCanonicalBytes());
    } catch (GeneralSecurityException e) {
      audit(op, AuditOutcome.FAILURE, keyId, version, context, k.metadata.policy(), caller, e.getClass().getSimpleName());
      throw new KeyProviderException("key " + keyId + " could not encrypt: " + e.getClass().getSimpleName(), e);
    }
    // Tink NO_PREFIX AES-GCM output: IV (12) ‖ ciphertext ‖ tag (16).
    byte[] iv = java.util.Arrays.copyOfRange(sealed, 0, EdkLayout.IV_LENGTH);
    byte[] body = java.util.Arrays.copyOfRange(sealed, EdkLayout.IV_LENGTH, sealed.length);
    String keyName = KeyVersion.keyName(keyId, version);
    audit(op, AuditOutcome.SUCCESS, keyId, version, context, k.metadata.policy(), caller, "");
    return new Wrapped(version, keyName, EdkLayout.providerInfo(keyName, iv), body);
  }

  /**
   * Decrypts what {@link #wrap} produced with version {@code version} of {@code keyId}.
   *
   * @throws AuthenticationFailedException if the tag does not verify (wrong context or data)
   * @throws KeyNotFoundException if the key has no such version
   */
  public byte[] unwrap(String keyId, int version, byte[] iv, byte[] ciphertext, EncryptionContext context,
      KeyOperation op, String caller) {
    LoadedKey k = loadForUse(keyId, op, context, caller);
    refuseUse(k, op, context, caller, version);
    Aead aead = k.aeads.get(version);
    if (aead == null) {
      String why = "key " + name(k.metadata) + " has no version " + version;
      audit(op, AuditOutcome.FAILURE, keyId, version, context, k.metadata.policy(), caller, why);
      throw new KeyNotFoundException(why);
    }
    byte[] sealed = new byte[iv.length + ciphertext.length];
    System.arraycopy(iv, 0, sealed, 0, iv.length);
    System.arraycopy(ciphertext, 0, sealed, iv.length, ciphertext.length);
    try {
      byte[] plain = aead.decrypt(sealed, context.toCanonicalBytes());
      audit(op, AuditOutcome.SUCCESS, keyId, version, context, k.metadata.policy(), caller, "");
      return plain;
    } catch (GeneralSecurityException e) {
      String why = "authentication failed: the encryption context differs from the one used to encrypt, or the"
          + " ciphertext was modified";
      audit(op, AuditOutcome.FAILURE, keyId, version, context, k.metadata.policy(), caller, why);
      throw new AuthenticationFailedException("key " + keyId + " version " + version + ": " + why);
    }
  }

  private LoadedKey loadForUse(String keyId, KeyOperation op, EncryptionContext context, String caller) {
    try {
      return load(keyId);
    } catch (KeyNotFoundException e) {
      audit(op, AuditOutcome.FAILURE, keyId, 0, context, null, caller, e.getMessage());
      throw e;
    }
  }

  // ------------------------------------------------------------------------- audit & events

  private void audit(KeyOperation op, AuditOutcome outcome, String keyId, int version, EncryptionContext context,
      KeyPolicy policy, String caller, String detail) {
    AuditEvent.Builder b =
        AuditEvent.builder()
            .time(clock.instant())
            .operation(op)
            .outcome(outcome)
            .keyId(keyId)
            .keyVersion(version)
            .caller(caller)
            .detail(detail);
    if (context != null) {
      b.contextKeys(context.keys());
      if (policy != null && !policy.loggableContextKeys().isEmpty()) {
        Map<String, String> logged = new TreeMap<>();
        context.asMap().forEach((k, v) -> {
          if (policy.loggableContextKeys().contains(k)) {
            logged.put(k, v);
          }
        });
        b.loggedContext(logged);
      }
    }
    AuditEvent event = b.build();
    for (AuditListener l : auditListeners) {
      l.onAuditEvent(event);
    }
  }

  private void notifyState(KeyStateEvent event) {
    Listeners.notifyState(stateListeners, event);
  }

  // ------------------------------------------------------------------------- KEK change

  /**
   * Re-seals every key under a new KEK. Crash-safe by directory indirection: all key files are
   * re-sealed into a fresh {@code keys-<uuid>} directory, then {@code store.json} is replaced
   * atomically to name the new KEK and that directory, then the old directory is deleted. A crash
   * before the switch leaves the old store intact; after it, the new one is complete; leftovers of
   * either are deleted on the next open. This engine is closed afterwards: reopen with the new KEK.
   */
  public void changeKek(KekSpec next, String caller) {
    checkOpen();
    try (DirectoryLock.Held held = lock.acquire()) {
      Path storeFile = dir.resolve(STORE_FILE);
      JsonObject store = parseObject(readBounded(storeFile), storeFile);
      JsonObject kekRecord = new JsonObject();
      kekRecord.addProperty("kind", next.kind());
      Kek nextKek = next.forNewStore(kekRecord);
      String newDirName = KEYS_DIR + "-" + UUID.randomUUID();
      Path newDir = dir.resolve(newDirName);
      Files.createDirectory(newDir);
      int keys = 0;
      for (String keyId : keyIds()) {
        Path file = keyFile(keyId);
        JsonObject o = parseObject(readBounded(file), file);
        JsonElement sealed = o.get("keyset");
        if (sealed != null && !sealed.isJsonNull()) {
          byte[] aad = keyAad(keyId, o.get("metadata").getAsString());
          KeysetHandle keyset;
          try {
            keyset = Keysets.open(Base64.getDecoder().decode(sealed.getAsString()), kek, aad);
          } catch (KekFailedException e) {
            throw kekUnavailable("open key " + keyId + "; KEK change aborted", e);
          } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new KeyStoreIntegrityException("key file " + file + " fails authentication; KEK change aborted", e);
          }
          o.addProperty("keyset", Base64.getEncoder().encodeToString(Keysets.seal(keyset, nextKek, aad)));
        }
        AtomicFiles.write(newDir.resolve(keyId + ".json"), o.toString().getBytes(StandardCharsets.UTF_8));
        keys++;
      }
      AtomicFiles.fsyncDirectory(newDir);
      byte[] check = new byte[32];
      random.nextBytes(check);
      store.add("kek", kekRecord);
      store.addProperty("kekCheck", Base64.getEncoder().encodeToString(nextKek.encrypt(check, checkAad(storeId, namespace))));
      store.addProperty("keysDir", newDirName);
      AtomicFiles.write(storeFile, store.toString().getBytes(StandardCharsets.UTF_8));
      // The switch is done: from here on the store is the new one.
      audit(KeyOperation.CHANGE_KEK, AuditOutcome.SUCCESS, null, 0, null, null, caller,
          "re-sealed " + keys + " key(s) under a new KEK of kind " + next.kind());
      deleteTree(keysDir);
      AtomicFiles.fsyncDirectory(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("could not change the KEK of the key store in " + dir, e);
    } catch (GeneralSecurityException e) {
      throw new KeyProviderException("the new KEK failed: " + e.getMessage(), e);
    } finally {
      close();
    }
  }

  /** Deletes keys directories other than the current one (left by an interrupted KEK change). */
  private void deleteOtherKeyDirectories() throws IOException {
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dir, KEYS_DIR + "*")) {
      for (Path p : dirs) {
        if (Files.isDirectory(p) && KEYS_DIR_NAME.matcher(p.getFileName().toString()).matches()
            && !p.getFileName().equals(keysDir.getFileName())) {
          deleteTree(p);
        }
      }
    }
    AtomicFiles.fsyncDirectory(dir);
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

  // ------------------------------------------------------------------------- misc

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this key store was closed");
    }
  }

  @Override
  public void close() {
    closed = true;
    cache.clear();
    if (auditChain != null) {
      auditChain.close();
    }
  }

  private static byte[] readBounded(Path file) throws IOException {
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

  @Override
  public String toString() {
    return "LocalKeyStore[" + dir + ", namespace=" + namespace + "]";
  }
}
