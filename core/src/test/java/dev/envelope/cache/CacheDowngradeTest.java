package dev.envelope.cache;

import static dev.envelope.cache.CacheFixtures.aes;
import static dev.envelope.cache.CacheFixtures.decryptRequest;
import static dev.envelope.cache.CacheFixtures.encryptRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.AlgorithmSuite;
import dev.envelope.CommitmentPolicy;
import dev.envelope.DataKey;
import dev.envelope.DecryptionMaterials;
import dev.envelope.DecryptionMaterialsRequest;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionContext;
import dev.envelope.EncryptionMaterials;
import dev.envelope.EncryptionMaterialsRequest;
import dev.envelope.MaterialsManager;
import dev.envelope.PolicyViolationException;
import dev.envelope.cache.CacheFixtures.CountingKeyring;
import dev.envelope.materials.DefaultMaterialsManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A cache hit never hands a request a suite or commitment policy other than its own. */
class CacheDowngradeTest {
  private static final EncryptionContext CTX = EncryptionContext.of("tenant", "acme");

  private final CountingKeyring keyring = new CountingKeyring(aes("ns", "key"));

  private CachingMaterialsManager cache(MaterialsManager underlying) {
    return CachingMaterialsManager.builder()
        .materialsManager(underlying)
        .maxAge(Duration.ofMinutes(1))
        .build();
  }

  /** One cacheable request shape: a policy and a suite (null = none requested). */
  private static final class Shape {
    final CommitmentPolicy policy;
    final AlgorithmSuite requested;

    Shape(CommitmentPolicy policy, AlgorithmSuite requested) {
      this.policy = policy;
      this.requested = requested;
    }

    AlgorithmSuite resolved() {
      return requested != null ? requested : policy.defaultSuite();
    }

    EncryptionMaterialsRequest request() {
      return encryptRequest(CTX, policy, requested, 1);
    }

    @Override
    public String toString() {
      return policy + "/" + (requested == null ? "default" : requested.idHex());
    }
  }

  private static List<Shape> allShapes() {
    List<Shape> shapes = new ArrayList<>();
    for (CommitmentPolicy policy : CommitmentPolicy.values()) {
      shapes.add(new Shape(policy, null));
      for (AlgorithmSuite suite : AlgorithmSuite.values()) {
        if (suite.isCacheSafe() && policy.allowsEncrypt(suite)) {
          shapes.add(new Shape(policy, suite));
        }
      }
    }
    return shapes;
  }

  @Test
  void encrypt_everySuiteAndPolicy_entriesSharedOnlyBySameResolvedSuiteAndPolicy() {
    CachingMaterialsManager cache = cache(new DefaultMaterialsManager(keyring));
    List<Shape> shapes = allShapes();
    Map<String, List<EncryptedDataKey>> edksByEntry = new HashMap<>();
    for (int round = 0; round < 2; round++) {
      for (Shape shape : shapes) {
        EncryptionMaterials m = cache.getEncryptionMaterials(shape.request());
        assertEquals(shape.resolved(), m.algorithmSuite(), shape.toString());
        assertTrue(shape.policy.allowsEncrypt(m.algorithmSuite()), shape.toString());
        String entry = shape.policy + "/" + shape.resolved().idHex();
        List<EncryptedDataKey> previous = edksByEntry.putIfAbsent(entry, m.encryptedDataKeys());
        if (previous != null) {
          assertEquals(previous, m.encryptedDataKeys(), shape + " must reuse its entry");
        }
        m.dataKey().orElseThrow().close();
      }
    }
    // Distinct (policy, resolved suite) pairs have distinct data keys.
    List<List<EncryptedDataKey>> all = new ArrayList<>(edksByEntry.values());
    for (int i = 0; i < all.size(); i++) {
      for (int j = i + 1; j < all.size(); j++) {
        assertNotEquals(all.get(i), all.get(j));
      }
    }
    // FORBID: 6 cacheable version-1 suites; each REQUIRE policy: 0x0478 and 0x0578.
    assertEquals(10, edksByEntry.size());
    assertEquals(10, keyring.encryptCalls.get());
    assertEquals(2 * shapes.size() - 10, cache.stats().hitCount());
  }

