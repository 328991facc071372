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
 * The manager reuses the key of its last encrypt lookup while requests ask for the same thing;
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
  }
}
