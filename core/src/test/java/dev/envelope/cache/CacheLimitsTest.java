package dev.envelope.cache;

import static dev.envelope.cache.CacheFixtures.aes;
import static dev.envelope.cache.CacheFixtures.decryptRequest;
import static dev.envelope.cache.CacheFixtures.encryptRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.AlgorithmSuite;
import dev.envelope.CommitmentPolicy;
import dev.envelope.DataKey;
import dev.envelope.DecryptionMaterials;
import dev.envelope.EncryptionContext;
import dev.envelope.EncryptionMaterials;
import dev.envelope.EncryptionMaterialsRequest;
import dev.envelope.cache.CacheFixtures.CountingKeyring;
import dev.envelope.cache.CacheFixtures.FakeTicker;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Age, message, byte and capacity limits of encrypt entries, and what is never cached. */
class CacheLimitsTest {
  private static final EncryptionContext CTX = EncryptionContext.of("tenant", "acme");

  private final FakeTicker ticker = new FakeTicker();
  private final CountingKeyring keyring = new CountingKeyring(aes("ns", "key"));

  private CachingMaterialsManager.Builder cache() {
    return CachingMaterialsManager.builder()
        .keyring(keyring)
        .maxAge(Duration.ofSeconds(10))
        .ticker(ticker);
  }

  private static void use(CachingMaterialsManager cache, EncryptionMaterialsRequest request) {
    cache.getEncryptionMaterials(request).dataKey().orElseThrow().close();
  }

  @Test
  void encrypt_repeatedRequest_callsKeyringOnceAndHandsOutOwnCopies() {
    CachingMaterialsManager cache = cache().build();
    EncryptionMaterials first = cache.getEncryptionMaterials(encryptRequest(CTX, 10));
    EncryptionMaterials second = cache.getEncryptionMaterials(encryptRequest(CTX, 10));

    assertEquals(1, keyring.calls());
    assertEquals(first.encryptedDataKeys(), second.encryptedDataKeys());
    DataKey cached = keyring.key(0);
    DataKey a = first.dataKey().orElseThrow();
    DataKey b = second.dataKey().orElseThrow();
    assertNotSame(cached, a);
    assertNotSame(cached, b);
    assertNotSame(a, b);
    assertTrue(a.sameKeyAs(cached) && b.sameKeyAs(cached));
    a.close();
    b.close();
    assertFalse(cached.isDestroyed(), "closing handed-out copies must not zero the cache's copy");
    EncryptionMaterials third = cache.getEncryptionMaterials(encryptRequest(CTX, 10));
    assertTrue(third.dataKey().orElseThrow().sameKeyAs(cached));
    assertEquals(1, keyring.calls());
  }

  @Test
  void encrypt_entryJustYoungerThanMaxAge_hits() {
    CachingMaterialsManager cache = cache().build();
    use(cache, encryptRequest(CTX, 1));
    ticker.advance(Duration.ofSeconds(10).minusNanos(1));
    use(cache, encryptRequest(CTX, 1));
    assertEquals(1, keyring.calls());
    assertFalse(keyring.key(0).isDestroyed());
  }

  @Test
  void encrypt_entryAtMaxAge_expiresZeroizesAndReloads() {
    CachingMaterialsManager cache = cache().build();
    use(cache, encryptRequest(CTX, 1));
    ticker.advance(Duration.ofSeconds(10));
    EncryptionMaterials fresh = cache.getEncryptionMaterials(encryptRequest(CTX, 1));

    assertEquals(2, keyring.calls());
    assertTrue(keyring.key(0).isDestroyed());
    assertFalse(keyring.key(1).isDestroyed());
    assertTrue(fresh.dataKey().orElseThrow().sameKeyAs(keyring.key(1)));
  }