  /** A manager whose own default (0x0478) differs from the policy's (0x0578). */
  private final class OtherDefault implements MaterialsManager {
    final DefaultMaterialsManager inner = new DefaultMaterialsManager(keyring);
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public EncryptionMaterials getEncryptionMaterials(EncryptionMaterialsRequest request) {
      calls.incrementAndGet();
      if (request.algorithmSuite().isEmpty()) {
        request = request.toBuilder().algorithmSuite(CacheFixtures.S0478).build();
      }
      return inner.getEncryptionMaterials(request);
    }

    @Override
    public DecryptionMaterials getDecryptionMaterials(DecryptionMaterialsRequest request) {
      return inner.getDecryptionMaterials(request);
    }
  }

  @Test
  void encrypt_underlyingPicksAnotherDefaultSuite_notCachedAndNeverServedToExplicitRequests() {
    OtherDefault underlying = new OtherDefault();
    CachingMaterialsManager cache = cache(underlying);
    CommitmentPolicy policy = CacheFixtures.REQUIRE;
    AlgorithmSuite s0578 = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384;

    EncryptionMaterials noSuite1 = cache.getEncryptionMaterials(encryptRequest(CTX, policy, null, 1));
    EncryptionMaterials noSuite2 = cache.getEncryptionMaterials(encryptRequest(CTX, policy, null, 1));
    assertEquals(CacheFixtures.S0478, noSuite1.algorithmSuite());
    assertEquals(2, underlying.calls.get(), "materials of another suite than the id's are not cached");
    assertNotEquals(noSuite1.encryptedDataKeys(), noSuite2.encryptedDataKeys());

    EncryptionMaterials explicit0578 = cache.getEncryptionMaterials(encryptRequest(CTX, policy, s0578, 1));
    assertEquals(s0578, explicit0578.algorithmSuite());
    EncryptionMaterials explicit0478 =
        cache.getEncryptionMaterials(encryptRequest(CTX, policy, CacheFixtures.S0478, 1));
    assertEquals(4, underlying.calls.get());
    assertNotEquals(noSuite1.encryptedDataKeys(), explicit0478.encryptedDataKeys());
    // A request without a suite now hits the 0x0578 entry, the policy's default: never 0x0478.
    EncryptionMaterials noSuite3 = cache.getEncryptionMaterials(encryptRequest(CTX, policy, null, 1));
    assertEquals(s0578, noSuite3.algorithmSuite());
    assertEquals(explicit0578.encryptedDataKeys(), noSuite3.encryptedDataKeys());
    assertEquals(4, underlying.calls.get());
  }

  /** A manager that ignores the request's suite and policy and returns {@code suite}. */
  private MaterialsManager liar(AlgorithmSuite suite, List<DataKey> returned) {
    return new MaterialsManager() {
      final DefaultMaterialsManager inner = new DefaultMaterialsManager(keyring);

      @Override
      public EncryptionMaterials getEncryptionMaterials(EncryptionMaterialsRequest request) {
        CommitmentPolicy anything =
            suite.isCommitting() ? CacheFixtures.REQUIRE : CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT;
        EncryptionMaterials m =
            inner.getEncryptionMaterials(encryptRequest(request.encryptionContext(), anything, suite, 1));
        returned.add(m.dataKey().orElseThrow());
        return m;
      }

      @Override
      public DecryptionMaterials getDecryptionMaterials(DecryptionMaterialsRequest request) {
        throw new UnsupportedOperationException();
      }
    };
  }

