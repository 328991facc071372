package dev.envelope.local.internal;

import dev.envelope.EncryptionContext;
import dev.envelope.local.AuditListener;
import dev.envelope.local.AuditVerification;
import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.KeyMetadata;
import dev.envelope.local.KeyOperation;
import dev.envelope.local.KeyPolicy;
import dev.envelope.local.KeyStateListener;
import dev.envelope.local.KeyStoreIntegrityException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The local key store's engine, a facade over its parts: {@link StoreOpener} (create, open, KEK
 * check), {@link StoreHome} (persistence: {@link DirectoryHome}), {@link KeyFiles} (records,
 * manifest, cache), {@link Lifecycle}, {@link AccessChecks}, {@link KeyUse}, {@link KekChange}
 * and {@link Events}. The public {@code LocalKeyStore} and {@code LocalKeyring} are thin views
 * over one engine.
 *
 * <h2>Concurrency</h2>
 *
 * Every change, and every read of the store's state that is not a cache hit, holds the store lock
 * (threads and processes) and first checks that the store record is still the one this instance
 * opened. A change re-reads the key's record, applies the transition and replaces the record and
 * then the manifest atomically. Key use reads through a cache revalidated against the record's
 * stamp on every call, so a change made by another process is seen by the next operation. A home
 * with a change feed ({@link StoreHome#watch}) also re-reads a loaded key as soon as another process
 * changes it, so this instance's state listeners (the data-key cache's incident hook) hear of a
 * disable or destruction without waiting for a use.
 */
@SuppressWarnings("try") // lock holders are try-with-resources guards
public final class StoreEngine implements AutoCloseable {
  public static final String STORE_FILE = DirectoryHome.STORE_FILE;
  public static final String DEFAULT_NAMESPACE = "envelope-local";
  /** The most plaintext one blob may hold (as AWS KMS Encrypt). */
  public static final int MAX_BLOB_PLAINTEXT = 4096;

  /** Configuration; filled in by {@code LocalKeyStore.Builder}. */
  public static final class Options {
    public Clock clock = Clock.systemUTC();
    public boolean auditLog = true;
    public long auditSegmentBytes = DirectoryHome.DEFAULT_SEGMENT_BYTES;
    public Duration auditSegmentAge; // null: segments do not age
    public String namespace = DEFAULT_NAMESPACE;
    public final List<AuditListener> auditListeners = new ArrayList<>();
    public final List<KeyStateListener> stateListeners = new ArrayList<>();
    public SecureRandom random = new SecureRandom();
  }

  private final StoreState state;
  private final KeyFiles keys;
  private final Events events;
  private final Resolver resolver;
  private final Lifecycle lifecycle;
  private final KeyUse use;
  private volatile StoreHome.Watch watch;

  private StoreEngine(StoreState state, Options o) {
    this.state = state;
    KeyFiles[] holder = new KeyFiles[1];
    AuditStore trail = o.auditLog
        ? state.home.openAudit(state.secrets.auditKey(), state.storeId,
            () -> holder[0] == null ? 0 : holder[0].knownGeneration(), o.auditSegmentBytes, o.auditSegmentAge)
        : null;
    this.events = new Events(state.clock, trail, o.auditListeners, o.stateListeners);
    this.keys = new KeyFiles(state, events);
    holder[0] = keys;
    this.resolver = new Resolver(state, keys);
    this.lifecycle = new Lifecycle(state, keys, events, resolver);
    this.use = new KeyUse(keys, events, resolver);
  }

  static StoreEngine assemble(StoreState state, Options o) {
    return new StoreEngine(state, o);
  }

  /** Creates a new, empty store in {@code dir}; its parent directory must exist. */
  public static StoreEngine create(Path dir, KekSpec spec, Options o) {
    return StoreOpener.create(new DirectoryHome(dir), spec, o);
  }

  /** Opens the store in {@code dir}, checking that {@code spec} gives the KEK it was created with. */
  public static StoreEngine open(Path dir, KekSpec spec, Options o) {
    return StoreOpener.open(new DirectoryHome(dir), spec, o);
  }

  /** Creates a new, empty store in {@code home} (another module's home, e.g. PostgreSQL). */
  public static StoreEngine create(StoreHome home, KekSpec spec, Options o) {
    return StoreOpener.create(home, spec, o);
  }

  /** Opens the store in {@code home}, checking that {@code spec} gives the KEK it was created with. */
  public static StoreEngine open(StoreHome home, KekSpec spec, Options o) {
    return StoreOpener.open(home, spec, o);
  }

  /**
   * Starts the home's change feed, if it has one (PostgreSQL: a listener thread), so that a change
   * made by any process reaches this instance's state listeners without waiting for a use. Called
   * once, by an explicit create or open; stopped by {@link #close}.
   */
  void startWatching() {
    watch = state.home.watch(new StoreHome.ChangeSink() {
      @Override
      public void keyChanged(String keyId) {
        keys.refresh(keyId);
      }

      @Override
      public void allStale() {
        keys.refreshAll();
      }
    });
  }

  /**
   * The checks of a fresh open, under the lock: the manifest authenticates; records a crash left
   * outside it are adopted; the audit trail is not newer than the manifest (a rolled-back store).
   */
  void checkOnOpen() {
    try (StoreHome.Held held = state.lockCurrent()) {
      Manifest m = keys.manifest();
      for (String id : state.home.keyIds()) {
        if (!m.keys.containsKey(id)) {
          try {
            keys.readVerified(id); // adopts a record a crash left outside the manifest
          } catch (KeyStoreIntegrityException forged) {
            // Not written by a KEK holder: never adopted, and refused if that key is asked for.
          }
        }
      }
      AuditStore trail = events.trail();
      long audited = trail == null ? 0 : trail.lastGeneration();
      if (audited > keys.manifest().generation) {
        throw new KeyStoreIntegrityException("the manifest of " + state.home.describe() + " is at generation "
            + keys.manifest().generation + " but the audit log already recorded generation " + audited
            + ": the key records and manifest were rolled back to an older copy. Restore the whole store directory"
            + " (audit log included) from one backup, or investigate");
      }
    }
  }

  public String namespace() {
    return state.namespace;
  }

  public String storeId() {
    return state.storeId;
  }

  /**
   * The store's directory.
   *
   * @throws IllegalStateException if the store is not kept in a directory
   */
  public Path directory() {
    if (!(state.home instanceof DirectoryHome)) {
      throw new IllegalStateException(state.home.describe() + " is not kept in a directory");
    }
    return ((DirectoryHome) state.home).directory();
  }

  /** Where the store is, for messages ("the key store at /srv/keys"). */
  public String describeHome() {
    return state.home.describe();
  }

  public Clock clock() {
    return state.clock;
  }

  public SecureRandom random() {
    return state.random;
  }

  public void addAuditListener(AuditListener l) {
    events.addAuditListener(Objects.requireNonNull(l, "listener"));
  }

  public void addKeyStateListener(KeyStateListener l) {
    events.addKeyStateListener(Objects.requireNonNull(l, "listener"));
  }

  /** Verifies the audit trail's chain and MACs; {@code anchor} may be null. */
  public AuditVerification verifyAuditLog(AuditVerification anchor) {
    state.checkOpen();
    AuditStore trail = events.trail();
    if (trail == null) {
      throw new IllegalStateException("this key store was opened without its audit log (auditLog(false))");
    }
    return trail.verify(anchor);
  }

  /**
   * Deletes old segments of the audit trail: those before {@code beforeSegment} (if positive), or
   * those whose last record is older than {@code olderThan} (if not null); see {@link AuditStore#prune}.
   */
  public dev.envelope.local.AuditPruneResult pruneAuditLog(long beforeSegment, Duration olderThan, String caller) {
    state.checkOpen();
    AuditStore trail = events.trail();
    if (trail == null) {
      throw new IllegalStateException("this key store was opened without its audit log (auditLog(false))");
    }
    // The store lock (then the log's, as every change takes them) keeps an opening process's tidy
    // from deleting the retention anchor's temp file mid-write.
    try (StoreHome.Held held = state.lockCurrent()) {
      java.time.Instant now = state.clock.instant();
      return trail.prune(beforeSegment, olderThan == null ? null : now.minus(olderThan), now, caller);
    }
  }

  /** Resolves a key id or alias to a key id. */
  public String resolve(String key) {
    return resolver.resolve(key);
  }

  // ------------------------------------------------------------------------- lifecycle

  public KeyMetadata createKey(CreateKeyRequest request, String caller) {
    return lifecycle.createKey(request, caller, false);
  }

  /** Creates the key, or returns the key that already has the request's alias. */
  public KeyMetadata createKeyIfAbsent(CreateKeyRequest request, String caller) {
    if (request.alias().isEmpty()) {
      throw new IllegalArgumentException("createKeyIfAbsent needs a request with an alias");
    }
    return lifecycle.createKey(request, caller, true);
  }

  public List<KeyMetadata> listKeys() {
    return lifecycle.listKeys();
  }

  public KeyMetadata describeKey(String key) {
    return keys.load(resolve(key)).metadata;
  }

  public KeyMetadata rotateKey(String key, String caller) {
    return lifecycle.rotateKey(key, caller);
  }

  public KeyMetadata disableKey(String key, String caller) {
    return lifecycle.disableKey(key, caller);
  }

  public KeyMetadata enableKey(String key, String caller) {
    return lifecycle.enableKey(key, caller);
  }

  public KeyMetadata scheduleDestruction(String key, Duration wait, String caller) {
    return lifecycle.scheduleDestruction(key, wait, caller);
  }

  public KeyMetadata cancelDestruction(String key, String caller) {
    return lifecycle.cancelDestruction(key, caller);
  }

  public KeyMetadata destroyKey(String key, String caller) {
    return lifecycle.destroyKey(key, caller);
  }

  /** Destroys every key pending destruction whose waiting period is over; returns them. */
  public List<KeyMetadata> destroyDueKeys(String caller) {
    return lifecycle.destroyDueKeys(caller);
  }

  public KeyMetadata updatePolicy(String key, KeyPolicy policy, String caller) {
    return lifecycle.updatePolicy(key, policy, caller);
  }

  public KeyMetadata setMinDecryptionVersion(String key, int version, String caller) {
    return lifecycle.setMinDecryptionVersion(key, version, caller);
  }

  public KeyMetadata updateDescription(String key, String description, String caller) {
    return lifecycle.updateDescription(key, description, caller);
  }

  // ------------------------------------------------------------------------- key use

  /** The plaintext bytes of one version; see {@code LocalKeyStore.exportKeyVersionInsecure}. */
  public byte[] exportKeyVersionInsecure(String key, int version, String caller) {
    return use.exportKeyVersionInsecure(key, version, caller);
  }

  /**
   * Encrypts {@code secret} under the primary version of {@code keyId}, bound to {@code context},
   * after the state and policy checks for {@code op}.
   */
  public Wrapped wrap(String keyId, KeyOperation op, byte[] secret, EncryptionContext context, String caller) {
    return use.wrap(keyId, op, secret, context, caller);
  }

  /** Decrypts what {@link #wrap} produced with version {@code version} of {@code keyId}. */
  public byte[] unwrap(String keyId, int version, byte[] iv, byte[] ciphertext, EncryptionContext context,
      KeyOperation op, String caller) {
    return use.unwrap(keyId, version, iv, ciphertext, context, op, caller);
  }

  // ------------------------------------------------------------------------- KEK change

  /**
   * Re-seals every key under a new KEK ({@link KekChange}). This engine is closed afterwards:
   * reopen with the new KEK.
   */
  public void changeKek(KekSpec next, String caller) {
    try {
      KekChange.run(state, keys, events, next, caller);
    } finally {
      close();
    }
  }

  // ------------------------------------------------------------------------- misc

  @Override
  public void close() {
    StoreHome.Watch w = watch;
    watch = null;
    if (w != null) {
      w.close(); // first: no refresh runs on a closed store
    }
    state.close();
    keys.clear();
    events.close();
  }

  @Override
  public String toString() {
    return "LocalKeyStore[" + state.home.describe().replace("the key store at ", "") + ", namespace="
        + state.namespace + "]";
  }
}
