package dev.envelope.observe;

import static dev.envelope.observe.ObservedOperationsTest.CONTEXT;
import static dev.envelope.observe.ObservedOperationsTest.KEYRING;
import static dev.envelope.observe.ObservedOperationsTest.OTHER;
import static dev.envelope.observe.ObservedOperationsTest.PLAINTEXT;
import static dev.envelope.observe.ObservedOperationsTest.S0478;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.envelope.AlgorithmSuite;
import dev.envelope.CommitmentPolicy;
import dev.envelope.EncryptionContext;
import dev.envelope.EncryptionMaterialsRequest;
import dev.envelope.Envelope;
import dev.envelope.cache.CacheStats;
import dev.envelope.cache.CachingMaterialsManager;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A cache's observer hears each hit, miss, bypass, eviction and invalidation that its stats count. */
class CacheEventsTest {
  private final AtomicLong now = new AtomicLong();
  private final RecordingObserver observer = new RecordingObserver();

  private CachingMaterialsManager.Builder cache() {
    return CachingMaterialsManager.builder()
        .keyring(KEYRING)
        .maxAge(Duration.ofMinutes(5))
        .ticker(now::get)
        .observer(observer);
  }

  private static Envelope envelope(CachingMaterialsManager cache, RecordingObserver operations) {
    Envelope.Builder b = Envelope.builder().materialsManager(cache).algorithmSuite(S0478);
    return operations == null ? b.build() : b.observer(operations).build();
  }

  /** The events agree with the stats: misses, hits, bypasses, and evictions plus invalidations. */
  private void assertMatchesStats(CachingMaterialsManager cache) {
    CacheStats stats = cache.stats();
    assertEquals(stats.hitCount(), count(CacheEvent.Kind.HIT));
    assertEquals(stats.missCount(), count(CacheEvent.Kind.MISS));
    assertEquals(stats.bypassCount(), count(CacheEvent.Kind.BYPASS));
    assertEquals(stats.evictionCount(), count(CacheEvent.Kind.EVICTION) + count(CacheEvent.Kind.INVALIDATION));
  }

  private long count(CacheEvent.Kind kind) {
    return observer.cacheEvents.stream().filter(e -> e.kind() == kind).count();
  }

  @Test
  void cacheEvent_missHitAndInvalidateAll_reportedPerSide() {
    CachingMaterialsManager cache = cache().build();
    Envelope envelope = envelope(cache, null);
    byte[] first = envelope.encrypt(PLAINTEXT, CONTEXT);
    envelope.encrypt(PLAINTEXT, CONTEXT);
    envelope.decrypt(first, CONTEXT);
    envelope.decrypt(first, CONTEXT);
    assertEquals(
        List.of(CacheEvent.ENCRYPT_MISS, CacheEvent.ENCRYPT_HIT, CacheEvent.DECRYPT_MISS, CacheEvent.DECRYPT_HIT),
        observer.cacheEvents);

    assertEquals(2, cache.invalidateAll());
    assertEquals(
        List.of(CacheEvent.ENCRYPT_INVALIDATION, CacheEvent.DECRYPT_INVALIDATION),
        observer.cacheEvents.subList(4, 6));
    assertMatchesStats(cache);
  }

  @Test
  void invalidateWrappedBy_matchingEntries_reportedAsInvalidationsOnly() {
    CachingMaterialsManager cache = cache().build();
    Envelope envelope = envelope(cache, null);
    envelope.encrypt(PLAINTEXT, CONTEXT);
    envelope.encrypt(PLAINTEXT, EncryptionContext.of("tenant", "other"));
    assertEquals(2, cache.invalidateWrappedBy("ns-a", "key-a"));
    assertEquals(0, cache.invalidateWrappedBy("ns-b", ""));
    assertEquals(
        List.of(
            CacheEvent.ENCRYPT_MISS, CacheEvent.ENCRYPT_MISS,
            CacheEvent.ENCRYPT_INVALIDATION, CacheEvent.ENCRYPT_INVALIDATION),
        observer.cacheEvents);
    assertMatchesStats(cache);
  }

  @Test
  void cacheEvent_capacityAgeAndUsage_reportedAsEvictions() {
    CachingMaterialsManager cache = cache().capacity(1).messageUseLimit(2).build();
    Envelope envelope = envelope(cache, null);
    envelope.encrypt(PLAINTEXT, CONTEXT);
    envelope.encrypt(PLAINTEXT, EncryptionContext.of("tenant", "other")); // evicts the first: capacity
    now.addAndGet(Duration.ofMinutes(6).toNanos());
    envelope.encrypt(PLAINTEXT, CONTEXT); // evicts the second: age
    envelope.encrypt(PLAINTEXT, CONTEXT); // hit, its second use
    envelope.encrypt(PLAINTEXT, CONTEXT); // evicted: usage limit, then a miss
    assertEquals(
        List.of(
            CacheEvent.ENCRYPT_MISS,
            CacheEvent.ENCRYPT_MISS,
            CacheEvent.ENCRYPT_EVICTION,
            CacheEvent.ENCRYPT_EVICTION,
            CacheEvent.ENCRYPT_MISS,
            CacheEvent.ENCRYPT_HIT,
            CacheEvent.ENCRYPT_EVICTION,
            CacheEvent.ENCRYPT_MISS),
        observer.cacheEvents);
    assertMatchesStats(cache);
  }

  @Test
  void cacheEvent_uncacheableRequests_reportedAsBypasses() {
    CachingMaterialsManager cache = cache().byteUseLimit(1 << 20).build();
    CommitmentPolicy legacy = CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT;
    cache.getEncryptionMaterials(
        EncryptionMaterialsRequest.builder(CONTEXT, legacy)
            .algorithmSuite(AlgorithmSuite.AES_256_GCM_IV12_TAG16_NO_KDF)
            .build());
    envelope(cache, null).encryptingStream(new java.io.ByteArrayOutputStream(), CONTEXT);
    assertEquals(List.of(CacheEvent.ENCRYPT_BYPASS, CacheEvent.ENCRYPT_BYPASS), observer.cacheEvents);
    assertMatchesStats(cache);
  }

  @Test
  void keyringCall_cacheMissThenHit_reportedInTheMissingOperationOnly() {
    CachingMaterialsManager cache = cache().build();
    RecordingObserver operations = new RecordingObserver();
    Envelope envelope = envelope(cache, operations);
    envelope.encrypt(PLAINTEXT, CONTEXT);
    envelope.encrypt(PLAINTEXT, CONTEXT);
    assertEquals(
        List.of(
            "started ENCRYPT", "call KeyringCall[RawAesKeyring wrap]", "called", "ended SUCCESS",
            "started ENCRYPT", "ended SUCCESS"),
        operations.kinds());
  }

  @Test
  void cacheEvent_throwingObserver_changesNothing() {
    EnvelopeObserver throwing = new ThrowingObserver();
    CachingMaterialsManager cache =
        CachingMaterialsManager.builder().keyring(OTHER).maxAge(Duration.ofMinutes(5)).capacity(1).observer(throwing).build();
    Envelope envelope = envelope(cache, null);
    byte[] message = envelope.encrypt(PLAINTEXT, CONTEXT);
    envelope.encrypt(PLAINTEXT, CONTEXT);
    assertArrayEquals(PLAINTEXT, envelope.decrypt(message, CONTEXT).plaintext());
    assertEquals(1, cache.invalidateAll());
    CacheStats stats = cache.stats();
    assertEquals(1, stats.hitCount());
    assertEquals(2, stats.missCount());
  }
}