  @Test
  void encrypt_underlyingReturnsOtherSuiteThanRequested_failsClosedAndZeroizes() {
    List<DataKey> returned = new ArrayList<>();
    CachingMaterialsManager cache = cache(liar(CacheFixtures.S0478, returned));
    AlgorithmSuite s0578 = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384;
    PolicyViolationException e =
        assertThrows(
            PolicyViolationException.class,
            () -> cache.getEncryptionMaterials(encryptRequest(CTX, CacheFixtures.REQUIRE, s0578, 1)));
    assertTrue(e.getMessage().contains("0x0478"), e.getMessage());
    assertEquals(1, returned.size());
    assertTrue(returned.get(0).isDestroyed());
    assertEquals(0, cache.stats().entryCount());
  }

  @Test
  void encrypt_underlyingReturnsSuiteThePolicyForbids_failsClosedAndZeroizes() {
    List<DataKey> returned = new ArrayList<>();
    CachingMaterialsManager cache =
        cache(liar(AlgorithmSuite.AES_256_GCM_IV12_TAG16_HKDF_SHA256, returned));
    assertThrows(
        PolicyViolationException.class,
        () -> cache.getEncryptionMaterials(encryptRequest(CTX, CacheFixtures.REQUIRE, null, 1)));
    assertEquals(1, returned.size());
    assertTrue(returned.get(0).isDestroyed());
    assertEquals(0, cache.stats().entryCount());
  }

  @Test
  void encrypt_suiteForbiddenByPolicy_failsBeforeCallingUnderlying() {
    CachingMaterialsManager cache = cache(new DefaultMaterialsManager(keyring));
    assertThrows(
        PolicyViolationException.class,
        () -> cache.getEncryptionMaterials(
            encryptRequest(CTX, CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT, CacheFixtures.S0478, 1)));
    assertThrows(
        PolicyViolationException.class,
        () -> cache.getEncryptionMaterials(
            encryptRequest(CTX, CacheFixtures.REQUIRE, AlgorithmSuite.AES_256_GCM_IV12_TAG16_HKDF_SHA256, 1)));
    assertEquals(0, keyring.calls());
  }

  @Test
  void decrypt_entryLoadedUnderAllowPolicy_neverServedUnderRequireDecrypt() {
    CachingMaterialsManager cache = cache(new DefaultMaterialsManager(keyring));
    AlgorithmSuite v1 = AlgorithmSuite.AES_256_GCM_IV12_TAG16_HKDF_SHA256;
    EncryptionMaterials m =
        cache.getEncryptionMaterials(
            encryptRequest(CTX, CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT, v1, 1));
    DecryptionMaterials allowed =
        cache.getDecryptionMaterials(
            decryptRequest(m, CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT, EncryptionContext.empty()));
    assertEquals(v1, allowed.algorithmSuite());
    assertEquals(1, keyring.decryptCalls.get());

    assertThrows(
        PolicyViolationException.class,
        () -> cache.getDecryptionMaterials(
            decryptRequest(m, CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT, EncryptionContext.empty())));
    assertEquals(1, keyring.decryptCalls.get());

    // Another policy that allows it is another entry.
    cache.getDecryptionMaterials(
        decryptRequest(m, CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT, EncryptionContext.empty()));
    assertEquals(2, keyring.decryptCalls.get());
    cache.getDecryptionMaterials(
        decryptRequest(m, CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT, EncryptionContext.empty()));
    assertEquals(2, keyring.decryptCalls.get());
  }

  @Test
  void decrypt_differentReproducedContextOrEdkOrder_entriesAsExpected() {
    CachingMaterialsManager cache = cache(new DefaultMaterialsManager(keyring));
    EncryptionMaterials m = cache.getEncryptionMaterials(encryptRequest(CTX, 1));
    cache.getDecryptionMaterials(decryptRequest(m, CacheFixtures.REQUIRE, EncryptionContext.empty()));
    DecryptionMaterials withExpected =
        cache.getDecryptionMaterials(decryptRequest(m, CacheFixtures.REQUIRE, CTX));
    assertEquals(2, keyring.decryptCalls.get(), "another reproduced context is another entry");
    assertEquals(CTX, withExpected.encryptionContext());
    cache.getDecryptionMaterials(decryptRequest(m, CacheFixtures.REQUIRE, CTX));
    assertEquals(2, keyring.decryptCalls.get());
  }
}
