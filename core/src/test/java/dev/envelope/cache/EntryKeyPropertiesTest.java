package dev.envelope.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.envelope.AlgorithmSuite;
import dev.envelope.CommitmentPolicy;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Equal requests, and only equal requests, give equal entry keys (and keys that compare as 0). Requests are drawn from small
 * domains so that equal pairs come up often; each key is built from fresh objects and arrays, so
 * only content can make two keys equal.
 */
class EntryKeyPropertiesTest {
  /** A request as plain values: what the key must compare, and nothing else. */
  record Req(
      boolean encrypt,
      String partition,
      AlgorithmSuite suite,
      CommitmentPolicy policy,
      Set<String> requiredKeys,
      Map<String, String> context,
      Map<String, String> reproduced,
      List<Edk> edks) {
    /** The fields the other kind of request does not have are left out. */
    Req normalized() {
      return encrypt
          ? new Req(true, partition, suite, policy, requiredKeys, context, Map.of(), List.of())
          : new Req(false, partition, suite, policy, Set.of(), context, reproduced, edks);
    }

    EntryKey key() {
      if (encrypt) {
        return EntryKey.encrypt(
            new String(partition.toCharArray()), suite, policy, Set.copyOf(new HashSet<>(requiredKeys)),
            EncryptionContext.from(context));
      }
      List<EncryptedDataKey> keys = new ArrayList<>();
      for (Edk e : edks) {
        keys.add(e.build());
      }
      return EntryKey.decrypt(
          new String(partition.toCharArray()), suite, policy, List.copyOf(keys),
          EncryptionContext.from(context), EncryptionContext.from(reproduced));
    }
  }

  record Edk(String providerId, String info, List<Byte> ciphertext) {
    EncryptedDataKey build() {
      byte[] ct = new byte[ciphertext.size()];
      for (int i = 0; i < ct.length; i++) {
        ct[i] = ciphertext.get(i);
      }
      return EncryptedDataKey.of(new String(providerId.toCharArray()), info.getBytes(StandardCharsets.UTF_8), ct);
    }
  }

  @Provide
  Arbitrary<Req> requests() {
    Arbitrary<String> word = Arbitraries.of("a", "b");
    Arbitrary<Map<String, String>> context = Arbitraries.maps(word, Arbitraries.of("1", "2")).ofMaxSize(2);
    Arbitrary<Edk> edk =
        Combinators.combine(
                Arbitraries.of("ns", "nt"),
                Arbitraries.of("k1", "k2"),
                Arbitraries.bytes().between((byte) 1, (byte) 2).list().ofMinSize(1).ofMaxSize(2))
            .as(Edk::new);
    return Combinators.combine(
            Arbitraries.of(true, false),
            Arbitraries.of("p", "q", "p\0"),
            Arbitraries.of(
                AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY,
                AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384),
            Arbitraries.of(
                CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT,
                CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT),
            word.set().ofMaxSize(2),
            context,
            context,
            edk.list().ofMaxSize(2))
        .as(Req::new)
        .map(Req::normalized);
  }

  @Property(tries = 2000)
  void equalRequests_iff_equalKeys(@ForAll("requests") Req a, @ForAll("requests") Req b) {
    EntryKey ka = a.key();
    EntryKey kb = b.key();
    assertEquals(a.equals(b), ka.equals(kb), a + " vs " + b);
    assertEquals(a.equals(b), kb.equals(ka), b + " vs " + a);
    if (a.equals(b)) {
      assertEquals(ka.hashCode(), kb.hashCode());
    }
    // The order that keeps colliding hashes searchable agrees with equality and is antisymmetric.
    assertEquals(a.equals(b), ka.compareTo(kb) == 0);
    assertEquals(Integer.signum(ka.compareTo(kb)), -Integer.signum(kb.compareTo(ka)));
  }

  @Property(tries = 500)
  void sameRequest_builtTwice_equalKeys(@ForAll("requests") Req a) {
    EntryKey first = a.key();
    EntryKey second = a.key();
    assertEquals(first, second);
    assertEquals(first.hashCode(), second.hashCode());
  }
}
