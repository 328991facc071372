package dev.envelope.cache;

import static dev.envelope.cache.CacheFixtures.aes;
import static dev.envelope.cache.CacheFixtures.decryptRequest;
import static dev.envelope.cache.CacheFixtures.encryptRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.envelope.DataKey;
import dev.envelope.DecryptionMaterials;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionContext;
import dev.envelope.EncryptionMaterials;
import dev.envelope.Keyring;
import dev.envelope.KeyProviderException;
import dev.envelope.cache.CacheFixtures.CountingKeyring;
import dev.envelope.materials.DefaultMaterialsManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Concurrent misses for one entry make one underlying call; other entries are not held up. */
class CacheSingleFlightTest {
  private static final int THREADS = 32;
  private static final EncryptionContext SLOW = EncryptionContext.of("tenant", "slow");

  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);

  @AfterEach
  void shutdown() throws InterruptedException {
    pool.shutdownNow();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
  }

  /**
   * Blocks keyring calls for the context {@code tenant=slow} until released, so every other thread
   * has time to miss the same cold entry; optionally fails them.
   */
  private static final class GatedKeyring implements Keyring {
    final Keyring inner = aes("ns", "key");
    final AtomicInteger encryptCalls = new AtomicInteger();
    final AtomicInteger decryptCalls = new AtomicInteger();
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    volatile boolean fail;

    private void gate(EncryptionContext context) {
      if (!context.get("tenant").orElse("").equals("slow")) {
        return;
      }
      entered.countDown();
      try {
        if (!release.await(20, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the test never released the keyring");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      if (fail) {
        throw new KeyProviderException("the key source is down");
      }
    }

    int calls() {
      return encryptCalls.get() + decryptCalls.get();
    }

    @Override
    public EncryptionMaterials onEncrypt(EncryptionMaterials materials) {
      encryptCalls.incrementAndGet();
      gate(materials.encryptionContext());
      return inner.onEncrypt(materials);
    }

    @Override
    public DecryptionMaterials onDecrypt(DecryptionMaterials materials, List<EncryptedDataKey> keys) {
      decryptCalls.incrementAndGet();
      gate(materials.encryptionContext());
      return inner.onDecrypt(materials, keys);
    }
  }

  private static CachingMaterialsManager cache(Keyring keyring) {
    return CachingMaterialsManager.builder().keyring(keyring).maxAge(Duration.ofMinutes(1)).build();
  }

  private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting until " + what);
      }
      Thread.sleep(1);
    }
  }

  /** Starts {@code THREADS} copies of {@code task}, lets the first into the keyring, waits for the rest to queue. */
  private <T> List<Future<T>> missTogether(
      CachingMaterialsManager cache, GatedKeyring keyring, Callable<T> task) throws Exception {
    List<Future<T>> futures = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      futures.add(pool.submit(task));
    }
    assertTrue(keyring.entered.await(20, TimeUnit.SECONDS));
    awaitTrue(
        () -> cache.waitingCallers() == THREADS - 1 || keyring.calls() > 1,
        "31 callers wait for the load (or a second one reaches the keyring)");
    assertEquals(1, keyring.calls(), "only one caller reaches the keyring");
    return futures;
  }

  @Test
  void encrypt_32ConcurrentMissesOnColdEntry_oneKeyringCall() throws Exception {
    GatedKeyring keyring = new GatedKeyring();
    CachingMaterialsManager cache = cache(keyring);
    List<Future<EncryptionMaterials>> futures =
        missTogether(cache, keyring, () -> cache.getEncryptionMaterials(encryptRequest(SLOW, 100)));
    assertEquals(1, keyring.encryptCalls.get());
    keyring.release.countDown();

    IdentityHashMap<DataKey, Boolean> distinct = new IdentityHashMap<>();
    List<EncryptedDataKey> edks = null;
    for (Future<EncryptionMaterials> f : futures) {
      EncryptionMaterials m = f.get(20, TimeUnit.SECONDS);
      distinct.put(m.dataKey().orElseThrow(), true);
      if (edks == null) {
        edks = m.encryptedDataKeys();
      }
      assertEquals(edks, m.encryptedDataKeys(), "every caller gets the one loaded entry");
    }
    assertEquals(1, keyring.encryptCalls.get());
    assertEquals(THREADS, distinct.size(), "every caller gets its own data key copy");
    CacheStats stats = cache.stats();
    assertEquals(1, stats.missCount());
    assertEquals(THREADS - 1, stats.hitCount());
  }

  @Test
  void decrypt_32ConcurrentMissesOnColdEntry_oneKeyringCall() throws Exception {
    // Same wrapping key as the gated keyring, without the gate.
    EncryptionMaterials m =
        new DefaultMaterialsManager(aes("ns", "key")).getEncryptionMaterials(encryptRequest(SLOW, 1));
    GatedKeyring gated = new GatedKeyring();
    CachingMaterialsManager cache = cache(gated);

    List<Future<DecryptionMaterials>> futures =
        missTogether(cache, gated, () -> cache.getDecryptionMaterials(
            decryptRequest(m, CacheFixtures.REQUIRE, EncryptionContext.empty())));
    gated.release.countDown();
    for (Future<DecryptionMaterials> f : futures) {
      assertTrue(f.get(20, TimeUnit.SECONDS).dataKey().orElseThrow().sameKeyAs(m.dataKey().orElseThrow()));
    }
    assertEquals(1, gated.decryptCalls.get());
    assertEquals(1, cache.stats().missCount());
  }

  @Test
  void encrypt_slowLoadOfOneEntry_doesNotBlockOtherEntries() throws Exception {
    GatedKeyring keyring = new GatedKeyring();
    CachingMaterialsManager cache = cache(keyring);
    Future<EncryptionMaterials> slow =
        pool.submit(() -> cache.getEncryptionMaterials(encryptRequest(SLOW, 1)));
    assertTrue(keyring.entered.await(20, TimeUnit.SECONDS));

    EncryptionMaterials fast =
        pool.submit(() -> cache.getEncryptionMaterials(encryptRequest(EncryptionContext.of("tenant", "fast"), 1)))
            .get(20, TimeUnit.SECONDS);
    assertTrue(fast.hasDataKey());
    assertFalse(slow.isDone(), "the slow load is still held in the keyring");
    // Stats and invalidation do not wait for the slow load either.
    assertEquals(1, cache.stats().entryCount());
    keyring.release.countDown();
    assertTrue(slow.get(20, TimeUnit.SECONDS).hasDataKey());
  }

  @Test
  void encrypt_loadFails_everyWaiterGetsTheFailureAndNothingIsCached() throws Exception {
    GatedKeyring keyring = new GatedKeyring();
    keyring.fail = true;
    CachingMaterialsManager cache = cache(keyring);
    List<Future<EncryptionMaterials>> futures =
        missTogether(cache, keyring, () -> cache.getEncryptionMaterials(encryptRequest(SLOW, 1)));
    keyring.release.countDown();
    Set<Throwable> failures = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    for (Future<EncryptionMaterials> f : futures) {
      try {
        f.get(20, TimeUnit.SECONDS);
        fail("a waiter got materials from a failed load");
      } catch (java.util.concurrent.ExecutionException e) {
        assertTrue(e.getCause() instanceof KeyProviderException, e.getCause().toString());
        failures.add(e.getCause());
      }
    }
    assertEquals(1, keyring.encryptCalls.get(), "a failing key source is called once, not 32 times");
    assertEquals(1, failures.size(), "waiters see the loader's exception");
    assertEquals(0, cache.stats().entryCount());

    keyring.fail = false;
    assertTrue(cache.getEncryptionMaterials(encryptRequest(SLOW, 1)).hasDataKey());
    assertEquals(2, keyring.encryptCalls.get(), "failures are not cached");
  }

  @Test
  void waiter_interrupted_failsWithKeyProviderExceptionAndKeepsInterruptFlag() throws Exception {
    GatedKeyring keyring = new GatedKeyring();
    CachingMaterialsManager cache = cache(keyring);
    Future<EncryptionMaterials> loader =
        pool.submit(() -> cache.getEncryptionMaterials(encryptRequest(SLOW, 1)));
    assertTrue(keyring.entered.await(20, TimeUnit.SECONDS));
    AtomicInteger interruptedAfter = new AtomicInteger();
    Thread waiter = new Thread(() -> {
      try {
        cache.getEncryptionMaterials(encryptRequest(SLOW, 1));
      } catch (KeyProviderException e) {
        interruptedAfter.set(Thread.currentThread().isInterrupted() ? 1 : 2);
      }
    });
    waiter.start();
    awaitTrue(() -> cache.waitingCallers() == 1, "the waiter waits");
    waiter.interrupt();
    waiter.join(20_000);
    assertEquals(1, interruptedAfter.get());
    keyring.release.countDown();
    assertTrue(loader.get(20, TimeUnit.SECONDS).hasDataKey());
    assertEquals(1, keyring.encryptCalls.get());
  }

  /** One message's data key (identified by its encrypted copies) and length. */
  private static final class Use {
    final List<EncryptedDataKey> edks;
    final long length;

    Use(List<EncryptedDataKey> edks, long length) {
      this.edks = edks;
      this.length = length;
    }
  }

  @Test
  void encrypt_manyThreadsSharingEntries_neverPassMessageOrByteLimits() throws Exception {
    CountingKeyring keyring = new CountingKeyring(aes("ns", "key"));
    long byteLimit = 1_000;
    long messageLimit = 7;
    CachingMaterialsManager cache =
        CachingMaterialsManager.builder()
            .keyring(keyring)
            .maxAge(Duration.ofMinutes(1))
            .messageUseLimit(messageLimit)
            .byteUseLimit(byteLimit)
            .capacity(2)
            .build();
    int perThread = 300;
    List<Future<List<Use>>> futures = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      int seed = t;
      futures.add(pool.submit(() -> {
        List<Use> uses = new ArrayList<>();
        java.util.Random random = new java.util.Random(seed);
        for (int i = 0; i < perThread; i++) {
          EncryptionContext ctx = EncryptionContext.of("tenant", "t" + random.nextInt(3));
          long length = random.nextInt(400);
          EncryptionMaterials m = cache.getEncryptionMaterials(encryptRequest(ctx, length));
          uses.add(new Use(m.encryptedDataKeys(), length));
          m.dataKey().orElseThrow().close();
        }
        return uses;
      }));
    }
    java.util.Map<List<EncryptedDataKey>, long[]> perKey = new java.util.HashMap<>();
    for (Future<List<Use>> f : futures) {
      for (Use use : f.get(60, TimeUnit.SECONDS)) {
        long[] totals = perKey.computeIfAbsent(use.edks, k -> new long[2]);
        totals[0]++;
        totals[1] += use.length;
      }
    }
    for (long[] totals : perKey.values()) {
      assertTrue(totals[0] <= messageLimit, "messages per data key: " + totals[0]);
      assertTrue(totals[1] <= byteLimit, "bytes per data key: " + totals[1]);
    }
    assertEquals(perKey.size(), keyring.encryptCalls.get(), "one keyring call per data key");
    assertTrue(perKey.size() < 8 * perThread, "the cache served some requests");
    CacheStats stats = cache.stats();
    assertEquals(8 * perThread, stats.hitCount() + stats.missCount());
  }
}
