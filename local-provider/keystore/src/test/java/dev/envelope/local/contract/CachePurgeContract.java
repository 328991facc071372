package dev.envelope.local.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.envelope.AlgorithmSuite;
import dev.envelope.DecryptionMaterials;
import dev.envelope.DecryptionMaterialsRequest;
import dev.envelope.EncryptionContext;
import dev.envelope.EncryptionMaterials;
import dev.envelope.EncryptionMaterialsRequest;
import dev.envelope.Envelope;
import dev.envelope.MaterialsManager;
import dev.envelope.cache.CacheStats;
import dev.envelope.cache.CachingMaterialsManager;
import dev.envelope.local.AuditEvent;
import dev.envelope.local.AuditOutcome;
import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.KeyDisabledException;
import dev.envelope.local.KeyOperation;
import dev.envelope.local.KeyPendingDestructionException;
import dev.envelope.local.KeyStateListener;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.local.LocalKeyring;
import dev.envelope.materials.DefaultMaterialsManager;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Incident response end to end: Envelope → CachingMaterialsManager → LocalKeyring, with the key
 * store's state listener purging the cache ({@link KeyStateListener#purging}). Disabling a key
 * must stop the cache from serving data keys wrapped under it (the key store then refuses the
 * next use), and leave other keys' entries alone.
 */
public abstract class CachePurgeContract extends StoreContract {
  private static final EncryptionContext TENANT_A = EncryptionContext.of("tenant", "a");
  private static final EncryptionContext TENANT_B = EncryptionContext.of("tenant", "b");

  private final MutableClock clock = new MutableClock();
  private final List<AuditEvent> audit = new CopyOnWriteArrayList<>();
  private LocalKeyStore store;
  private CachingMaterialsManager cache;
  private Envelope envelope;

  /**
   * Keys "a" and "b" in one store, one cache in front of both: requests go to the key named by
   * the context's tenant.
   */
  @BeforeEach
  void setUp() {
    store = builder().clock(clock).auditListener(audit::add).create();
    store.createKey(CreateKeyRequest.withAlias("a"));
    store.createKey(CreateKeyRequest.withAlias("b"));
    MaterialsManager a = new DefaultMaterialsManager(store.keyring("a"));
    MaterialsManager b = new DefaultMaterialsManager(store.keyring("b"));
    MaterialsManager router = new MaterialsManager() {
      @Override
      public EncryptionMaterials getEncryptionMaterials(EncryptionMaterialsRequest request) {
        return (isA(request.encryptionContext()) ? a : b).getEncryptionMaterials(request);
      }

      @Override
      public DecryptionMaterials getDecryptionMaterials(DecryptionMaterialsRequest request) {
        return (isA(request.storedContext()) ? a : b).getDecryptionMaterials(request);
      }
    };
    cache = CachingMaterialsManager.builder().materialsManager(router).maxAge(Duration.ofHours(1)).build();
    envelope = Envelope.builder().materialsManager(cache).algorithmSuite(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY).build();
  }

  private static boolean isA(EncryptionContext context) {
    return context.get("tenant").orElseThrow().equals("a");
  }

  @org.junit.jupiter.api.AfterEach
  void tearDown() {
    store.close();
  }

  private List<AuditOutcome> outcomes(KeyOperation op, String keyId) {
    return audit.stream()
        .filter(e -> e.operation() == op && e.keyId().filter(keyId::equals).isPresent())
        .map(AuditEvent::outcome)
        .collect(Collectors.toList());
  }

