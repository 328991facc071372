package dev.envelope.cache;

import static dev.envelope.cache.CacheFixtures.aes;
import static dev.envelope.cache.CacheFixtures.decryptRequest;
import static dev.envelope.cache.CacheFixtures.encryptRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.AlgorithmSuite;
import dev.envelope.CommitmentPolicy;
import dev.envelope.DecryptionMaterials;
import dev.envelope.DecryptionMaterialsRequest;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionContext;
import dev.envelope.EncryptionMaterials;
import dev.envelope.EncryptionMaterialsRequest;
import dev.envelope.Keyring;
import dev.envelope.MaterialsManager;
import dev.envelope.cache.CacheFixtures.CountingKeyring;
import dev.envelope.cache.CacheFixtures.FakeTicker;
import dev.envelope.keyring.MultiKeyring;
import dev.envelope.materials.DefaultMaterialsManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Invalidation for incident response, zeroization on every eviction, and the counters. */
class CacheInvalidationTest {
  private final FakeTicker ticker = new FakeTicker();
  private final CountingKeyring keyA = new CountingKeyring(aes("local", "tenant-a/key-1"));
  private final CountingKeyring keyB = new CountingKeyring(aes("local", "tenant-b/key-1"));

  /** Routes each tenant to its own master key, as a multi-tenant service would. */
  private final MaterialsManager byTenant = new MaterialsManager() {
    final MaterialsManager a = new DefaultMaterialsManager(keyA);
    final MaterialsManager b = new DefaultMaterialsManager(keyB);

    private MaterialsManager pick(EncryptionContext context) {
      return context.get("tenant").orElseThrow().equals("a") ? a : b;
    }

    @Override
    public EncryptionMaterials getEncryptionMaterials(EncryptionMaterialsRequest request) {
      return pick(request.encryptionContext()).getEncryptionMaterials(request);
    }

    @Override
    public DecryptionMaterials getDecryptionMaterials(DecryptionMaterialsRequest request) {
      return pick(request.storedContext()).getDecryptionMaterials(request);
    }
  };

  private static final EncryptionContext TENANT_A = EncryptionContext.of("tenant", "a");
  private static final EncryptionContext TENANT_B = EncryptionContext.of("tenant", "b");

  private CachingMaterialsManager cache() {
    return CachingMaterialsManager.builder()
        .materialsManager(byTenant)
        .maxAge(Duration.ofMinutes(5))
        .ticker(ticker)
        .build();
  }

  @Test
  void invalidateWrappedBy_disabledKey_evictsAndZeroizesOnlyItsEncryptAndDecryptEntries() {
    CachingMaterialsManager cache = cache();
    EncryptionMaterials a = cache.getEncryptionMaterials(encryptRequest(TENANT_A, 1));
    EncryptionMaterials b = cache.getEncryptionMaterials(encryptRequest(TENANT_B, 1));
    cache.getDecryptionMaterials(decryptRequest(a, CacheFixtures.REQUIRE, EncryptionContext.empty()));
    cache.getDecryptionMaterials(decryptRequest(b, CacheFixtures.REQUIRE, EncryptionContext.empty()));
    assertEquals(4, cache.stats().entryCount());

    // The local key store disabled every key under "tenant-a/".
    assertEquals(2, cache.invalidateWrappedBy("local", "tenant-a/"));

    assertTrue(keyA.key(0).isDestroyed(), "encrypt entry of key A zeroized");
    assertTrue(keyA.key(1).isDestroyed(), "decrypt entry of key A zeroized");
    assertFalse(keyB.key(0).isDestroyed());
    assertFalse(keyB.key(1).isDestroyed());
    assertEquals(2, cache.stats().entryCount());

    cache.getEncryptionMaterials(encryptRequest(TENANT_A, 1));
    cache.getEncryptionMaterials(encryptRequest(TENANT_B, 1));
    assertEquals(2, keyA.encryptCalls.get(), "tenant A needs a new data key");
    assertEquals(1, keyB.encryptCalls.get(), "tenant B still hits");
  }

  @Test
  void invalidateWrappedBy_otherProviderOrPrefix_evictsNothing() {
    CachingMaterialsManager cache = cache();
    cache.getEncryptionMaterials(encryptRequest(TENANT_A, 1));
    assertEquals(0, cache.invalidateWrappedBy("other-namespace", "tenant-a/"));
    assertEquals(0, cache.invalidateWrappedBy("local", "tenant-c/"));
    assertEquals(0, cache.invalidateWrappedBy("local", "tenant-a/key-1-and-more"));
    assertFalse(keyA.key(0).isDestroyed());
    assertEquals(1, cache.invalidateWrappedBy("local", ""), "an empty prefix matches the namespace");
    assertTrue(keyA.key(0).isDestroyed());
  }

