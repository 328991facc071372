package dev.envelope.cache;

import static dev.envelope.cache.CacheFixtures.REQUIRE;
import static dev.envelope.cache.CacheFixtures.S0478;
import static dev.envelope.cache.CacheFixtures.aes;
import static dev.envelope.cache.CacheFixtures.encryptRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.AlgorithmSuite;
import dev.envelope.CommitmentPolicy;
import dev.envelope.EncryptionContext;
import dev.envelope.EncryptionMaterials;
import dev.envelope.EncryptionMaterialsRequest;
import dev.envelope.cache.CacheFixtures.CountingKeyring;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The manager reuses the key of its last encrypt (and decrypt) lookup while requests ask for the
 * same thing;
 * requests that differ in any field still get their own entries, however they alternate.
 */
class CacheKeyReuseTest {
  private final CountingKeyring keyring = new CountingKeyring(aes("ns", "key"));
  private final CachingMaterialsManager cache =
      CachingMaterialsManager.builder().keyring(keyring).maxAge(Duration.ofMinutes(1)).build();

  private EncryptionMaterials get(EncryptionMaterialsRequest request) {
    EncryptionMaterials m = cache.getEncryptionMaterials(request);
    m.dataKey().orElseThrow().close();
    return m;
  }

  @Test
  void alternatingRequests_eachKeepsItsOwnEntry() {
    EncryptionContext a = EncryptionContext.of("tenant", "a");
    List<EncryptionMaterialsRequest> requests = new ArrayList<>();
    requests.add(encryptRequest(a, REQUIRE, S0478, 1));
    requests.add(encryptRequest(EncryptionContext.of("tenant", "b"), REQUIRE, S0478, 1));
    requests.add(encryptRequest(a, REQUIRE, AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384, 1));
    requests.add(encryptRequest(a, CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT, S0478, 1));
    requests.add(
        EncryptionMaterialsRequest.builder(a, REQUIRE)
            .algorithmSuite(S0478)
            .requiredContextKeys(Set.of("tenant"))
            .maxPlaintextLength(1)
            .build());
    List<EncryptionMaterials> first = new ArrayList<>();
    for (EncryptionMaterialsRequest r : requests) {
      first.add(get(r));
    }
    assertEquals(requests.size(), keyring.calls());
    for (int round = 0; round < 3; round++) {
      for (int i = requests.size() - 1; i >= 0; i--) {
        EncryptionMaterials m = get(requests.get(i));
        assertEquals(first.get(i).encryptedDataKeys(), m.encryptedDataKeys(), "request " + i);
        assertEquals(requests.get(i).encryptionContext(), m.encryptionContext().removeKeys(
            Set.of(EncryptionContext.PUBLIC_KEY_FIELD)));
      }
    }
    assertEquals(requests.size(), keyring.calls());
    assertEquals(requests.size(), cache.stats().missCount());
    assertEquals(3L * requests.size(), cache.stats().hitCount());
  }

  @Test
  void equalContextInAnotherObject_hitsTheSameEntry() {
    EncryptionMaterials m1 = get(encryptRequest(EncryptionContext.of("k", "v", "l", "w"), 1));
    EncryptionContext rebuilt = EncryptionContext.builder().put("l", "w").put("k", "v").build();
    EncryptionMaterials m2 = get(encryptRequest(rebuilt, 1));
    assertEquals(1, keyring.calls());
    assertEquals(m1.encryptedDataKeys(), m2.encryptedDataKeys());
  }