  @Test
  void disableKey_purgesItsEncryptAndDecryptEntriesAndTheNextUseIsRefused() {
    store.addKeyStateListener(KeyStateListener.purging(cache));
    String a = store.describeKey("a").keyId();
    byte[] messageA = envelope.encrypt(new byte[] {1}, TENANT_A);
    envelope.encrypt(new byte[] {2}, TENANT_A); // served from the cache
    byte[] messageB = envelope.encrypt(new byte[] {3}, TENANT_B);
    envelope.decrypt(messageA, TENANT_A);
    envelope.decrypt(messageB, TENANT_B);
    CacheStats before = cache.stats();
    assertEquals(4, before.entryCount()); // encrypt a, encrypt b, decrypt a, decrypt b
    assertEquals(1, before.hitCount());
    assertEquals(List.of(AuditOutcome.SUCCESS), outcomes(KeyOperation.GENERATE, a));

    store.disableKey("a");

    CacheStats after = cache.stats();
    assertEquals(2, after.entryCount());
    assertEquals(before.evictionCount() + 2, after.evictionCount());
    // The next encrypt reaches the key store, which refuses, instead of reusing the cached data key.
    assertThrows(KeyDisabledException.class, () -> envelope.encrypt(new byte[] {4}, TENANT_A));
    assertEquals(List.of(AuditOutcome.SUCCESS, AuditOutcome.DENIED), outcomes(KeyOperation.GENERATE, a));
    assertThrows(KeyDisabledException.class, () -> envelope.decrypt(messageA, TENANT_A));
    assertEquals(AuditOutcome.DENIED, outcomes(KeyOperation.DECRYPT, a).get(outcomes(KeyOperation.DECRYPT, a).size() - 1));
    // Key b's entries were left alone: both are hits.
    envelope.encrypt(new byte[] {5}, TENANT_B);
    assertArrayEquals(new byte[] {3}, envelope.decrypt(messageB, TENANT_B).plaintext());
    assertEquals(after.hitCount() + 2, cache.stats().hitCount());
  }

  /** The hazard the listener exists for: without it, a disabled key's cached data key keeps serving. */
  @Test
  void disableKey_withoutPurgingListener_cacheKeepsServingTheDisabledKeysDataKey() {
    envelope.encrypt(new byte[] {1}, TENANT_A);

    store.disableKey("a");

    envelope.encrypt(new byte[] {2}, TENANT_A);
    assertEquals(1, cache.stats().hitCount());
    assertEquals(1, cache.stats().entryCount());
  }

  @Test
  void scheduleDestruction_purgesAsDisableDoes() {
    store.addKeyStateListener(KeyStateListener.purging(cache));
    envelope.encrypt(new byte[] {1}, TENANT_A);
    envelope.encrypt(new byte[] {1}, TENANT_B);

    store.scheduleDestruction("a", Duration.ofDays(7));

    assertEquals(1, cache.stats().entryCount());
    assertThrows(KeyPendingDestructionException.class, () -> envelope.encrypt(new byte[] {2}, TENANT_A));
  }

  @Test
  void enableKey_purgesNothing() {
    store.addKeyStateListener(KeyStateListener.purging(cache));
    store.disableKey("a");
    store.enableKey("a");
    envelope.encrypt(new byte[] {1}, TENANT_A);
    envelope.encrypt(new byte[] {1}, TENANT_B);

    store.disableKey("b");
    store.enableKey("b");

    // Disabling b purged b's entry; enabling it again purged nothing more.
    assertEquals(1, cache.stats().entryCount());
    envelope.encrypt(new byte[] {2}, TENANT_A);
    assertEquals(1, cache.stats().hitCount());
  }

  @Test
  void disableByAnotherProcess_purgesAtTheLatestWhenThisProcessNextListsItsKeys() {
    store.addKeyStateListener(KeyStateListener.purging(cache));
    envelope.encrypt(new byte[] {1}, TENANT_A);
    assertEquals(1, cache.stats().entryCount());
    try (LocalKeyStore admin = builder().open()) {
      admin.disableKey("a");
    }
    // A directory store sees the change at its next read; PostgreSQL's NOTIFY may deliver it
    // sooner, so the entry may be gone already (the contract: at the latest on the next use).

    store.listKeys();

    assertEquals(0, cache.stats().entryCount());
    assertThrows(KeyDisabledException.class, () -> envelope.encrypt(new byte[] {2}, TENANT_A));
  }
}