  @Test
  void invalidateIf_decryptEntry_testedWithAllEdksOfTheMessage() {
    Keyring multi = MultiKeyring.of(keyA, keyB);
    CachingMaterialsManager cache =
        CachingMaterialsManager.builder().keyring(multi).maxAge(Duration.ofMinutes(5)).build();
    EncryptionMaterials m = cache.getEncryptionMaterials(encryptRequest(TENANT_A, 1));
    assertEquals(2, m.encryptedDataKeys().size());
    cache.getDecryptionMaterials(decryptRequest(m, CacheFixtures.REQUIRE, EncryptionContext.empty()));

    List<List<EncryptedDataKey>> seen = new ArrayList<>();
    int evicted = cache.invalidateIf(edks -> {
      seen.add(edks);
      return edks.stream().anyMatch(e -> e.providerInfoUtf8().startsWith("tenant-b/"));
    });
    assertEquals(2, evicted, "both entries carry an EDK under key B");
    assertEquals(2, seen.size());
    for (List<EncryptedDataKey> edks : seen) {
      assertEquals(m.encryptedDataKeys().size(), edks.size());
      assertTrue(edks.containsAll(m.encryptedDataKeys()));
    }
    assertEquals(0, cache.stats().entryCount());
  }

  @Test
  void invalidateAll_zeroizesEveryEntry() {
    CachingMaterialsManager cache = cache();
    EncryptionMaterials a = cache.getEncryptionMaterials(encryptRequest(TENANT_A, 1));
    cache.getEncryptionMaterials(encryptRequest(TENANT_B, 1));
    cache.getDecryptionMaterials(decryptRequest(a, CacheFixtures.REQUIRE, EncryptionContext.empty()));

    assertEquals(3, cache.invalidateAll());

    assertTrue(keyA.key(0).isDestroyed());
    assertTrue(keyA.key(1).isDestroyed());
    assertTrue(keyB.key(0).isDestroyed());
    assertFalse(a.dataKey().orElseThrow().isDestroyed(), "handed-out copies belong to their callers");
    CacheStats stats = cache.stats();
    assertEquals(0, stats.entryCount());
    assertEquals(3, stats.evictionCount());
  }

  @Test
  void invalidateAll_duringLoad_loadedMaterialsAreNotCached() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountingKeyring counting = new CountingKeyring(aes("local", "k"));
    Keyring gated = new Keyring() {
      @Override
      public EncryptionMaterials onEncrypt(EncryptionMaterials materials) {
        if (counting.encryptCalls.get() == 0) {
          entered.countDown();
          try {
            release.await(20, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return counting.onEncrypt(materials);
      }

      @Override
      public DecryptionMaterials onDecrypt(DecryptionMaterials materials, List<EncryptedDataKey> keys) {
        return counting.onDecrypt(materials, keys);
      }
    };
    CachingMaterialsManager cache =
        CachingMaterialsManager.builder().keyring(gated).maxAge(Duration.ofMinutes(5)).build();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<EncryptionMaterials> load =
          pool.submit(() -> cache.getEncryptionMaterials(encryptRequest(TENANT_A, 1)));
      assertTrue(entered.await(20, TimeUnit.SECONDS));
      cache.invalidateAll(); // e.g. the master key was disabled while the load was running
      release.countDown();
      EncryptionMaterials loaded = load.get(20, TimeUnit.SECONDS);
      assertTrue(loaded.hasDataKey(), "the caller that loaded still gets its materials");
      assertEquals(0, cache.stats().entryCount());
      cache.getEncryptionMaterials(encryptRequest(TENANT_A, 1));
      assertEquals(2, counting.encryptCalls.get(), "the next request loads afresh");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void invalidateIf_predicateCallingTheCache_doesNotDeadlock() {
    CachingMaterialsManager cache = cache();
    cache.getEncryptionMaterials(encryptRequest(TENANT_A, 1));
    int evicted = cache.invalidateIf(edks -> cache.stats().entryCount() == 1);
    assertEquals(1, evicted);
  }

  @Test
  void stats_scriptedSequence_countsHitsMissesBypassesAndEvictions() {
    CachingMaterialsManager cache =
        CachingMaterialsManager.builder()
            .materialsManager(byTenant)
            .maxAge(Duration.ofSeconds(10))
            .messageUseLimit(2)
            .byteUseLimit(100)
            .ticker(ticker)
            .build();
    cache.getEncryptionMaterials(encryptRequest(TENANT_A, 1)); // miss
    cache.getEncryptionMaterials(encryptRequest(TENANT_A, 1)); // hit
    cache.getEncryptionMaterials(encryptRequest(TENANT_A, 1)); // message limit: eviction + miss
    cache.getEncryptionMaterials(encryptRequest(TENANT_A, 101)); // bypass: longer than the byte limit
    cache.getEncryptionMaterials(encryptRequest(TENANT_A, -1)); // bypass: unknown length, finite limit
    cache.getEncryptionMaterials(
        encryptRequest(TENANT_B, CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT,
            AlgorithmSuite.AES_128_GCM_IV12_TAG16_NO_KDF, 1)); // bypass: no KDF
    cache.getEncryptionMaterials(encryptRequest(TENANT_B, 1)); // miss
    ticker.advance(Duration.ofSeconds(10)); // both entries expire

    CacheStats stats = cache.stats();
    assertEquals(1, stats.hitCount());
    assertEquals(3, stats.missCount());
    assertEquals(3, stats.bypassCount());
    assertEquals(3, stats.evictionCount());
    assertEquals(0, stats.entryCount());
    assertEquals(
        keyA.encryptCalls.get() + keyB.encryptCalls.get(), stats.missCount() + stats.bypassCount());
    assertTrue(stats.toString().contains("hits=1"), stats.toString());
  }
}
