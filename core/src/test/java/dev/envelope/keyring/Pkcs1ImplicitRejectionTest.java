package dev.envelope.keyring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.AlgorithmSuite;
import dev.envelope.CommitmentPolicy;
import dev.envelope.DecryptionMaterials;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.EnvelopeException;
import dev.envelope.testing.TestKeys;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import javax.crypto.Cipher;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, finding 5: a Bleichenbacher padding oracle through RSA PKCS#1 v1.5. Before the fix, an
 * encrypted data key with bad padding failed as "no key can decrypt this message" while one that
 * unwrapped to a wrong data key failed as "the message does not verify". The attacker submits both
 * kinds of crafted message; with implicit rejection both end identically.
 */
class Pkcs1ImplicitRejectionTest {
  private static final EncryptionContext CONTEXT = EncryptionContext.of("k", "v");
  private static final KeyPair PAIR = TestKeys.rsa2048();
  private static final SecureRandom RANDOM = new SecureRandom();

  @ParameterizedTest
  @EnumSource(value = AlgorithmSuite.class, names = {"AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384",
      "AES_256_GCM_HKDF_SHA512_COMMIT_KEY", "AES_256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384",
      "AES_128_GCM_IV12_TAG16_NO_KDF"})
  void decrypt_badPaddingVersusWrongKey_failIdentically(AlgorithmSuite suite) throws Exception {
    byte[] message = envelope(suite).encrypt(new byte[100], CONTEXT);
    byte[] edk = Envelope.inspectUnauthenticated(message).encryptedDataKeys().get(0).ciphertext();
    int keyLength = suite.dataKeyLength();

    List<byte[]> attacks = List.of(
        rawRsa(badBlock(0x01)),                      // block type 1, not 2
        rawRsa(noSeparatorBlock()),                   // 00 02 and no zero separator
        rawRsa(randomBlock()),                        // leading byte not zero
        pkcs1(randomBytes(keyLength)),                // conformant padding, wrong data key
        pkcs1(randomBytes(keyLength == 16 ? 32 : 16))); // conformant padding, wrong length
    String firstMessage = null;
    Class<?> firstType = null;
    for (byte[] attack : attacks) {
      byte[] crafted = replace(message, edk, attack);
      EnvelopeException e = assertThrows(EnvelopeException.class, () -> envelope(suite).decrypt(crafted, CONTEXT));
      if (firstMessage == null) {
        firstMessage = e.getMessage();
        firstType = e.getClass();
      }
      assertEquals(firstType, e.getClass());
      assertEquals(firstMessage, e.getMessage());
    }
    assertEquals("AuthenticationFailedException", firstType.getSimpleName());
  }

  @Test
  void onDecrypt_sameBadCiphertext_unwrapsToTheSameKeyEveryTime() throws Exception {
    RawRsaKeyring keyring = keyring();
    byte[] bad = rawRsa(badBlock(0x01));
    byte[] first = unwrap(keyring, bad);
    byte[] second = unwrap(keyring, bad);
    byte[] other = unwrap(keyring, rawRsa(noSeparatorBlock()));
    byte[] fromAnotherKeyringOverTheSameKey = unwrap(keyring(), bad);

    assertArrayEquals(first, second);
    assertArrayEquals(first, fromAnotherKeyringOverTheSameKey);
    assertFalse(Arrays.equals(first, other));
    assertEquals(32, first.length);
  }

  @Test
  void onDecrypt_ciphertextsNotEvenRsaBlocks_unwrapToAKeyNotAnError() {
    RawRsaKeyring keyring = keyring();
    byte[] aboveModulus = new byte[256];
    Arrays.fill(aboveModulus, (byte) 0xFF);
    for (byte[] c : List.of(aboveModulus, new byte[256], new byte[255], new byte[300], new byte[1])) {
      assertEquals(32, unwrap(keyring, c).length);
    }
  }

  @Test
  void onDecrypt_conformantCiphertext_unwrapsTheRealKey() throws Exception {
    byte[] key = randomBytes(32);
    assertArrayEquals(key, unwrap(keyring(), pkcs1(key)));
  }

  private static byte[] unwrap(RawRsaKeyring keyring, byte[] ciphertext) {
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
    DecryptionMaterials m = keyring.onDecrypt(DecryptionMaterials.of(suite, CONTEXT, Set.of(), null),
        List.of(EncryptedDataKey.of("ns", "rsa", ciphertext)));
    return m.dataKey().orElseThrow().copyPlaintext();
  }

  private static RawRsaKeyring keyring() {
    return RawRsaKeyring.builder().keyNamespace("ns").keyName("rsa").padding(RsaPadding.PKCS1_LEGACY)
        .publicKey(PAIR.getPublic()).privateKey(PAIR.getPrivate()).build();
  }

  private static Envelope envelope(AlgorithmSuite suite) {
    return Envelope.builder().keyring(keyring()).algorithmSuite(suite)
        .commitmentPolicy(suite.isCommitting()
            ? CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT : CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT)
        .build();
  }

  /** PKCS#1 v1.5 encryption of {@code key}: what a wrong-key message carries. */
  private static byte[] pkcs1(byte[] key) throws Exception {
    Cipher cipher = Cipher.getInstance("RSA/ECB/PKCS1Padding");
    cipher.init(Cipher.ENCRYPT_MODE, PAIR.getPublic());
    return cipher.doFinal(key);
  }

  /** Raw RSA of an encoded block: lets the attacker choose a block with bad padding. */
  private static byte[] rawRsa(byte[] block) throws Exception {
    Cipher cipher = Cipher.getInstance("RSA/ECB/NoPadding");
    cipher.init(Cipher.ENCRYPT_MODE, PAIR.getPublic());
    return cipher.doFinal(block);
  }

  private static byte[] badBlock(int type) {
    byte[] b = new byte[256];
    b[1] = (byte) type;
    Arrays.fill(b, 2, 223, (byte) 0x5A);
    System.arraycopy(randomBytes(32), 0, b, 224, 32);
    return b;
  }

  private static byte[] noSeparatorBlock() {
    byte[] b = new byte[256];
    b[1] = 2;
    Arrays.fill(b, 2, 256, (byte) 0x33);
    return b;
  }

  private static byte[] randomBlock() {
    byte[] b = randomBytes(256);
    b[0] = 0x01; // below the modulus (whose top byte is at least 0x80), leading byte not zero
    return b;
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  private static byte[] replace(byte[] message, byte[] from, byte[] to) {
    assertEquals(from.length, to.length);
    for (int i = 0; i + from.length <= message.length; i++) {
      if (Arrays.equals(message, i, i + from.length, from, 0, from.length)) {
        byte[] out = message.clone();
        System.arraycopy(to, 0, out, i, to.length);
        return out;
      }
    }
    assertTrue(false, "the encrypted data key is not in the message");
    return null;
  }
}
