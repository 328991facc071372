package dev.envelope.cache;

import static dev.envelope.internal.util.Preconditions.requireUnset;

import dev.envelope.AlgorithmSuite;
import dev.envelope.CommitmentPolicy;
import dev.envelope.DataKey;
import dev.envelope.DecryptionMaterials;
import dev.envelope.DecryptionMaterialsRequest;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionMaterials;
import dev.envelope.EncryptionMaterials.PlaintextMeter;
import dev.envelope.EncryptionMaterialsRequest;
import dev.envelope.Keyring;
import dev.envelope.MaterialsManager;
import dev.envelope.PolicyViolationException;
import dev.envelope.materials.DefaultMaterialsManager;
import dev.envelope.observe.CacheEvent;
import dev.envelope.observe.EnvelopeObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * A materials manager that reuses data keys for a while, so that encrypting many messages (or
 * decrypting many messages that share encrypted data keys) calls the keyring (a KMS, an HSM)
 * once instead of once per message. Wraps any {@link MaterialsManager} or {@link Keyring}.
 *
 * <pre>{@code
 * CachingMaterialsManager cache = CachingMaterialsManager.builder()
 *     .keyring(kmsKeyring)
 *     .maxAge(Duration.ofMinutes(5))
 *     .messageUseLimit(10_000)
 *     .build();
 * Envelope envelope = Envelope.builder().materialsManager(cache).build();
 * }</pre>
 *
 * <h2>What is cached</h2>
 *
 * spec: keyrings.md §7.3. Encrypt entries are identified by the partition id, the algorithm suite,
 * the commitment policy, the required-context keys and the full encryption context; decrypt entries
 * by the partition id, suite, policy, the message's encrypted data keys (by content, in the order
 * the message lists them: a keyring opens the first it can, so another order may yield another
 * data key), its stored context and the caller's expected (reproduced) context. These fields are
 * compared as they are, within the process; no digest of them is computed and none leaves the
 * process. A request without a suite is identified
 * by the suite the underlying manager picks for it, the commitment policy's default (spec §8), and
 * the materials it returns are cached only if they have exactly that suite; so an entry is only
 * ever served to requests for its own suite and policy. Never cached (passed straight through):
 *
 * <ul>
 *   <li>suites without a key derivation (0x0014, 0x0046, 0x0078), on encrypt and decrypt: they
 *       would encrypt every message under the same AES key and IVs;
 *   <li>encrypt requests whose own length (the exact plaintext length, or a stream's bound)
 *       exceeds the byte limit;
 *   <li>streams of unknown length while a finite byte limit is set (see below);
 *   <li>materials the underlying manager returns with a {@link PlaintextMeter} of its own.
 * </ul>
 *
 * <h2>Limits</h2>
 *
 * An entry serves requests while it is younger than {@link Builder#maxAge max age} (required) and
 * while serving the request keeps it within the {@link Builder#messageUseLimit message} and {@link
 * Builder#byteUseLimit byte} limits, counting the request: a byte array counts its length, a
 * stream with a bound (the {@code maxPlaintextLength} of {@code Envelope.encryptingStream}) counts
 * the whole bound up front. An entry that cannot serve a request is evicted and replaced by fresh
 * materials. At most {@link Builder#capacity capacity} entries are kept; the least recently used
 * goes first. Decrypt entries have no usage limits, only the age.
 *
 * <h2>Streams of unknown length</h2>
 *
 * Their length cannot be checked against a data key's remaining byte budget before the first byte
 * is encrypted, and failing a stream half-way because <em>other</em> messages used up a shared key
 * would make failures depend on unrelated traffic. So:
 *
 * <ul>
 *   <li>with the default byte limit ({@link Long#MAX_VALUE}, i.e. none), an unknown-length stream
 *       uses the cache like any message; the materials carry a {@link PlaintextMeter} that charges
 *       its bytes to the entry as they flow, and refuses with {@link PolicyViolationException}
 *       before the entry's total could pass the limit;
 *   <li>with a finite byte limit, an unknown-length stream gets a fresh, uncached data key at the
 *       start. Give the stream a bound ({@code encryptingStream(out, context, maxPlaintextLength)})
 *       to let it use the cache; the Envelope then refuses to write past the bound.
 * </ul>
 *
 * Either way a cached data key never encrypts more than the byte limit.
 *
 * <h2>Concurrency</h2>
 *
 * Thread-safe. Concurrent misses for one entry make a single call of the underlying manager; the
 * other callers wait for it and are then served from the new entry (or get its exception). Calls
 * for other entries are not blocked: the underlying manager is always called outside the cache's
 * lock.
 *
 * <h2>Security guarantees</h2>
 *
 * <ul>
 *   <li>A cached data key is used for at most the configured number of messages and bytes, and only
 *       while younger than the maximum age; a hit never returns a suite other than the one the
 *       request resolves to, nor one its commitment policy forbids.
 *   <li>The cache keeps its own copy of each data key and zeroes it when the entry is evicted for
 *       any reason (capacity, age, usage, invalidation). Every materials object handed out carries
 *       its own copy, which the receiver closes. Expired entries are removed on the next call of
 *       any method; call {@link #invalidateAll()} to zero everything at once.
 *   <li>{@link #invalidateWrappedBy} and {@link #invalidateIf} purge entries wrapped under a key
 *       that was disabled or destroyed. Loads that were running when an invalidation started are
 *       not cached.
 * </ul>
 *
 * Not promised: reuse of one data key (and, for signing suites, one signing key) across messages
 * is what caching is: every message built from one entry has the same encrypted data keys and the
 * same {@code aws-crypto-public-key}, so messages are linkable by those, and a compromise of one
 * data key exposes every message encrypted under it. Zeroization is best effort on the JVM.
 */
public final class CachingMaterialsManager implements MaterialsManager {
  /** The most messages one data key may encrypt, and the default message limit: 2^32. */
  public static final long MAX_MESSAGE_USE_LIMIT = 1L << 32;
  /** The default byte limit: {@link Long#MAX_VALUE}, meaning none. */
  public static final long DEFAULT_BYTE_USE_LIMIT = Long.MAX_VALUE;
  /** The default number of entries kept. */
  public static final int DEFAULT_CAPACITY = 1000;

  private final MaterialsManager underlying;
  private final Duration maxAge;
  private final long messageUseLimit;
  private final long byteUseLimit;
  private final int capacity;
  private final String partitionId;

  private final MaterialsStore store;
  private final CacheEvents events;
  private final EncryptRules encryptRules = new EncryptRules();
  private final DecryptRules decryptRules = new DecryptRules();
  private final LastEntryKeys lastKeys;

  private CachingMaterialsManager(Builder b) {
    this.underlying = b.underlying;
    this.maxAge = b.maxAge;
    this.messageUseLimit = b.messageUseLimit == -1 ? MAX_MESSAGE_USE_LIMIT : b.messageUseLimit;
    this.byteUseLimit = b.byteUseLimit == -1 ? DEFAULT_BYTE_USE_LIMIT : b.byteUseLimit;
    this.capacity = b.capacity == -1 ? DEFAULT_CAPACITY : b.capacity;
    this.partitionId = b.partitionId == null ? UUID.randomUUID().toString() : b.partitionId;
    this.lastKeys = new LastEntryKeys(partitionId);
    Ticker ticker = b.ticker == null ? Ticker.system() : b.ticker;
    this.events = CacheEvents.of(b.observer);
    this.store = new MaterialsStore(saturatedNanos(b.maxAge), capacity, ticker, events);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The partition id that namespaces this manager's entries. */
  public String partitionId() {
    return partitionId;
  }

  // ------------------------------------------------------------------ encryption

  @Override
  public EncryptionMaterials getEncryptionMaterials(EncryptionMaterialsRequest request) {
    Objects.requireNonNull(request, "request");
    CommitmentPolicy policy = request.commitmentPolicy();
    // spec: keyrings.md §7.1 step 1 and §8: what the default manager picks for a request without
    // a suite. The entry key names this suite, and only materials of this suite are cached under it.
    AlgorithmSuite suite = request.algorithmSuite().orElse(policy.defaultSuite());
    policy.checkEncrypt(suite, "the requested suite");
    OptionalLong bound = request.maxPlaintextLength();
    boolean unknownLength = bound.isEmpty();
    long reserve = bound.orElse(0);
    // spec: keyrings.md §7.3 "Never cached"; the unknown-length rule is in the class Javadoc.
    if (!suite.isCacheSafe()
        || reserve > byteUseLimit
        || (unknownLength && byteUseLimit != Long.MAX_VALUE)) {
      store.countBypass();
      events.report(CacheEvent.ENCRYPT_BYPASS);
      return underlying.getEncryptionMaterials(request);
    }
    EntryKey key =
        lastKeys.encrypt(suite, policy, request.requiredContextKeys(), request.encryptionContext());
    return store.lookup(key, request, encryptRules);
  }

  /** The encrypt side's rules for the store; one instance, so a lookup allocates no lambdas. */
  private final class EncryptRules
      implements MaterialsStore.Loader<EncryptionMaterialsRequest, EncryptionMaterials> {
    @Override
    public EncryptionMaterials serve(
        CacheEntry entry, EntryKey key, EncryptionMaterialsRequest request) {
      OptionalLong bound = request.maxPlaintextLength();
      return serveEncrypt(entry, key.suite(), key.policy(), bound.orElse(0), bound.isEmpty());
    }

    @Override
    public EncryptionMaterials load(EncryptionMaterialsRequest request) {
      return loadEncrypt(request);
    }

    @Override
    public CacheEntry create(
        EntryKey key, EncryptionMaterialsRequest request, EncryptionMaterials loaded, long now) {
      return newEncryptEntry(key, loaded, key.suite(), now);
    }
  }

  /** Under the lock: materials from {@code entry} for this request, or null if it cannot serve it. */
  private EncryptionMaterials serveEncrypt(
      CacheEntry entry, AlgorithmSuite suite, CommitmentPolicy policy, long reserve, boolean meter) {
    if (!(entry instanceof EncryptEntry)) {
      return null;
    }
    EncryptEntry e = (EncryptEntry) entry;
    // Defence in depth: the entry key already covers suite and policy.
    if (e.template.algorithmSuite() != suite || !policy.allowsEncrypt(suite)) {
      return null;
    }
    if (!e.tryUse(reserve, messageUseLimit, byteUseLimit)) {
      return null;
    }
    DataKey copy = e.dataKey.copy();
    try {
      if (!meter) {
        return e.template.withDataKey(copy);
      }
      return e.template.toBuilder().plaintextMeter(new UseMeter(e, byteUseLimit)).dataKey(copy).build();
    } catch (RuntimeException ex) {
      copy.destroy();
      throw ex;
    }
  }

  /** Called by the store once per miss. */
  private EncryptionMaterials loadEncrypt(EncryptionMaterialsRequest request) {
    events.report(CacheEvent.ENCRYPT_MISS);
    EncryptionMaterials m = underlying.getEncryptionMaterials(request);
    AlgorithmSuite got = m.algorithmSuite();
    if (!m.hasDataKey() || m.encryptedDataKeys().isEmpty()) {
      m.dataKey().ifPresent(DataKey::close);
      throw new IllegalStateException(
          "the underlying materials manager returned encryption materials without a data key or"
              + " without an encrypted data key");
    }
    boolean wrongSuite = request.algorithmSuite().map(s -> s != got).orElse(false);
    if (wrongSuite || !request.commitmentPolicy().allowsEncrypt(got)) {
      m.dataKey().ifPresent(DataKey::close);
      throw new PolicyViolationException(
          "the underlying materials manager returned suite " + got.idHex() + ", which the request"
              + " (suite " + request.algorithmSuite().map(AlgorithmSuite::idHex).orElse("default")
              + ", policy " + request.commitmentPolicy() + ") does not allow");
    }
    return m;
  }

  /** Under the lock: the entry for freshly loaded materials, or null to hand them out uncached. */
  private CacheEntry newEncryptEntry(
      EntryKey key, EncryptionMaterials m, AlgorithmSuite suite, long now) {
    if (m.algorithmSuite() != suite || m.plaintextMeter().isPresent()) {
      return null;
    }
    EncryptionMaterials template =
        EncryptionMaterials.builder(m.algorithmSuite(), m.encryptionContext())
            .requiredContextKeys(m.requiredContextKeys())
            .encryptedDataKeys(m.encryptedDataKeys())
            .signingKey(m.signingKey().orElse(null))
            .build();
    return new EncryptEntry(key, now, m.dataKey().orElseThrow(), template);
  }

  // ------------------------------------------------------------------ decryption

  @Override
  public DecryptionMaterials getDecryptionMaterials(DecryptionMaterialsRequest request) {
    Objects.requireNonNull(request, "request");
    AlgorithmSuite suite = request.algorithmSuite();
    CommitmentPolicy policy = request.commitmentPolicy();
    policy.checkDecrypt(suite);
    if (!suite.isCacheSafe()) {
      store.countBypass();
      events.report(CacheEvent.DECRYPT_BYPASS);
      return underlying.getDecryptionMaterials(request);
    }
    EntryKey key =
        lastKeys.decrypt(
            suite,
            policy,
            request.encryptedDataKeys(),
            request.storedContext(),
            request.reproducedContext());
    return store.lookup(key, request, decryptRules);
  }

  /** The decrypt side's rules for the store; one instance, so a lookup allocates no lambdas. */
  private final class DecryptRules
      implements MaterialsStore.Loader<DecryptionMaterialsRequest, DecryptionMaterials> {
    @Override
    public DecryptionMaterials serve(
        CacheEntry entry, EntryKey key, DecryptionMaterialsRequest request) {
      return serveDecrypt(entry, key.suite(), key.policy());
    }

    @Override
    public DecryptionMaterials load(DecryptionMaterialsRequest request) {
      return loadDecrypt(request);
    }

    @Override
    public CacheEntry create(
        EntryKey key, DecryptionMaterialsRequest request, DecryptionMaterials loaded, long now) {
      return newDecryptEntry(key, loaded, request, now);
    }
  }

  private static DecryptionMaterials serveDecrypt(
      CacheEntry entry, AlgorithmSuite suite, CommitmentPolicy policy) {
    if (!(entry instanceof DecryptEntry)) {
      return null;
    }
    DecryptEntry e = (DecryptEntry) entry;
    if (e.template.algorithmSuite() != suite || !policy.allowsDecrypt(suite)) {
      return null;
    }
    DataKey copy = e.dataKey.copy();
    try {
      return e.template.withDataKey(copy);
    } catch (RuntimeException ex) {
      copy.destroy();
      throw ex;
    }
  }

  /** Called by the store once per miss. */
  private DecryptionMaterials loadDecrypt(DecryptionMaterialsRequest request) {
    events.report(CacheEvent.DECRYPT_MISS);
    DecryptionMaterials m = underlying.getDecryptionMaterials(request);
    if (!m.hasDataKey()) {
      throw new IllegalStateException(
          "the underlying materials manager returned decryption materials without a data key");
    }
    if (m.algorithmSuite() != request.algorithmSuite()) {
      m.dataKey().ifPresent(DataKey::close);
      throw new PolicyViolationException(
          "the underlying materials manager returned suite " + m.algorithmSuite().idHex()
              + " for a message of suite " + request.algorithmSuite().idHex());
    }
    return m;
  }

  private static CacheEntry newDecryptEntry(
      EntryKey key, DecryptionMaterials m, DecryptionMaterialsRequest request, long now) {
    DecryptionMaterials template =
        DecryptionMaterials.of(
            m.algorithmSuite(),
            m.encryptionContext(),
            m.requiredContextKeys(),
            m.verificationKey().orElse(null));
    return new DecryptEntry(key, now, m.dataKey().orElseThrow(), request.encryptedDataKeys(), template);
  }

  // ------------------------------------------------------------------ invalidation and stats

  /**
   * Evicts every entry and zeroes its data key. Loads running meanwhile are not cached.
   *
   * @return the number of entries evicted
   */
  public int invalidateAll() {
    return store.invalidateAll();
  }

  /**
   * Evicts the entries whose encrypted data keys match {@code predicate} and zeroes their data
   * keys, for incident response: a master key was disabled or destroyed, so nothing wrapped under
   * it may be used any more. An encrypt entry is tested with the encrypted data keys of its
   * materials; a decrypt entry with those of the message it was loaded for (all of them, not only
   * the one the keyring opened). Loads running meanwhile are not cached.
   *
   * <p>{@code predicate} runs outside the cache's lock, so it may be slow or call this manager.
   *
   * @return the number of entries evicted
   */
  public int invalidateIf(Predicate<? super List<EncryptedDataKey>> predicate) {
    Objects.requireNonNull(predicate, "predicate");
    return store.invalidateIf(predicate);
  }

  /**
   * Evicts the entries with an encrypted data key from provider {@code providerId} whose provider
   * info starts with the UTF-8 bytes of {@code providerInfoPrefix}, and zeroes their data keys.
   * For the raw keyrings and the local key store the provider id is the key namespace and the
   * provider info starts with the key name; for AWS KMS it is {@code aws-kms} and the key ARN.
   * Note that a prefix matches every longer name too ({@code "key-1"} matches {@code "key-10"}); an
   * empty prefix matches every key of the provider. See {@link #invalidateIf}.
   *
   * @return the number of entries evicted
   */
  public int invalidateWrappedBy(String providerId, String providerInfoPrefix) {
    Objects.requireNonNull(providerId, "providerId");
    byte[] prefix = providerInfoPrefix.getBytes(StandardCharsets.UTF_8);
    return invalidateIf(edks -> {
      for (EncryptedDataKey edk : edks) {
        if (edk.providerId().equals(providerId) && startsWith(edk.providerInfo(), prefix)) {
          return true;
        }
      }
      return false;
    });
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    if (bytes.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (bytes[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** A snapshot of the counters; expired entries are evicted first. */
  public CacheStats stats() {
    return store.stats();
  }

  /** For tests: how many callers are waiting for another caller's load. */
  int waitingCallers() {
    return store.waitingCallers();
  }

  /** For tests: bytes charged to the encrypt entry with these encrypted data keys, or -1. */
  long bytesCharged(List<EncryptedDataKey> encryptedDataKeys) {
    return store.bytesCharged(encryptedDataKeys);
  }

  @Override
  public String toString() {
    return "CachingMaterialsManager[partition=" + partitionId + ", maxAge=" + maxAge
        + ", messageUseLimit=" + messageUseLimit + ", byteUseLimit=" + byteUseLimit
        + ", capacity=" + capacity + ", " + underlying + "]";
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  // ------------------------------------------------------------------ builder

  /**
   * Configures a {@link CachingMaterialsManager}. Give exactly one of {@link #keyring} or {@link
   * #materialsManager}, and {@link #maxAge}; everything else has a default. Setting an option twice
   * is an error. Not thread-safe.
   */
  public static final class Builder {
    private MaterialsManager underlying;
    private Duration maxAge;
    private long messageUseLimit = -1;
    private long byteUseLimit = -1;
    private int capacity = -1;
    private String partitionId;
    private Ticker ticker;
    private EnvelopeObserver observer;

    private Builder() {}

    /** Cache the materials of a {@link DefaultMaterialsManager} around {@code keyring}. */
    public Builder keyring(Keyring keyring) {
      Objects.requireNonNull(keyring, "keyring");
      return materialsManager(new DefaultMaterialsManager(keyring));
    }

    /** Cache the materials of {@code manager}. */
    public Builder materialsManager(MaterialsManager manager) {
      Objects.requireNonNull(manager, "manager");
      requireUnset(underlying != null, "keyring or materialsManager");
      this.underlying = manager;
      return this;
    }

    /** Required: how long a data key may be reused after the keyring produced it; positive. */
    public Builder maxAge(Duration maxAge) {
      Objects.requireNonNull(maxAge, "maxAge");
      requireUnset(this.maxAge != null, "maxAge");
      if (maxAge.isNegative() || maxAge.isZero()) {
        throw new IllegalArgumentException("maxAge must be positive: " + maxAge);
      }
      this.maxAge = maxAge;
      return this;
    }

    /**
     * How many messages one data key may encrypt, 1 to 2^32. Default and maximum {@value
     * CachingMaterialsManager#MAX_MESSAGE_USE_LIMIT}.
     */
    public Builder messageUseLimit(long messages) {
      requireUnset(messageUseLimit != -1, "messageUseLimit");
      if (messages < 1 || messages > MAX_MESSAGE_USE_LIMIT) {
        throw new IllegalArgumentException(
            "messageUseLimit must be between 1 and 2^32: " + messages);
      }
      this.messageUseLimit = messages;
      return this;
    }

    /**
     * How many plaintext bytes one data key may encrypt, positive. Default {@link Long#MAX_VALUE}
     * (no limit). A finite limit makes streams of unknown length use fresh data keys; see the
     * class Javadoc.
     */
    public Builder byteUseLimit(long bytes) {
      requireUnset(byteUseLimit != -1, "byteUseLimit");
      if (bytes < 1) {
        throw new IllegalArgumentException("byteUseLimit must be positive: " + bytes);
      }
      this.byteUseLimit = bytes;
      return this;
    }

    /**
     * The most entries kept, positive; the least recently used is evicted first. Default {@value
     * CachingMaterialsManager#DEFAULT_CAPACITY}.
     */
    public Builder capacity(int entries) {
      requireUnset(capacity != -1, "capacity");
      if (entries < 1) {
        throw new IllegalArgumentException("capacity must be positive: " + entries);
      }
      this.capacity = entries;
      return this;
    }

    /**
     * A name included in every entry's key; not secret. Default: a random id unique to this
     * instance.
     */
    public Builder partitionId(String partitionId) {
      Objects.requireNonNull(partitionId, "partitionId");
      requireUnset(this.partitionId != null, "partitionId");
      if (partitionId.isEmpty()) {
        throw new IllegalArgumentException("partitionId cannot be empty");
      }
      this.partitionId = partitionId;
      return this;
    }

    /** The time source for entry ages. Default {@link Ticker#system()}. */
    public Builder ticker(Ticker ticker) {
      Objects.requireNonNull(ticker, "ticker");
      requireUnset(this.ticker != null, "ticker");
      this.ticker = ticker;
      return this;
    }

    /**
     * Tells {@code observer} of every hit, miss, bypass, eviction and invalidation, where {@link
     * CachingMaterialsManager#stats()} counts them ({@link EnvelopeObserver#cacheEvent}); an entry
     * removed by {@link CachingMaterialsManager#invalidateAll()}, {@link
     * CachingMaterialsManager#invalidateIf} or {@link CachingMaterialsManager#invalidateWrappedBy}
     * is reported as an invalidation, any other removal as an eviction (the stats count both as
     * evictions). Events carry no key, identifier or context. Entry events are reported under the
     * cache's lock, so the observer must be fast. The observer's keyring calls and operations are
     * reported only by an Envelope it is registered on. Default: none.
     */
    public Builder observer(EnvelopeObserver observer) {
      Objects.requireNonNull(observer, "observer");
      requireUnset(this.observer != null, "observer");
      this.observer = observer;
      return this;
    }

    /** @throws IllegalStateException if no underlying keyring or manager, or no max age, was given */
    public CachingMaterialsManager build() {
      if (underlying == null) {
        throw new IllegalStateException(
            "give the caching materials manager a keyring or a materials manager to cache");
      }
      if (maxAge == null) {
        throw new IllegalStateException(
            "maxAge is required: how long may a data key be reused (e.g. Duration.ofMinutes(5))?");
      }
      return new CachingMaterialsManager(this);
    }

  }
}
