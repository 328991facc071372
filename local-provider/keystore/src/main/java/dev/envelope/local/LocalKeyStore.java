package dev.envelope.local;

import dev.envelope.AuthenticationFailedException;
import dev.envelope.DataKey;
import dev.envelope.EncryptionContext;
import dev.envelope.MalformedMessageException;
import dev.envelope.local.internal.EdkLayout;
import dev.envelope.local.internal.Names;
import dev.envelope.local.internal.StoreEngine;
import dev.envelope.local.internal.StoreHome;
import dev.envelope.local.internal.Wrapped;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The embedded default key source: versioned AES-256 master keys in a directory, sealed at rest
 * under a key-encryption key ({@link KekSource}: a passphrase, a PKCS#11 token key, or any
 * keyring such as KMS), with lifecycle ({@link KeyManager}), per-key {@link KeyPolicy}, a
 * hash-chained {@link AuditLog} and incident-response hooks ({@link KeyStateListener}).
 *
 * <pre>{@code
 * try (LocalKeyStore store = LocalKeyStore.builder(dir).kek(KekSource.passphrase(pass)).openOrCreate()) {
 *   KeyMetadata key = store.createKey(CreateKeyRequest.withAlias("orders"));
 *   Envelope envelope = Envelope.builder().keyring(store.keyring("orders")).build();
 *   byte[] message = envelope.encrypt(data, EncryptionContext.of("tenant", "acme"));
 * }
 * }</pre>
 *
 * <p>Besides keyrings for Envelope messages ({@link #keyring}), the store encrypts small blobs
 * directly ({@link #encrypt}, {@link #decrypt}, {@link #generateDataKey}, {@link #reEncrypt}), the
 * operations a KMS-compatible endpoint needs. Each call is audited with the caller label of this
 * view; {@link #withCaller} gives a view with another label over the same store.
 *
 * <h2>Security guarantees</h2>
 *
 * <ul>
 *   <li>Key material is written to disk only sealed under the KEK (Tink keysets, AES-256-GCM); key
 *       metadata (state, policy, versions) is authenticated with it, so editing a key file makes
 *       the key unreadable instead of changing its state or policy.
 *   <li>Every change is atomic and durable (temp file, fsync, atomic rename, fsync directory): a
 *       crash never loses or corrupts a key. Writers are serialized across threads and processes.
 *   <li>Encrypted data keys use the ESDK raw AES layout, so an exported key version decrypts
 *       messages with the ESDK's raw AES keyring.
 *   <li>Disabled, pending-destruction and destroyed keys refuse every cryptographic operation;
 *       destruction erases the sealed key material after a waiting period.
 *
 *   <li>A manifest under a MAC only KEK holders can compute names every key and the generation
 *       of its current record; an older copy of a key file (from before a disable, a policy change
 *       or a destruction), a deleted one, or a manifest older than the audit log is refused with
 *       {@link KeyStoreIntegrityException}.
 *   <li>The store directory and its files are owner-only ({@code 0700}/{@code 0600}); a store that
 *       others can read or write is refused ({@link KeyStorePermissionException}).
 *   <li>The audit log's records carry a MAC under a key derived from the store's KEK-sealed
 *       secret and bound to the store id; {@link #verifyAuditLog()} checks it, across the log's
 *       segments and any prune's retention anchor.
 * </ul>
 *
 * Not promised: protection against someone who holds the KEK and the directory (they hold the
 * keys); detecting that the whole store directory (audit log included) was replaced by one older,
 * consistent copy (keep an audit anchor elsewhere for that); destruction of copies in backups, or
 * of bytes a file system or SSD keeps after a file is replaced. Keys are decrypted into memory
 * while the store is open.
 *
 * <p>Restoring a backup: restore the whole directory (store.json, the keys directory, the audit log)
 * from one backup taken while no change ran, with its modes. A single key file or manifest restored
 * alone is refused as a rollback.
 *
 * <p>Thread-safe. Several processes may open the same directory.
 */
public final class LocalKeyStore implements KeyLifecycle, AutoCloseable {
  /** The caller label of a store built without {@link Builder#callerLabel}. */
  public static final String DEFAULT_CALLER = "local";
  /** The default key namespace (provider id of encrypted data keys). */
  public static final String DEFAULT_NAMESPACE = StoreEngine.DEFAULT_NAMESPACE;
  /** The most bytes {@link #encrypt} accepts. */
  public static final int MAX_PLAINTEXT = StoreEngine.MAX_BLOB_PLAINTEXT;
  /** The most bytes {@link #generateDataKey} returns. */
  public static final int MAX_DATA_KEY_BYTES = 1024;
  /** The longest caller label: the longest IAM principal ARN, so a KMS caller fits whole. */
  public static final int MAX_CALLER_LABEL = Names.MAX_CALLER_LABEL;
  /** The longest key description. */
  public static final int MAX_DESCRIPTION = 8192;

  private final StoreEngine engine;
  private final String caller;

  private LocalKeyStore(StoreEngine engine, String caller) {
    this.engine = engine;
    this.caller = caller;
  }

  /** Configures a store in {@code directory}. */
  public static Builder builder(Path directory) {
    return new Builder(Objects.requireNonNull(directory, "directory"), null);
  }

  /**
   * Configures a store kept in {@code home}. For Envelope's other store modules (the PostgreSQL
   * key store's {@code PostgresKeyStore.builder}); {@link StoreHome} is not a public API.
   */
  public static Builder builder(StoreHome home) {
    return new Builder(null, Objects.requireNonNull(home, "home"));
  }

  /**
   * A view of this store whose operations are audited (and policy-checked) as {@code callerLabel}.
   * It shares everything else with this one, including {@link #close()}.
   */
  public LocalKeyStore withCaller(String callerLabel) {
    return new LocalKeyStore(engine, checkCaller(callerLabel));
  }

  private static String checkCaller(String label) {
    return Names.checkCallerLabel(label);
  }

  /** The caller label this view audits under. */
  public String callerLabel() {
    return caller;
  }

  /** The provider id of every encrypted data key this store writes. */
  public String keyNamespace() {
    return engine.namespace();
  }

  /** The store's random, immutable id (bound into every key file). */
  public String storeId() {
    return engine.storeId();
  }

  /**
   * The store's directory.
   *
   * @throws IllegalStateException if the store is kept elsewhere (a database)
   */
  public Path directory() {
    return engine.directory();
  }

  /**
   * The segment of the default audit log being written ({@code audit-NNNNNN.log}, whether or not
   * the log is enabled); {@link AuditLog#verifyStore(Path)} reads all of them.
   *
   * @throws IllegalStateException if the store is kept elsewhere (a database keeps its audit trail
   *     in a table; verify it with {@link #verifyAuditLog()})
   */
  public Path auditLogFile() {
    return dev.envelope.local.internal.AuditSegmentFiles.newest(engine.directory());
  }

  /**
   * Verifies this store's audit log: its hash chain, as {@link AuditLog#verify(Path)} does, and
   * every record's MAC under a key only holders of the store's KEK have, so an edited, dropped or
   * re-chained record, or a log copied from another store, is detected.
   *
   * @throws IllegalStateException if the store was opened with {@code auditLog(false)}
   */
  public AuditVerification verifyAuditLog() {
    return engine.verifyAuditLog(null);
  }

  /**
   * As {@link #verifyAuditLog()}, and checks that the log still starts with what {@code anchor}
   * saw (detecting a truncated or rewritten tail).
   */
  public AuditVerification verifyAuditLog(AuditVerification anchor) {
    Objects.requireNonNull(anchor, "anchor");
    if (!anchor.isValid()) {
      throw new IllegalArgumentException("an anchor must come from an intact verification: " + anchor);
    }
    return engine.verifyAuditLog(anchor);
  }

  /**
   * Deletes the audit log's segments before segment {@code segment} (never the one being
   * written), after recording an {@link KeyOperation#AUDIT_PRUNE} record and a retention anchor
   * ({@code audit-retention.json}, MAC'd like the records) that says where the kept log starts,
   * so {@link #verifyAuditLog()} still passes and a segment deleted by other means is detected.
   * An exported anchor that points into the deleted records is then checked only for the log
   * still reaching past it.
   *
   * @throws KeyStoreIntegrityException if the log does not verify (nothing is deleted)
   * @throws UnsupportedOperationException if the store keeps its audit trail elsewhere than in a
   *     directory (a database)
   */
  public AuditPruneResult pruneAuditLogBeforeSegment(long segment) {
    if (segment < 1) {
      throw new IllegalArgumentException("audit log segments are numbered from 1, not " + segment);
    }
    return engine.pruneAuditLog(segment, null, caller);
  }

  /**
   * As {@link #pruneAuditLogBeforeSegment}, deleting the oldest segments whose last record is
   * older than {@code age} (by the store's clock), up to the first that is not.
   */
  public AuditPruneResult pruneAuditLogOlderThan(Duration age) {
    Objects.requireNonNull(age, "age");
    if (age.isNegative()) {
      throw new IllegalArgumentException("age must not be negative: " + age);
    }
    return engine.pruneAuditLog(0, age, caller);
  }

  /** Adds an audit listener (in addition to the default log). */
  public void addAuditListener(AuditListener listener) {
    engine.addAuditListener(listener);
  }

  @Override
  public void addKeyStateListener(KeyStateListener listener) {
    engine.addKeyStateListener(listener);
  }

  // ---------------------------------------------------------------------------- lifecycle

  @Override
  public KeyMetadata createKey(CreateKeyRequest request) {
    return engine.createKey(request, caller);
  }

  /**
   * Creates a key with the request's alias, or returns the key that already has it. Safe when
   * several threads or processes call it at once: exactly one key is created.
   *
   * @throws IllegalArgumentException if the request has no alias
   */
  public KeyMetadata createKeyIfAbsent(CreateKeyRequest request) {
    return engine.createKeyIfAbsent(request, caller);
  }

  @Override
  public List<KeyMetadata> listKeys() {
    return engine.listKeys();
  }

  @Override
  public KeyMetadata describeKey(String key) {
    return engine.describeKey(key);
  }

  @Override
  public KeyMetadata rotateKey(String key) {
    return engine.rotateKey(key, caller);
  }

  @Override
  public KeyMetadata disableKey(String key) {
    return engine.disableKey(key, caller);
  }

  @Override
  public KeyMetadata enableKey(String key) {
    return engine.enableKey(key, caller);
  }

  @Override
  public KeyMetadata scheduleDestruction(String key, Duration waitingPeriod) {
    return engine.scheduleDestruction(key, waitingPeriod, caller);
  }

  @Override
  public KeyMetadata cancelDestruction(String key) {
    return engine.cancelDestruction(key, caller);
  }

  @Override
  public KeyMetadata destroyKey(String key) {
    return engine.destroyKey(key, caller);
  }

  /** Destroys every key whose destruction waiting period is over (for a periodic job). */
  public List<KeyMetadata> destroyDueKeys() {
    return engine.destroyDueKeys(caller);
  }

  @Override
  public KeyMetadata updatePolicy(String key, KeyPolicy policy) {
    return engine.updatePolicy(key, policy, caller);
  }

  @Override
  public KeyMetadata setMinDecryptionVersion(String key, int version) {
    return engine.setMinDecryptionVersion(key, version, caller);
  }

  /**
   * Replaces the key's description (at most {@value #MAX_DESCRIPTION} characters). Checked and
   * audited as {@link KeyOperation#UPDATE_POLICY}.
   *
   * @throws KeyStateException if the key is destroyed
   */
  public KeyMetadata updateDescription(String key, String description) {
    return engine.updateDescription(key, CreateKeyRequest.checkDescription(description), caller);
  }

  /**
   * Returns the plaintext bytes of one version of a key, to move it to another system (for
   * example an ESDK raw AES keyring, which then decrypts this store's messages). Allowed only if
   * the key's policy allows {@link KeyOperation#EXPORT} (the default policy does not) and the key
   * is enabled; always audited. The caller owns the array and must zero it.
   *
   * @throws KeyPolicyViolationException if the policy does not allow export
   * @throws KeyNotFoundException if there is no such key or version
   */
  public byte[] exportKeyVersionInsecure(String key, int version) {
    return engine.exportKeyVersionInsecure(key, version, caller);
  }

  /**
   * Re-seals every key under the KEK of {@code next} (a new passphrase, token key or keyring) and
   * closes this store: reopen it with {@code next}. Crash-safe: an interruption leaves either the
   * old or the new store, never a mix. Every other instance or process that has the store open must
   * reopen it afterwards (their KEK is the old one). Audited as {@link KeyOperation#CHANGE_KEK}.
   *
   * <p>The old key files are deleted, but their bytes may remain on the storage medium and in
   * backups: changing the KEK does not revoke what an old, compromised KEK could already open.
   */
  public void changeKek(KekSource next) {
    Objects.requireNonNull(next, "next");
    engine.changeKek(next.spec(), caller);
  }

  // ---------------------------------------------------------------------------- key use

  /**
   * A keyring that wraps data keys under the primary version of {@code key} (id or alias, resolved
   * now to the key id) and unwraps them under whichever version the encrypted data key names.
   *
   * @throws KeyNotFoundException if there is no such key
   */
  public LocalKeyring keyring(String key) {
    return new LocalKeyring(engine, engine.resolve(key), caller);
  }

  /**
   * Encrypts up to {@value #MAX_PLAINTEXT} bytes under the primary version of {@code key}, bound to
   * {@code context} (which must be given again to decrypt). The result names the key and version.
   */
  public byte[] encrypt(String key, byte[] plaintext, EncryptionContext context) {
    Objects.requireNonNull(plaintext, "plaintext");
    Objects.requireNonNull(context, "context");
    if (plaintext.length > MAX_PLAINTEXT) {
      throw new IllegalArgumentException(
          "the key store encrypts at most " + MAX_PLAINTEXT + " bytes directly, not " + plaintext.length
              + "; use an Envelope with store.keyring(...) for larger data");
    }
    String keyId = engine.resolve(key);
    Wrapped w = engine.wrap(keyId, KeyOperation.ENCRYPT, plaintext, context, caller);
    return EdkLayout.blob(w.providerInfo, w.ciphertext);
  }

  /**
   * Decrypts a blob from {@link #encrypt}, {@link #generateDataKey} or {@link #reEncrypt}, with the
   * key version it names.
   *
   * @throws MalformedMessageException if {@code ciphertext} is not a key store blob
   * @throws AuthenticationFailedException if {@code context} differs from the encryption's or the
   *     blob was modified
   * @throws KeyStateException if the key is disabled, pending destruction or destroyed
   */
  public DecryptResult decrypt(byte[] ciphertext, EncryptionContext context) {
    Objects.requireNonNull(context, "context");
    EdkLayout.Parsed p = EdkLayout.parseBlob(ciphertext, MAX_PLAINTEXT);
    byte[] plain = engine.unwrap(p.keyId, p.version, p.iv, p.ciphertext, context, KeyOperation.DECRYPT, caller);
    return new DecryptResult(p.keyId, p.version, plain);
  }

  /**
   * The key and version a ciphertext of {@link #encrypt} names, read without decrypting it: what a
   * service in front of the store needs to route or authorize a request before it calls {@link
   * #decrypt}. The names are not authenticated until {@code decrypt} succeeds.
   *
   * @throws MalformedMessageException if the bytes are not a key store ciphertext
   */
  public static LocalKeyring.WrappingKey wrappingKeyOf(byte[] ciphertext) {
    EdkLayout.Parsed p = EdkLayout.parseBlob(Objects.requireNonNull(ciphertext, "ciphertext"), MAX_PLAINTEXT);
    return new LocalKeyring.WrappingKey(p.keyId, p.version);
  }

  /** A fresh random key of {@code numberOfBytes} (1 to {@value #MAX_DATA_KEY_BYTES}), plaintext and encrypted. */
  public GeneratedDataKey generateDataKey(String key, int numberOfBytes, EncryptionContext context) {
    Objects.requireNonNull(context, "context");
    if (numberOfBytes < 1 || numberOfBytes > MAX_DATA_KEY_BYTES) {
      throw new IllegalArgumentException("a data key is 1 to " + MAX_DATA_KEY_BYTES + " bytes: " + numberOfBytes);
    }
    String keyId = engine.resolve(key);
    DataKey dataKey = DataKey.generate(numberOfBytes, engine.random());
    byte[] plain = dataKey.copyPlaintext();
    try {
      Wrapped w = engine.wrap(keyId, KeyOperation.GENERATE, plain, context, caller);
      return new GeneratedDataKey(keyId, w.version, dataKey, EdkLayout.blob(w.providerInfo, w.ciphertext));
    } catch (RuntimeException e) {
      dataKey.close();
      throw e;
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  /**
   * Decrypts a blob and encrypts its plaintext under {@code destinationKey} (which may be the same
   * key, to move to its primary version after a rotation) without returning the plaintext. Both
   * keys' policies must allow {@link KeyOperation#REWRAP}.
   */
  public byte[] reEncrypt(byte[] ciphertext, EncryptionContext sourceContext, String destinationKey,
      EncryptionContext destinationContext) {
    Objects.requireNonNull(sourceContext, "sourceContext");
    Objects.requireNonNull(destinationContext, "destinationContext");
    EdkLayout.Parsed p = EdkLayout.parseBlob(ciphertext, MAX_PLAINTEXT);
    String destination = engine.resolve(destinationKey);
    byte[] plain = engine.unwrap(p.keyId, p.version, p.iv, p.ciphertext, sourceContext, KeyOperation.REWRAP, caller);
    try {
      Wrapped w = engine.wrap(destination, KeyOperation.REWRAP, plain, destinationContext, caller);
      return EdkLayout.blob(w.providerInfo, w.ciphertext);
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  /** Closes the store (all views of it): flushes the audit log and drops the cached keys. */
  @Override
  public void close() {
    engine.close();
  }

  @Override
  public String toString() {
    return engine + "[caller=" + caller + "]";
  }

  /**
   * Configures and opens or creates a {@link LocalKeyStore}. {@link #kek} is required. Not
   * thread-safe.
   */
  public static final class Builder {
    private final Path directory; // null for a home
    private final StoreHome home; // null for a directory
    private final StoreEngine.Options options = new StoreEngine.Options();
    private KekSource kek;
    private String caller;
    private boolean clockSet;
    private boolean namespaceSet;

    private Builder(Path directory, StoreHome home) {
      this.directory = directory;
      this.home = home;
    }

    /** Where the KEK comes from. */
    public Builder kek(KekSource kek) {
      Objects.requireNonNull(kek, "kek");
      if (this.kek != null) {
        throw new IllegalStateException("kek was already set");
      }
      this.kek = kek;
      return this;
    }

    /** The clock for audit times and destruction waiting periods. Default: the UTC system clock. */
    public Builder clock(Clock clock) {
      Objects.requireNonNull(clock, "clock");
      if (clockSet) {
        throw new IllegalStateException("clock was already set");
      }
      clockSet = true;
      options.clock = clock;
      return this;
    }

    /** The caller label in audit events and policy grants. Default {@value LocalKeyStore#DEFAULT_CALLER}. */
    public Builder callerLabel(String label) {
      if (caller != null) {
        throw new IllegalStateException("callerLabel was already set");
      }
      caller = checkCaller(label);
      return this;
    }

    /**
     * The key namespace for a new store (provider id of its encrypted data keys), recorded in the
     * store; ignored when opening. Must not start with {@code aws-kms}. Default {@value
     * LocalKeyStore#DEFAULT_NAMESPACE}.
     */
    public Builder keyNamespace(String namespace) {
      Objects.requireNonNull(namespace, "namespace");
      if (namespaceSet) {
        throw new IllegalStateException("keyNamespace was already set");
      }
      namespaceSet = true;
      options.namespace = namespace;
      return this;
    }

    /**
     * The size at which the audit log starts a new segment. Default 16 MiB; at least 4096.
     */
    public Builder auditSegmentBytes(long bytes) {
      if (bytes < 4096) {
        throw new IllegalArgumentException("auditSegmentBytes must be at least 4096, not " + bytes);
      }
      options.auditSegmentBytes = bytes;
      return this;
    }

    /** Also start a new audit log segment when the current one's first record is this old. Default: never. */
    public Builder auditSegmentAge(Duration age) {
      Objects.requireNonNull(age, "age");
      if (age.isNegative() || age.isZero()) {
        throw new IllegalArgumentException("auditSegmentAge must be positive: " + age);
      }
      options.auditSegmentAge = age;
      return this;
    }

    /** Whether to write the default hash-chained audit log ({@code audit-NNNNNN.log}). Default true. */
    public Builder auditLog(boolean enabled) {
      options.auditLog = enabled;
      return this;
    }

    /** An additional audit listener. */
    public Builder auditListener(AuditListener listener) {
      options.auditListeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** An incident-response listener. */
    public Builder keyStateListener(KeyStateListener listener) {
      options.stateListeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Creates a new store in the directory (created if absent, owner-only; its parent must exist).
     *
     * @throws KeyStoreNotFoundException if the parent directory does not exist
     * @throws IllegalStateException if the directory already holds a store
     */
    public LocalKeyStore create() {
      StoreEngine engine = home == null ? StoreEngine.create(directory, kekSpec(), options)
          : StoreEngine.create(home, kekSpec(), options);
      return new LocalKeyStore(engine, callerOrDefault());
    }

    /**
     * Opens the store in the directory.
     *
     * @throws KeyStoreNotFoundException if the directory holds no store
     * @throws KeyStorePermissionException if others than its owner can use the store's files
     * @throws WrongKekException if the KEK is not the store's (e.g. a wrong passphrase)
     * @throws KeyStoreIntegrityException if the store file is damaged
     */
    public LocalKeyStore open() {
      StoreEngine engine = home == null ? StoreEngine.open(directory, kekSpec(), options)
          : StoreEngine.open(home, kekSpec(), options);
      return new LocalKeyStore(engine, callerOrDefault());
    }

    /**
     * Opens the store, or creates it if the directory holds none. Never creates missing parent
     * directories, so a mistyped path fails with {@link KeyStoreNotFoundException}.
     */
    public LocalKeyStore openOrCreate() {
      boolean exists = home == null ? java.nio.file.Files.exists(directory.resolve(StoreEngine.STORE_FILE))
          : home.readStoreRecord() != null;
      if (exists) {
        return open();
      }
      try {
        return create();
      } catch (IllegalStateException createdMeanwhile) {
        return open();
      }
    }

    private dev.envelope.local.internal.KekSpec kekSpec() {
      if (kek == null) {
        throw new IllegalStateException("give the key store a KEK source (kek(...))");
      }
      return kek.spec();
    }

    private String callerOrDefault() {
      return caller == null ? DEFAULT_CALLER : caller;
    }
  }
}