  @Test
  void decrypt_alternatingMessages_eachKeepsItsOwnEntry_andEqualCopiesHit() {
    EncryptionContext a = EncryptionContext.of("tenant", "a");
    EncryptionMaterials ma = get(encryptRequest(a, 1));
    EncryptionMaterials mb = get(encryptRequest(EncryptionContext.of("tenant", "b"), 1));
    List<dev.envelope.DecryptionMaterialsRequest> requests = new ArrayList<>();
    requests.add(CacheFixtures.decryptRequest(ma, REQUIRE, EncryptionContext.empty()));
    requests.add(CacheFixtures.decryptRequest(mb, REQUIRE, EncryptionContext.empty()));
    requests.add(CacheFixtures.decryptRequest(ma, REQUIRE, a)); // another reproduced context
    requests.add(CacheFixtures.decryptRequest(ma, CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT, a));
    int before = keyring.calls();
    List<dev.envelope.DataKey> keys = new ArrayList<>();
    for (dev.envelope.DecryptionMaterialsRequest r : requests) {
      keys.add(cache.getDecryptionMaterials(r).dataKey().orElseThrow());
    }
    assertEquals(before + requests.size(), keyring.calls());
    for (int round = 0; round < 3; round++) {
      for (int i = requests.size() - 1; i >= 0; i--) {
        dev.envelope.DecryptionMaterialsRequest r = requests.get(i);
        // A fresh request with equal content, as a second read of the same message makes.
        dev.envelope.DecryptionMaterialsRequest copy =
            dev.envelope.DecryptionMaterialsRequest.of(
                r.algorithmSuite(), r.commitmentPolicy(), copies(r.encryptedDataKeys()),
                EncryptionContext.from(r.storedContext().asMap()),
                EncryptionContext.from(r.reproducedContext().asMap()));
        dev.envelope.DataKey k = cache.getDecryptionMaterials(copy).dataKey().orElseThrow();
        assertTrue(k.sameKeyAs(keys.get(i)), "request " + i);
        k.close();
      }
    }
    assertEquals(before + requests.size(), keyring.calls());
    assertTrue(keys.get(0).sameKeyAs(keys.get(2)) && !keys.get(0).sameKeyAs(keys.get(1)));
  }

  private static List<dev.envelope.EncryptedDataKey> copies(List<dev.envelope.EncryptedDataKey> edks) {
    List<dev.envelope.EncryptedDataKey> out = new ArrayList<>();
    for (dev.envelope.EncryptedDataKey e : edks) {
      out.add(dev.envelope.EncryptedDataKey.of(e.providerId(), e.providerInfo(), e.ciphertext()));
    }
    return out;
  }

  @Test
  void keyOfLastLookup_matchesOnlyItsOwnFields() {
    EncryptionContext ctx = EncryptionContext.of("k", "v");
    EntryKey key = EntryKey.encrypt("p", S0478, REQUIRE, Set.of(), ctx);
    assertTrue(key.isEncryptFor(S0478, REQUIRE, Set.of(), EncryptionContext.of("k", "v")));
    assertFalse(key.isEncryptFor(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384, REQUIRE, Set.of(), ctx));
    assertFalse(key.isEncryptFor(S0478, CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT, Set.of(), ctx));
    assertFalse(key.isEncryptFor(S0478, REQUIRE, Set.of("k"), ctx));
    assertFalse(key.isEncryptFor(S0478, REQUIRE, Set.of(), EncryptionContext.of("k", "w")));
    EntryKey decrypt = EntryKey.decrypt("p", S0478, REQUIRE, List.of(), ctx, EncryptionContext.empty());
    assertFalse(decrypt.isEncryptFor(S0478, REQUIRE, Set.of(), ctx));
    assertFalse(key.isDecryptFor(S0478, REQUIRE, List.of(), ctx, EncryptionContext.empty()));
  }

  @Test
  void decryptKeyOfLastLookup_matchesOnlyItsOwnFields() {
    EncryptionContext ctx = EncryptionContext.of("k", "v");
    EncryptionContext none = EncryptionContext.empty();
    dev.envelope.EncryptedDataKey e1 = dev.envelope.EncryptedDataKey.of("ns", "k1", new byte[] {1});
    dev.envelope.EncryptedDataKey e2 = dev.envelope.EncryptedDataKey.of("ns", "k2", new byte[] {2});
    EntryKey key = EntryKey.decrypt("p", S0478, REQUIRE, List.of(e1, e2), ctx, none);
    assertTrue(key.isDecryptFor(S0478, REQUIRE,
        List.of(dev.envelope.EncryptedDataKey.of("ns", "k1", new byte[] {1}), e2), EncryptionContext.of("k", "v"), none));
    AlgorithmSuite p384 = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384;
    assertFalse(key.isDecryptFor(p384, REQUIRE, List.of(e1, e2), ctx, none));
    assertFalse(key.isDecryptFor(S0478, CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT, List.of(e1, e2), ctx, none));
    assertFalse(key.isDecryptFor(S0478, REQUIRE, List.of(e2, e1), ctx, none));
    assertFalse(key.isDecryptFor(S0478, REQUIRE, List.of(e1), ctx, none));
    assertFalse(key.isDecryptFor(S0478, REQUIRE, List.of(e1, e2), none, none));
    assertFalse(key.isDecryptFor(S0478, REQUIRE, List.of(e1, e2), ctx, ctx));
  }
}
