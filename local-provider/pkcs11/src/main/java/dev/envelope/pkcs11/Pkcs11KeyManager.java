package dev.envelope.pkcs11;

import dev.envelope.EncryptionContext;
import dev.envelope.Keyring;
import dev.envelope.local.AuditEvent;
import dev.envelope.local.AuditListener;
import dev.envelope.local.AuditLog;
import dev.envelope.local.AuditOutcome;
import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.KeyDestroyedException;
import dev.envelope.local.KeyManager;
import dev.envelope.local.KeyMetadata;
import dev.envelope.local.KeyNotFoundException;
import dev.envelope.local.KeyOperation;
import dev.envelope.local.KeyPolicy;
import dev.envelope.local.KeyState;
import dev.envelope.local.KeyStateEvent;
import dev.envelope.local.KeyStateListener;
import dev.envelope.local.KeyVersion;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.local.internal.AuditChain;
import dev.envelope.local.internal.DirectoryLock;
import dev.envelope.local.internal.Listeners;
import dev.envelope.local.internal.Names;
import dev.envelope.KeyProviderException.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Key management ({@link KeyManager}) for the keys of a PKCS#11 token, as far as a token allows:
 * {@link #createKey} (an AES-256 key generated inside the token: sensitive, non-extractable;
 * alias = label), {@link #listKeys}, {@link #describeKey} and {@link #destroyKey} (deletes the
 * token object at once). It is not a {@link dev.envelope.local.KeyLifecycle}: a token key has one
 * version, no disabled state, no waiting period and no policy. For rotation, disabling, scheduled
 * destruction and key policies, keep the keys in a {@link LocalKeyStore} whose KEK is a token key
 * ({@link Pkcs11Token#kekSource}).
 *
 * <pre>{@code
 * Pkcs11KeyManager keys = Pkcs11KeyManager.builder(token, Path.of("/var/lib/myapp/hsm-keys"))
 *     .keyNamespace("acme-hsm").callerLabel("key-admin").build();
 * keys.createKey(CreateKeyRequest.builder().alias("orders").description("order documents").build());
 * CachingMaterialsManager cache = ...;                       // over keys.keyring("orders")
 * keys.addKeyStateListener(KeyStateListener.purging(cache)); // destroyKey purges the cache
 * }</pre>
 *
 * <h2>How token keys map to key metadata</h2>
 *
 * <ul>
 *   <li>Key id = alias = the token label; one version, named by the label, which is the key name
 *       {@link #keyring} (and a {@link Pkcs11Keyring} without {@code keyName}) writes into
 *       encrypted data keys under {@link #keyNamespace()}. So {@link KeyStateEvent#matches}
 *       recognizes them.
 *   <li>The token records no description or creation time that SunPKCS11 can read, so the
 *       manager keeps them in a small sidecar file, {@value #RECORDS_FILE} in its directory, next
 *       to its audit log. The file holds nothing secret; the token stays the authority on which
 *       keys exist. Keys made by other tools are listed with an empty description and creation
 *       time {@link Instant#EPOCH}.
 *   <li>A key destroyed through the manager keeps a tombstone record: it is listed as {@link
 *       KeyState#DESTROYED} with its destruction time, its label is never reused, and the
 *       manager's keyrings then fail with {@link KeyDestroyedException}. A recorded key deleted by
 *       another tool is listed as destroyed, without a time.
 *   <li>Listed keys are the ones a {@link Pkcs11Keyring} can use: AES keys and RSA key pairs.
 *       Every key reports the same policy: key use ({@code GENERATE}, {@code ENCRYPT}, {@code
 *       DECRYPT}) and {@code DESTROY}; the token lets whoever is logged in use its keys.
 * </ul>
 *
 * <h2>Audit and incident response</h2>
 *
 * As in the key store: every lifecycle call (including refused ones) and every use through
 * {@link #keyring} emits an {@link AuditEvent} to the listeners and to the hash-chained {@link
 * AuditLog} in the manager's directory; destroying a key tells the {@link KeyStateListener}s
 * (previous state {@code ENABLED}, new state {@code DESTROYED}). Context values are never
 * logged, only context keys.
 *
 * <h2>Security guarantees</h2>
 *
 * Keys created here never leave the token (see {@link Pkcs11Token}). Not promised: the manager
 * cannot stop other clients of the token (other processes, other tools, code in this process
 * using the token) from using or deleting its keys, and their uses are not audited here.
 *
 * <p>Thread-safe; several processes may share a directory (changes take a lock file).
 */
@SuppressWarnings("try") // lock holders are try-with-resources guards
public final class Pkcs11KeyManager implements KeyManager, AutoCloseable {
  /** The sidecar file in the manager's directory. */
  public static final String RECORDS_FILE = "pkcs11-keys.json";

  private static final KeyPolicy TOKEN_KEY_POLICY = KeyPolicy.builder()
      .allow(KeyOperation.GENERATE, KeyOperation.ENCRYPT, KeyOperation.DECRYPT, KeyOperation.DESTROY)
      .build();
  private static final String INSTEAD =
      "; to have that, keep the keys in a LocalKeyStore whose KEK is a token key"
          + " (LocalKeyStore.builder(dir).kek(token.kekSource(label))): its keys can be rotated, disabled, enabled,"
          + " scheduled for destruction and given policies, and the KEK never leaves the token";

  private final Pkcs11Token token;
  private final Path directory;
  private final String namespace;
  private final String caller;
  private final Clock clock;
  private final TokenKeyRecords records;
  private final DirectoryLock lock;
  private final AuditChain auditChain;
  private final List<AuditListener> auditListeners = new CopyOnWriteArrayList<>();
  private final List<KeyStateListener> stateListeners = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  private Pkcs11KeyManager(Builder b) {
    this.token = b.token;
    this.directory = b.directory;
    this.namespace = b.namespace;
    this.caller = b.caller == null ? LocalKeyStore.DEFAULT_CALLER : b.caller;
    this.clock = b.clock == null ? Clock.systemUTC() : b.clock;
    this.records = new TokenKeyRecords(directory.resolve(RECORDS_FILE));
    this.lock = new DirectoryLock(directory.resolve("." + RECORDS_FILE + ".lock"));
    this.auditChain = b.auditLog ? new AuditChain(directory.resolve(AuditLog.FILE_NAME)) : null;
    if (auditChain != null) {
      auditListeners.add(auditChain);
    }
    auditListeners.addAll(b.auditListeners);
    stateListeners.addAll(b.stateListeners);
  }

  /** Configures a manager for {@code token}'s keys, keeping its records and audit log in {@code directory}. */
  public static Builder builder(Pkcs11Token token, Path directory) {
    return new Builder(token, directory);
  }

  /** The provider id of the encrypted data keys of this manager's keyrings. */
  public String keyNamespace() {
    return namespace;
  }

  /** The caller label of audit events. */
  public String callerLabel() {
    return caller;
  }

  /** Where the hash-chained audit log is (whether or not it is enabled). */
  public Path auditLogFile() {
    return directory.resolve(AuditLog.FILE_NAME);
  }

  @Override
  public void addKeyStateListener(KeyStateListener listener) {
    stateListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  // ---------------------------------------------------------------------------- supported

  /**
   * Generates an AES-256 key inside the token (sensitive, non-extractable, encrypt and decrypt
   * only), labelled with the request's alias, and records its description and creation time.
   *
   * @throws IllegalArgumentException if the request has no alias, the alias is not a valid token
   *     label, a key with that label exists, it belonged to a key destroyed earlier, or the
   *     request has a policy other than the default (a token has nowhere to keep one)
   * @throws Pkcs11Exception if the token cannot create the key
   */
  @Override
  public KeyMetadata createKey(CreateKeyRequest request) {
    Objects.requireNonNull(request, "request");
    checkOpen();
    String label = request.alias().orElseThrow(() -> new IllegalArgumentException(
        "a PKCS#11 key needs an alias: it becomes the key's label on " + token.description()));
    if (!request.policy().equals(KeyPolicy.defaultPolicy()) && !request.policy().equals(TOKEN_KEY_POLICY)) {
      throw refuse(KeyOperation.CREATE, label, "given a key policy",
          "the token lets whoever is logged in use its keys, and has nowhere to keep a policy");
    }
    Instant now = clock.instant();
    TokenKeyRecords.Record record;
    try (DirectoryLock.Held held = lock.acquire()) {
      Map<String, TokenKeyRecords.Record> all = records.read();
      TokenKeyRecords.Record old = all.get(label);
      if (old != null) {
        String why = "label '" + label + "' belonged to a key of " + token.description()
            + (old.destroyedAt != null ? " destroyed at " + old.destroyedAt : " that no longer exists")
            + "; choose another label (messages under the old key name must not be confused with a new key)";
        audit(KeyOperation.CREATE, AuditOutcome.DENIED, null, 0, null, why);
        throw new IllegalArgumentException(why);
      }
      try {
        token.createAesKey(label);
      } catch (Pkcs11Exception e) {
        boolean exists = e.reason() == Reason.KEY_EXISTS;
        audit(KeyOperation.CREATE, exists ? AuditOutcome.DENIED : AuditOutcome.FAILURE, null, 0, null, e.getMessage());
        throw exists ? new IllegalArgumentException(e.getMessage(), e) : e;
      } catch (IllegalArgumentException e) {
        audit(KeyOperation.CREATE, AuditOutcome.DENIED, null, 0, null, e.getMessage());
        throw e;
      }
      record = new TokenKeyRecords.Record(request.description(), now, caller, null);
      all.put(label, record);
      try {
        records.write(all);
      } catch (RuntimeException e) {
        // Without its record the key would be unknown to the manager: take it back out of the token.
        try {
          token.destroyKey(label);
        } catch (RuntimeException cleanup) {
          e.addSuppressed(cleanup);
        }
        audit(KeyOperation.CREATE, AuditOutcome.FAILURE, null, 0, null, e.getMessage());
        throw e;
      }
    }
    audit(KeyOperation.CREATE, AuditOutcome.SUCCESS, label, 1, null, "");
    return metadata(label, record, KeyState.ENABLED);
  }

  /** The token's AES keys and RSA key pairs, and the keys destroyed through this manager, by creation time. */
  @Override
  public List<KeyMetadata> listKeys() {
    checkOpen();
    // The token first, then the records: a destroy writes its tombstone after deleting the token
    // object, so a concurrent destroy is seen as not yet happened or as done, never half-way.
    List<Pkcs11KeyInfo> tokenKeys = token.listKeys();
    Map<String, TokenKeyRecords.Record> all = records.read();
    List<KeyMetadata> out = new ArrayList<>();
    Set<String> onToken = new HashSet<>();
    for (Pkcs11KeyInfo info : tokenKeys) {
      onToken.add(info.label());
      if (info.type() != Pkcs11KeyInfo.Type.OTHER) {
        out.add(metadata(info.label(), all.get(info.label()), KeyState.ENABLED));
      }
    }
    all.forEach((label, r) -> {
      if (!onToken.contains(label)) {
        out.add(metadata(label, r, KeyState.DESTROYED));
      }
    });
    out.sort(Comparator.comparing(KeyMetadata::createdAt).thenComparing(KeyMetadata::keyId));
    return List.copyOf(out);
  }

  /**
   * The key labelled {@code key}: enabled while the token has it, destroyed if it was recorded and
   * is gone.
   *
   * @throws KeyNotFoundException if neither the token nor the records know the label, or the
   *     token's key is of a type no keyring uses (the message lists the token's labels)
   */
  @Override
  public KeyMetadata describeKey(String key) {
    Objects.requireNonNull(key, "key");
    checkOpen();
    Pkcs11KeyInfo info;
    try {
      info = token.describeKey(key); // before the records, as in listKeys
    } catch (Pkcs11Exception e) {
      if (e.reason() != Reason.KEY_NOT_FOUND) {
        throw e;
      }
      TokenKeyRecords.Record r = records.read().get(key);
      if (r != null) {
        return metadata(key, r, KeyState.DESTROYED);
      }
      throw notFound(e.getMessage(), e);
    }
    if (info.type() == Pkcs11KeyInfo.Type.OTHER) {
      throw notFound("key '" + key + "' on " + token.description() + " is " + info.algorithm()
          + " key, which no Envelope keyring uses; give the label of an AES key or RSA key pair", null);
    }
    return metadata(key, records.read().get(key), KeyState.ENABLED);
  }

  /**
   * Deletes the token object labelled {@code key} at once (a token has no waiting period), keeps a
   * tombstone record, and tells the key state listeners. Messages whose data keys only this key
   * wrapped can no longer be decrypted. Idempotent on a destroyed key.
   *
   * @throws KeyNotFoundException if there is no such key
   * @throws Pkcs11Exception if the token refuses to delete it
   */
  @Override
  public KeyMetadata destroyKey(String key) {
    Objects.requireNonNull(key, "key");
    checkOpen();
    KeyMetadata result;
    KeyStateEvent event = null;
    try (DirectoryLock.Held held = lock.acquire()) {
      KeyMetadata current;
      try {
        current = describeKey(key);
      } catch (KeyNotFoundException e) {
        audit(KeyOperation.DESTROY, AuditOutcome.FAILURE, null, 0, null, e.getMessage());
        throw e;
      }
      if (current.state() == KeyState.DESTROYED) {
        audit(KeyOperation.DESTROY, AuditOutcome.SUCCESS, key, 0, null, "no change: the key is already DESTROYED");
        return current;
      }
      try {
        token.destroyKey(key);
      } catch (Pkcs11Exception e) {
        audit(KeyOperation.DESTROY, AuditOutcome.FAILURE, key, 0, null, e.getMessage());
        throw e;
      }
      Instant now = clock.instant();
      Map<String, TokenKeyRecords.Record> all = records.read();
      TokenKeyRecords.Record old = all.get(key);
      TokenKeyRecords.Record tombstone =
          old != null ? old.destroyed(now) : new TokenKeyRecords.Record("", null, null, now);
      all.put(key, tombstone);
      records.write(all);
      result = metadata(key, tombstone, KeyState.DESTROYED);
      event = KeyStateEvent.of(result, current.state(), now, caller);
      audit(KeyOperation.DESTROY, AuditOutcome.SUCCESS, key, 0, null, "");
    }
    notifyState(event);
    return result;
  }

  /**
   * An AES keyring over the token key labelled {@code label}, writing the raw AES layout with
   * provider id {@link #keyNamespace()} and key name = the label, whose every use is audited
   * ({@code GENERATE}, {@code ENCRYPT}, {@code DECRYPT}). For an RSA key pair, build a {@link
   * Pkcs11Keyring} with the same namespace (its uses are not audited).
   *
   * @throws KeyNotFoundException if the token has no such key
   * @throws KeyDestroyedException if it was destroyed through this manager
   * @throws Pkcs11Exception {@code WRONG_KEY_TYPE} or {@code UNSUPPORTED}
   */
  public Keyring keyring(String label) {
    Objects.requireNonNull(label, "label");
    checkOpen();
    Pkcs11Keyring keyring;
    try {
      keyring = Pkcs11Keyring.builder().token(token).keyNamespace(namespace).keyLabel(label).build();
    } catch (Pkcs11Exception e) {
      if (e.reason() != Reason.KEY_NOT_FOUND) {
        throw e;
      }
      KeyDestroyedException destroyed = destroyedError(label, e);
      throw destroyed != null ? destroyed : notFound(e.getMessage(), e);
    }
    return new AuditedTokenKeyring(this, keyring, label);
  }

  /** Flushes the audit log. The token stays open (it is shared; see {@link Pkcs11Token}). */
  @Override
  public void close() {
    closed = true;
    if (auditChain != null) {
      auditChain.close();
    }
  }

  @Override
  public String toString() {
    return "Pkcs11KeyManager[" + token.description() + ", namespace=" + namespace + ", " + directory + "]";
  }

  /** Audits the refusal and returns the exception to throw. */
  private IllegalArgumentException refuse(KeyOperation op, String key, String what, String why) {
    Objects.requireNonNull(key, "key");
    checkOpen();
    String message = "a PKCS#11 token key cannot be " + what + ": " + why + INSTEAD;
    audit(op, AuditOutcome.DENIED, key, 0, null, "not supported for PKCS#11 token keys");
    return new IllegalArgumentException(message);
  }

  // ---------------------------------------------------------------------------- helpers

  private KeyMetadata metadata(String label, TokenKeyRecords.Record r, KeyState state) {
    Instant created = r == null || r.createdAt == null ? Instant.EPOCH : r.createdAt;
    Instant destroyed = state == KeyState.DESTROYED && r != null ? r.destroyedAt : null;
    return KeyMetadata.builder()
        .keyId(label)
        .alias(label)
        .description(r == null ? "" : r.description)
        .state(state)
        .versions(List.of(KeyVersion.named(label, 1, created)))
        .primaryVersion(1)
        .createdAt(created)
        .stateChangedAt(destroyed != null ? destroyed : created)
        .destructionDate(destroyed)
        .policy(TOKEN_KEY_POLICY)
        .keyNamespace(namespace)
        .build();
  }

  /** A {@link KeyDestroyedException} if {@code label} was destroyed through this manager, else null. */
  KeyDestroyedException destroyedError(String label, RuntimeException cause) {
    TokenKeyRecords.Record r;
    try {
      r = records.read().get(label);
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
      return null;
    }
    if (r == null || r.destroyedAt == null) {
      return null;
    }
    KeyDestroyedException e = new KeyDestroyedException(label,
        "key '" + label + "' of " + token.description() + " was destroyed at " + r.destroyedAt
            + "; data encrypted under it can no longer be decrypted, and it refuses every operation");
    e.initCause(cause);
    return e;
  }

  private static KeyNotFoundException notFound(String message, Throwable cause) {
    KeyNotFoundException e = new KeyNotFoundException(message);
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }

  void audit(KeyOperation op, AuditOutcome outcome, String keyId, int version, EncryptionContext context,
      String detail) {
    AuditEvent.Builder b = AuditEvent.builder()
        .time(clock.instant())
        .operation(op)
        .outcome(outcome)
        .keyId(keyId)
        .keyVersion(version)
        .caller(caller)
        .detail(detail);
    if (context != null) {
      b.contextKeys(context.keys()); // values never: token keys have no policy marking any loggable
    }
    AuditEvent event = b.build();
    for (AuditListener l : auditListeners) {
      l.onAuditEvent(event);
    }
  }

  /** As the key store: every listener is called; the first failure is reported afterwards. */
  private void notifyState(KeyStateEvent event) {
    Listeners.notifyState(stateListeners, event);
  }

  void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this PKCS#11 key manager was closed");
    }
  }

  /** Configures a {@link Pkcs11KeyManager}: {@link #keyNamespace} is required. Not thread-safe. */
  public static final class Builder {
    private final Pkcs11Token token;
    private final Path directory;
    private String namespace;
    private String caller;
    private Clock clock;
    private boolean auditLog = true;
    private final List<AuditListener> auditListeners = new ArrayList<>();
    private final List<KeyStateListener> stateListeners = new ArrayList<>();

    private Builder(Pkcs11Token token, Path directory) {
      this.token = Objects.requireNonNull(token, "token");
      this.directory = Objects.requireNonNull(directory, "directory");
    }

    /**
     * The provider id of the encrypted data keys made with this token's keys (as given to {@link
     * Pkcs11Keyring.Builder#keyNamespace}); key metadata and state events carry it. Must not start
     * with {@code aws-kms}.
     */
    public Builder keyNamespace(String namespace) {
      Objects.requireNonNull(namespace, "namespace");
      if (this.namespace != null) {
        throw new IllegalStateException("keyNamespace was already set");
      }
      Names.checkNamespace(namespace);
      this.namespace = namespace;
      return this;
    }

    /** The caller label of audit events. Default {@value LocalKeyStore#DEFAULT_CALLER}. */
    public Builder callerLabel(String label) {
      Objects.requireNonNull(label, "label");
      if (caller != null) {
        throw new IllegalStateException("callerLabel was already set");
      }
      this.caller = Names.checkCallerLabel(label);
      return this;
    }

    /** The clock for audit and record times. Default: the UTC system clock. */
    public Builder clock(Clock clock) {
      Objects.requireNonNull(clock, "clock");
      if (this.clock != null) {
        throw new IllegalStateException("clock was already set");
      }
      this.clock = clock;
      return this;
    }

    /** Whether to write the hash-chained audit log ({@code audit.log} in the directory). Default true. */
    public Builder auditLog(boolean enabled) {
      this.auditLog = enabled;
      return this;
    }

    /** An additional audit listener. */
    public Builder auditListener(AuditListener listener) {
      auditListeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** An incident-response listener. */
    public Builder keyStateListener(KeyStateListener listener) {
      stateListeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Creates the directory if needed.
     *
     * @throws IllegalStateException if keyNamespace is missing
     */
    public Pkcs11KeyManager build() {
      if (namespace == null) {
        throw new IllegalStateException("give the PKCS#11 key manager the key namespace of its keyrings (keyNamespace(...))");
      }
      try {
        Files.createDirectories(directory);
      } catch (IOException e) {
        throw new UncheckedIOException("could not create the PKCS#11 key manager's directory " + directory, e);
      }
      return new Pkcs11KeyManager(this);
    }
  }
}
