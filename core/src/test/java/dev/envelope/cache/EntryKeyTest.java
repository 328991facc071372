package dev.envelope.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.envelope.AlgorithmSuite;
import dev.envelope.CommitmentPolicy;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionContext;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EntryKeyTest {
  private static final String P = "partition";
  private static final AlgorithmSuite S = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
  private static final CommitmentPolicy POLICY = CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT;
  private static final EncryptionContext EC = EncryptionContext.of("a", "1", "b", "2");
  private static final EncryptedDataKey E1 = EncryptedDataKey.of("ns", "k1", new byte[] {1, 2});
  private static final EncryptedDataKey E2 = EncryptedDataKey.of("ns", "k2", new byte[] {3});

  private static EntryKey enc(String p, AlgorithmSuite s, CommitmentPolicy policy, Set<String> req, EncryptionContext ec) {
    return EntryKey.encrypt(p, s, policy, req, ec);
  }

  private static EntryKey enc(EncryptionContext ec) {
    return enc(P, S, POLICY, Set.of(), ec);
  }

  private static EntryKey dec(List<EncryptedDataKey> edks, EncryptionContext stored, EncryptionContext reproduced) {
    return EntryKey.decrypt(P, S, POLICY, edks, stored, reproduced);
  }

  private static void assertSame(EntryKey a, EntryKey b) {
    assertEquals(a, b);
    assertEquals(b, a);
    assertEquals(a.hashCode(), b.hashCode());
  }

  @Test
  void encrypt_everyFieldDistinguishesTheEntry() {
    Set<EntryKey> keys = new HashSet<>();
    keys.add(enc(P, S, POLICY, Set.of(), EC));
    keys.add(enc("other", S, POLICY, Set.of(), EC));
    keys.add(enc(P, AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384, POLICY, Set.of(), EC));
    keys.add(enc(P, S, CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT, Set.of(), EC));
    keys.add(enc(P, S, POLICY, Set.of("a"), EC));
    keys.add(enc(P, S, POLICY, Set.of("a", "b"), EC));
    keys.add(enc(P, S, POLICY, Set.of(), EncryptionContext.of("a", "1", "b", "3")));
    keys.add(enc(P, S, POLICY, Set.of(), EncryptionContext.of("a", "1")));
    keys.add(enc(P, S, POLICY, Set.of(), EncryptionContext.empty()));
    assertEquals(9, keys.size());
  }

  @Test
  void encrypt_equalFieldsInOtherObjectsAndOrder_sameEntry() {
    EncryptionContext reversed = EncryptionContext.builder().put("b", "2").put("a", "1").build();
    assertSame(
        enc(new String(P.toCharArray()), S, POLICY, Set.of("a", "b"), EC),
        enc(P, S, POLICY, Set.of("b", "a"), reversed));
  }

  @Test
  void partition_isolatesOtherwiseEqualRequests() {
    assertNotEquals(enc("tenant-a", S, POLICY, Set.of(), EC), enc("tenant-b", S, POLICY, Set.of(), EC));
    assertNotEquals(
        EntryKey.decrypt("tenant-a", S, POLICY, List.of(E1), EC, EC),
        EntryKey.decrypt("tenant-b", S, POLICY, List.of(E1), EC, EC));
    // A partition id is compared whole: no field boundary to move bytes across.
    assertNotEquals(
        enc("p\0x", S, POLICY, Set.of(), EncryptionContext.empty()),
        enc("p", S, POLICY, Set.of(), EncryptionContext.of("x", "y")));
  }

  @Test
  void decrypt_everyFieldDistinguishesTheEntry() {
    EncryptionContext empty = EncryptionContext.empty();
    Set<EntryKey> keys = new HashSet<>();
    keys.add(dec(List.of(E1, E2), EC, empty));
    keys.add(dec(List.of(E1), EC, empty));
    keys.add(dec(List.of(E1, E2, E2), EC, empty));
    keys.add(dec(List.of(), EC, empty));
    keys.add(dec(List.of(E1, EncryptedDataKey.of("ns", "k2", new byte[] {4})), EC, empty)); // ciphertext
    keys.add(dec(List.of(E1, EncryptedDataKey.of("ns", "k3", new byte[] {3})), EC, empty)); // provider info
    keys.add(dec(List.of(E1, EncryptedDataKey.of("nt", "k2", new byte[] {3})), EC, empty)); // provider id
    keys.add(dec(List.of(E1, E2), empty, EC)); // stored and reproduced are distinct fields
    keys.add(dec(List.of(E1, E2), EC, EncryptionContext.of("c", "3")));
    keys.add(dec(List.of(E1, E2), EncryptionContext.of("a", "1"), empty));
    keys.add(EntryKey.decrypt("other", S, POLICY, List.of(E1, E2), EC, empty));
    keys.add(EntryKey.decrypt(
        P, AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384, POLICY, List.of(E1, E2), EC, empty));
    keys.add(EntryKey.decrypt(P, S, CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT, List.of(E1, E2), EC, empty));
    assertEquals(13, keys.size());
  }

  @Test
  void decrypt_otherEdkOrder_otherEntry() {
    // A keyring opens the first key it can, so another order may give another data key.
    assertNotEquals(dec(List.of(E1, E2), EC, EC), dec(List.of(E2, E1), EC, EC));
  }

  @Test
  void decrypt_sameContentInOtherArrays_sameEntry() {
    EncryptedDataKey e1 = EncryptedDataKey.of(new String("ns".toCharArray()), new byte[] {'k', '1'}, new byte[] {1, 2});
    EncryptedDataKey e2 = EncryptedDataKey.of("ns", "k2".getBytes(java.nio.charset.StandardCharsets.UTF_8), new byte[] {3});
    EncryptionContext stored = EncryptionContext.builder().put("b", "2").put("a", "1").build();
    assertSame(dec(List.of(E1, E2), EC, EncryptionContext.of("x", "y")), dec(List.of(e1, e2), stored, EncryptionContext.of("x", "y")));
  }

  @Test
  void encryptAndDecryptKeys_neverEqual() {
    assertNotEquals(
        enc(EncryptionContext.empty()),
        dec(List.of(), EncryptionContext.empty(), EncryptionContext.empty()));
    assertNotEquals(enc(EC), dec(List.of(), EC, EncryptionContext.empty()));
  }

  @Test
  void collidingHashes_stillDistinctEntries_andAllFound() {
    // "Aa" and "BB" have the same String hash, so 2^6 provider ids built from them all collide:
    // what a hostile header could do. The map must keep them apart and find each (a tree bin,
    // ordered by compareTo).
    java.util.Map<EntryKey, Integer> map = new java.util.LinkedHashMap<>(16, 0.75f, true);
    List<EntryKey> keys = new java.util.ArrayList<>();
    for (int i = 0; i < 64; i++) {
      StringBuilder id = new StringBuilder();
      for (int bit = 0; bit < 6; bit++) {
        id.append((i >>> bit & 1) == 0 ? "Aa" : "BB");
      }
      EntryKey key = dec(List.of(E1, EncryptedDataKey.of(id.toString(), "k", new byte[] {9})), EC, EC);
      keys.add(key);
      map.put(key, i);
    }
    assertEquals(1, keys.stream().mapToInt(EntryKey::hashCode).distinct().count(), "the hashes must collide");
    assertEquals(64, map.size());
    for (int i = 0; i < 64; i++) {
      assertEquals(i, map.get(keys.get(i)));
      EntryKey a = keys.get(i);
      EntryKey b = keys.get(63 - i);
      assertEquals(Integer.signum(a.compareTo(b)), -Integer.signum(b.compareTo(a)));
      assertEquals(a.equals(b), a.compareTo(b) == 0);
    }
  }

  @Test
  void toString_showsNoRequestData() {
    EncryptionContext secretish = EncryptionContext.of("tenant", "value-that-must-not-leak");
    String s = EntryKey.decrypt("partition-name", S, POLICY, List.of(E1), secretish, secretish).toString()
        + enc("partition-name", S, POLICY, Set.of("tenant"), secretish);
    assertFalse(s.contains("value-that-must-not-leak"), s);
    assertFalse(s.contains("tenant"), s);
    assertFalse(s.contains("partition-name"), s);
    assertFalse(s.contains("k1"), s);
  }
}
