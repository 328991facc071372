package dev.envelope.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.envelope.AlgorithmSuite;
import dev.envelope.CommitmentPolicy;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionContext;
import dev.envelope.cache.EntryIds.EntryId;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EntryIdsTest {
  private static final byte[] P = "partition".getBytes(StandardCharsets.UTF_8);
  private static final AlgorithmSuite S = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
  private static final CommitmentPolicy POLICY = CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT;
  private static final EncryptionContext EC = EncryptionContext.of("a", "1", "b", "2");
  private static final EncryptedDataKey E1 = EncryptedDataKey.of("ns", "k1", new byte[] {1, 2});
  private static final EncryptedDataKey E2 = EncryptedDataKey.of("ns", "k2", new byte[] {3});

  private static EntryId enc(byte[] p, AlgorithmSuite s, CommitmentPolicy policy, Set<String> req, EncryptionContext ec) {
    return EntryIds.encrypt(p, s, policy, req, ec);
  }

  private static EntryId dec(List<EncryptedDataKey> edks, EncryptionContext stored, EncryptionContext reproduced) {
    return EntryIds.decrypt(P, S, POLICY, edks, stored, reproduced);
  }

  @Test
  void encrypt_everyFieldChangesTheId() {
    Set<EntryId> ids = new HashSet<>();
    ids.add(enc(P, S, POLICY, Set.of(), EC));
    ids.add(enc("other".getBytes(StandardCharsets.UTF_8), S, POLICY, Set.of(), EC));
    ids.add(enc(P, AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384, POLICY, Set.of(), EC));
    ids.add(enc(P, S, CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT, Set.of(), EC));
    ids.add(enc(P, S, POLICY, Set.of("a"), EC));
    ids.add(enc(P, S, POLICY, Set.of(), EncryptionContext.of("a", "1", "b", "3")));
    ids.add(enc(P, S, POLICY, Set.of(), EncryptionContext.empty()));
    assertEquals(7, ids.size());
  }

  @Test
  void encrypt_equalInputsInAnyOrder_sameId() {
    EncryptionContext reversed = EncryptionContext.builder().put("b", "2").put("a", "1").build();
    assertEquals(enc(P, S, POLICY, Set.of("a", "b"), EC), enc(P, S, POLICY, Set.of("b", "a"), reversed));
    assertEquals(
        enc(P, S, POLICY, Set.of(), EC).hashCode(), enc(P, S, POLICY, Set.of(), EC).hashCode());
  }

  @Test
  void encrypt_fieldBoundariesAreUnambiguous() {
    // Moving bytes between the partition and the context must not collide (NUL-separated
    // formulas would be ambiguous here).
    byte[] withNul = "p\0x".getBytes(StandardCharsets.UTF_8);
    assertNotEquals(
        enc(withNul, S, POLICY, Set.of(), EncryptionContext.empty()),
        enc("p".getBytes(StandardCharsets.UTF_8), S, POLICY, Set.of(), EncryptionContext.empty()));
    assertNotEquals(enc(P, S, POLICY, Set.of("ab"), EC), enc(P, S, POLICY, Set.of("a", "b"), EC));
  }

  @Test
  void decrypt_edkOrderIgnoredButEveryFieldCounts() {
    EncryptionContext empty = EncryptionContext.empty();
    assertEquals(dec(List.of(E1, E2), EC, empty), dec(List.of(E2, E1), EC, empty));
    Set<EntryId> ids = new HashSet<>();
    ids.add(dec(List.of(E1, E2), EC, empty));
    ids.add(dec(List.of(E1), EC, empty));
    ids.add(dec(List.of(E1, EncryptedDataKey.of("ns", "k2", new byte[] {4})), EC, empty));
    ids.add(dec(List.of(E1, E2), empty, EC)); // stored vs reproduced are distinct fields
    ids.add(dec(List.of(E1, E2), EC, EncryptionContext.of("c", "3")));
    ids.add(EntryIds.decrypt(P, S, CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT, List.of(E1, E2), EC, empty));
    assertEquals(6, ids.size());
  }

  @Test
  void encryptAndDecryptIds_neverCollide() {
    assertNotEquals(
        enc(P, S, POLICY, Set.of(), EncryptionContext.empty()),
        dec(List.of(), EncryptionContext.empty(), EncryptionContext.empty()));
  }
}
