package dev.envelope.keyring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.AlgorithmSuite;
import dev.envelope.CommitmentPolicy;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.NoMatchingKeyException;
import dev.envelope.testing.Messages;
import dev.envelope.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Keyring behaviour the interop tests do not reach: layouts, refusals and error reports. */
class KeyringsTest {
  private static final EncryptionContext CONTEXT = EncryptionContext.of("k", "v");
  private static final AlgorithmSuite SUITE = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;

  @Test
  void rawAes_encrypt_writesEsdkProviderInfoLayout() {
    RawAesKeyring keyring =
        RawAesKeyring.builder().keyNamespace("ns").keyName("my-key").wrappingKey(TestKeys.sequentialKey(16)).build();
    byte[] message = Messages.envelope(keyring, SUITE, 64).encrypt(new byte[1], CONTEXT);
    EncryptedDataKey edk = Envelope.inspectUnauthenticated(message).encryptedDataKeys().get(0);
    assertEquals("ns", edk.providerId());
    byte[] info = edk.providerInfo();
    assertEquals("my-key".length() + 4 + 4 + 12, info.length);
    assertArrayEquals("my-key".getBytes(StandardCharsets.UTF_8), Arrays.copyOf(info, 6));
    assertArrayEquals(new byte[] {0, 0, 0, (byte) 128, 0, 0, 0, 12}, Arrays.copyOfRange(info, 6, 14));
    assertEquals(32 + 16, edk.ciphertextLength());
  }

  @Test
  void rawRsa_encrypt_writesKeyNameAsProviderInfo() {
    KeyPair pair = TestKeys.rsa2048();
    RawRsaKeyring keyring =
        RawRsaKeyring.builder()
            .keyNamespace("ns")
            .keyName("rsa")
            .padding(RsaPadding.OAEP_SHA512_MGF1)
            .publicKey(pair.getPublic())
            .build();
    byte[] message = Messages.envelope(keyring, SUITE, 64).encrypt(new byte[1], CONTEXT);
    EncryptedDataKey edk = Envelope.inspectUnauthenticated(message).encryptedDataKeys().get(0);
    assertEquals("rsa", edk.providerInfoUtf8());
    assertEquals(256, edk.ciphertextLength());
    // A public-only keyring cannot decrypt: "not mine", so a multi-keyring moves on.
    assertThrows(
        NoMatchingKeyException.class,
        () -> Envelope.builder().keyring(keyring).build().decrypt(message, CONTEXT));
  }

  @Test
  void rawRsa_wrongPadding_doesNotOpenTheKey() {
    KeyPair pair = TestKeys.rsa2048();
    RawRsaKeyring sha256 = rsa(RsaPadding.OAEP_SHA256_MGF1, pair);
    RawRsaKeyring sha1 = rsa(RsaPadding.OAEP_SHA1_MGF1, pair);
    byte[] message = Messages.envelope(sha256, SUITE, 64).encrypt(new byte[1], CONTEXT);
    NoMatchingKeyException e =
        assertThrows(NoMatchingKeyException.class, () -> Envelope.builder().keyring(sha1).build().decrypt(message, CONTEXT));
    assertTrue(e.getMessage().contains("padding"), e.getMessage());
    assertEquals(1, Envelope.builder().keyring(sha256).build().decrypt(message, CONTEXT).plaintext().length);
  }

  private static RawRsaKeyring rsa(RsaPadding padding, KeyPair pair) {
    return RawRsaKeyring.builder()
        .keyNamespace("ns")
        .keyName("rsa")
        .padding(padding)
        .publicKey(pair.getPublic())
        .privateKey(pair.getPrivate())
        .build();
  }

  /** When no keyring can open the data key, the error lists each one's reason (suppressed). */
  @Test
  void multiKeyring_noneMatches_reportsEveryFailure() {
    byte[] message = Messages.envelope(TestKeys.aes256Keyring(), SUITE, 64).encrypt(new byte[1], CONTEXT);
    MultiKeyring others =
        MultiKeyring.builder()
            .child(RawAesKeyring.builder().keyNamespace("a").keyName("x").wrappingKey(new byte[32]).build())
            .child(rsa(RsaPadding.PKCS1_LEGACY, TestKeys.rsa2048()))
            .build();
    NoMatchingKeyException e =
        assertThrows(NoMatchingKeyException.class, () -> Envelope.builder().keyring(others).build().decrypt(message, CONTEXT));
    assertEquals(2, e.getSuppressed().length);
    assertTrue(e.getMessage().contains("'a'/'x'"), e.getMessage());
    // With the right key among them, the multi-keyring succeeds.
    MultiKeyring withRight = MultiKeyring.builder().child(others).child(TestKeys.aes256Keyring()).build();
    assertEquals(1, Envelope.builder().keyring(withRight).build().decrypt(message, CONTEXT).plaintext().length);
  }

  @Test
  void builders_reservedOrEmptyNamespace_areRefused() {
    assertThrows(IllegalArgumentException.class, () -> RawAesKeyring.builder().keyNamespace("aws-kms"));
    assertThrows(IllegalArgumentException.class, () -> RawAesKeyring.builder().keyNamespace("aws-kms-mrk"));
    assertThrows(IllegalArgumentException.class, () -> RawAesKeyring.builder().wrappingKey(new byte[20]));
    assertThrows(IllegalStateException.class, () -> RawAesKeyring.builder().keyName("a").keyName("b"));
    assertThrows(IllegalStateException.class, () -> RawAesKeyring.builder().keyNamespace("a").build());
    assertThrows(IllegalStateException.class, () -> MultiKeyring.builder().build());
  }

  /**
   * Regression: an empty namespace, a bad argument, was refused with {@link IllegalStateException}
   * (the type the builders reserve for setting an option twice or building incomplete).
   */
  @Test
  void keyNamespace_empty_throwsIllegalArgumentNotIllegalState() {
    IllegalArgumentException aes =
        assertThrows(IllegalArgumentException.class, () -> RawAesKeyring.builder().keyNamespace(""));
    assertTrue(aes.getMessage().contains("namespace"), aes.getMessage());
    assertThrows(IllegalArgumentException.class, () -> RawRsaKeyring.builder().keyNamespace(""));
  }

  @Test
  void pem_wrongBlockOrGarbage_throwsIllegalArgumentWithHint() {
    String pkcs1 = "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n";
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RawRsaKeyring.parsePrivateKeyPem(pkcs1));
    assertTrue(e.getMessage().contains("openssl pkcs8"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> RawRsaKeyring.parsePublicKeyPem("not a pem"));
    assertThrows(
        IllegalArgumentException.class,
        () -> RawRsaKeyring.parsePublicKeyPem("-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----"));
    String pem =
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(TestKeys.rsa2048().getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n";
    assertEquals(TestKeys.rsa2048().getPublic(), RawRsaKeyring.parsePublicKeyPem(pem));
  }

  @Test
  void envelopeBuilder_suiteForbiddenByPolicy_throwsIllegalState() {
    assertThrows(
        IllegalStateException.class,
        () ->
            Envelope.builder()
                .keyring(TestKeys.aes256Keyring())
                .algorithmSuite(AlgorithmSuite.AES_256_GCM_IV12_TAG16_HKDF_SHA256)
                .build());
    assertThrows(
        IllegalStateException.class,
        () ->
            Envelope.builder()
                .keyring(TestKeys.aes256Keyring())
                .commitmentPolicy(CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT)
                .algorithmSuite(SUITE)
                .build());
  }
}