  @Test
  void entriesOfDifferentAges_eachExpiresAtItsOwnMaxAge() {
    // Expiry is checked against the oldest entry first; each entry must still go at its own age,
    // whether the older one was evicted by age, by invalidation or by a lookup of another entry.
    CachingMaterialsManager cache = cache().build();
    EncryptionContext other = EncryptionContext.of("tenant", "other");
    use(cache, encryptRequest(CTX, 1)); // key 0 at t = 0
    ticker.advance(Duration.ofSeconds(4));
    use(cache, encryptRequest(other, 1)); // key 1 at t = 4
    ticker.advance(Duration.ofSeconds(6)); // t = 10: key 0 expires, key 1 is 6 s old
    use(cache, encryptRequest(other, 1));
    assertTrue(keyring.key(0).isDestroyed());
    assertFalse(keyring.key(1).isDestroyed());
    assertEquals(1, cache.stats().entryCount());
    ticker.advance(Duration.ofSeconds(4).minusNanos(1)); // t = 14 - 1 ns: key 1 still live
    use(cache, encryptRequest(other, 1));
    assertFalse(keyring.key(1).isDestroyed());
    assertEquals(2, keyring.calls());
    ticker.advance(Duration.ofNanos(1)); // t = 14: key 1 expires
    assertEquals(0, cache.stats().entryCount());
    assertTrue(keyring.key(1).isDestroyed());
    use(cache, encryptRequest(CTX, 1)); // key 2 at t = 14, after the cache was empty
    ticker.advance(Duration.ofSeconds(10).minusNanos(1));
    assertEquals(1, cache.stats().entryCount());
    ticker.advance(Duration.ofNanos(1));
    assertEquals(0, cache.stats().entryCount());
    assertTrue(keyring.key(2).isDestroyed());
  }

  @Test
  void stats_afterMaxAgeWithoutTraffic_evictsAndZeroizesExpiredEntries() {
    CachingMaterialsManager cache = cache().build();
    use(cache, encryptRequest(CTX, 1));
    ticker.advance(Duration.ofSeconds(5));
    use(cache, encryptRequest(EncryptionContext.of("tenant", "other"), 1));
    ticker.advance(Duration.ofSeconds(5));

    CacheStats stats = cache.stats();
    assertTrue(keyring.key(0).isDestroyed(), "the 10 s old entry is gone");
    assertFalse(keyring.key(1).isDestroyed(), "the 5 s old entry lives");
    assertEquals(1, stats.entryCount());
    assertEquals(1, stats.evictionCount());
  }

  @Test
  void encrypt_messageLimit_newDataKeyAfterLimitAndOldOneZeroized() {
    CachingMaterialsManager cache = cache().messageUseLimit(3).build();
    for (int i = 0; i < 3; i++) {
      use(cache, encryptRequest(CTX, 1));
    }
    assertEquals(1, keyring.calls());
    use(cache, encryptRequest(CTX, 1));
    assertEquals(2, keyring.calls());
    assertTrue(keyring.key(0).isDestroyed());
    assertFalse(keyring.key(1).isDestroyed());
  }

  @Test
  void encrypt_byteLimit_countsThisRequestUpToTheLimitExactly() {
    CachingMaterialsManager cache = cache().byteUseLimit(100).build();
    use(cache, encryptRequest(CTX, 40));
    use(cache, encryptRequest(CTX, 60));
    assertEquals(1, keyring.calls(), "40 + 60 = 100 bytes is within the limit");
    use(cache, encryptRequest(CTX, 1));
    assertEquals(2, keyring.calls(), "one more byte needs a new data key");
    assertTrue(keyring.key(0).isDestroyed());
    use(cache, encryptRequest(CTX, 0));
    assertEquals(2, keyring.calls(), "an empty message fits");
  }

  @Test
  void encrypt_requestLongerThanByteLimit_neverCached() {
    CachingMaterialsManager cache = cache().byteUseLimit(100).build();
    EncryptionMaterials first = cache.getEncryptionMaterials(encryptRequest(CTX, 101));
    EncryptionMaterials second = cache.getEncryptionMaterials(encryptRequest(CTX, 101));

    assertEquals(2, keyring.calls());
    assertNotEquals(first.encryptedDataKeys(), second.encryptedDataKeys());
    assertEquals(2, cache.stats().bypassCount());
    assertEquals(0, cache.stats().entryCount());
    // Uncached materials carry the keyring's own data key: the caller owns it.
    assertTrue(first.dataKey().orElseThrow() == keyring.key(0));
  }

  @Test
  void encrypt_capacity_evictsLeastRecentlyUsed() {
    CachingMaterialsManager cache = cache().capacity(2).build();
    EncryptionContext a = EncryptionContext.of("tenant", "a");
    EncryptionContext b = EncryptionContext.of("tenant", "b");
    EncryptionContext c = EncryptionContext.of("tenant", "c");
    use(cache, encryptRequest(a, 1)); // key 0
    use(cache, encryptRequest(b, 1)); // key 1
    use(cache, encryptRequest(a, 1)); // hit: b is now least recently used
    use(cache, encryptRequest(c, 1)); // key 2, evicts b

    assertEquals(3, keyring.calls());
    assertFalse(keyring.key(0).isDestroyed());
    assertTrue(keyring.key(1).isDestroyed());
    assertFalse(keyring.key(2).isDestroyed());

    use(cache, encryptRequest(a, 1)); // hit; c is now least recently used
    assertEquals(3, keyring.calls());
    use(cache, encryptRequest(b, 1)); // key 3, evicts c
    assertEquals(4, keyring.calls());
    assertTrue(keyring.key(2).isDestroyed());
    assertFalse(keyring.key(0).isDestroyed());
    assertEquals(2, cache.stats().entryCount());
  }

  @Test
  void encrypt_suitesWithoutKdf_neverCached() {
    CachingMaterialsManager cache = cache().build();
    int expectedCalls = 0;
    for (AlgorithmSuite suite : AlgorithmSuite.values()) {
      if (suite.isCacheSafe()) {
        continue;
      }
      EncryptionMaterialsRequest request =
          encryptRequest(CTX, CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT, suite, 1);
      EncryptionMaterials first = cache.getEncryptionMaterials(request);
      EncryptionMaterials second = cache.getEncryptionMaterials(request);
      expectedCalls += 2;
      assertEquals(expectedCalls, keyring.calls(), suite.idHex());
      assertNotEquals(first.encryptedDataKeys(), second.encryptedDataKeys());
    }
    assertEquals(6, expectedCalls);
    assertEquals(0, cache.stats().entryCount());
    assertEquals(6, cache.stats().bypassCount());
  }

  @Test
  void decrypt_suitesWithoutKdf_neverCached() {
    CachingMaterialsManager cache = cache().build();
    CommitmentPolicy policy = CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT;
    EncryptionMaterials m =
        cache.getEncryptionMaterials(
            encryptRequest(CTX, policy, AlgorithmSuite.AES_256_GCM_IV12_TAG16_NO_KDF, 1));
    for (int i = 0; i < 2; i++) {
      DecryptionMaterials d =
          cache.getDecryptionMaterials(decryptRequest(m, policy, EncryptionContext.empty()));
      assertTrue(d.dataKey().orElseThrow().sameKeyAs(m.dataKey().orElseThrow()));
    }
    assertEquals(1, keyring.encryptCalls.get());
    assertEquals(2, keyring.decryptCalls.get());
  }

  @Test
  void encrypt_differentContextOrRequiredKeys_useSeparateEntries() {
    CachingMaterialsManager cache = cache().build();
    EncryptionContext two = EncryptionContext.of("tenant", "acme", "purpose", "x");
    use(cache, encryptRequest(CTX, 1));
    use(cache, encryptRequest(EncryptionContext.of("tenant", "acme2"), 1));
    use(cache, encryptRequest(two, 1));
    use(cache, EncryptionMaterialsRequest.builder(two, CacheFixtures.REQUIRE)
        .algorithmSuite(CacheFixtures.S0478)
        .requiredContextKeys(Set.of("purpose"))
        .maxPlaintextLength(1)
        .build());
    assertEquals(4, keyring.calls());
  }

  @Test
  void encrypt_contextInsertionOrder_sameEntry() {
    CachingMaterialsManager cache = cache().build();
    EncryptionContext ab = EncryptionContext.builder().put("a", "1").put("b", "2").build();
    EncryptionContext ba = EncryptionContext.builder().put("b", "2").put("a", "1").build();
    use(cache, encryptRequest(ab, 1));
    use(cache, encryptRequest(ba, 1));
    assertEquals(1, keyring.calls());
  }

  @Test
  void encrypt_materialsFromHit_matchTheRequest() {
    CachingMaterialsManager cache = cache().build();
    EncryptionMaterialsRequest request =
        EncryptionMaterialsRequest.builder(
                EncryptionContext.of("tenant", "acme", "purpose", "x"), CacheFixtures.REQUIRE)
            .algorithmSuite(CacheFixtures.S0478)
            .requiredContextKeys(Set.of("purpose"))
            .maxPlaintextLength(5)
            .build();
    use(cache, request);
    EncryptionMaterials hit = cache.getEncryptionMaterials(request);
    assertEquals(1, keyring.calls());
    assertEquals(CacheFixtures.S0478, hit.algorithmSuite());
    assertEquals(request.encryptionContext(), hit.encryptionContext());
    assertEquals(Set.of("purpose"), hit.requiredContextKeys());
    assertTrue(hit.plaintextMeter().isEmpty(), "a request of known length needs no meter");
  }
}
