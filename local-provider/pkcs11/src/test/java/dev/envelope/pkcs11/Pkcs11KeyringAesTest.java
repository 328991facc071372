package dev.envelope.pkcs11;

import static dev.envelope.pkcs11.Pkcs11TestTokens.AES_KEY;
import static dev.envelope.pkcs11.Pkcs11TestTokens.KNOWN_AES_BYTES;
import static dev.envelope.pkcs11.Pkcs11TestTokens.MAIN_TOKEN;
import static dev.envelope.pkcs11.Pkcs11TestTokens.RSA_KEY;
import static dev.envelope.pkcs11.Pkcs11TestTokens.TEST_ONLY_HMAC_KEY;
import static dev.envelope.pkcs11.Pkcs11TestTokens.TEST_ONLY_KNOWN_AES_KEY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.jce.JceMasterKey;
import dev.envelope.AlgorithmSuite;
import dev.envelope.AuthenticationFailedException;
import dev.envelope.CommitmentPolicy;
import dev.envelope.DataKey;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionContext;
import dev.envelope.EncryptionMaterials;
import dev.envelope.Envelope;
import dev.envelope.KeyProviderException;
import dev.envelope.Keyring;
import dev.envelope.NoMatchingKeyException;
import dev.envelope.KeyProviderException.Reason;
import dev.envelope.keyring.RawAesKeyring;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link Pkcs11Keyring} with AES keys in a real SoftHSM2 token: round trips, layout, interop, errors. */
class Pkcs11KeyringAesTest {
  private static final String NAMESPACE = "envelope-hsm";
  private static final EncryptionContext CONTEXT = EncryptionContext.of("purpose", "pkcs11 test", "tenant", "acme");

  private final Pkcs11TestTokens tokens = Pkcs11TestTokens.get();

  private Pkcs11Keyring keyring(String label) {
    return Pkcs11Keyring.builder().token(tokens.main()).keyNamespace(NAMESPACE).keyLabel(label).build();
  }

  private static Envelope envelope(Keyring keyring, AlgorithmSuite suite) {
    return Envelope.builder().keyring(keyring).algorithmSuite(suite)
        .commitmentPolicy(suite.isCommitting()
            ? CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT
            : CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT)
        .build();
  }

  private static byte[] plaintext(AlgorithmSuite suite) {
    return ("message for suite " + suite.idHex() + " " + "x".repeat(5000)).getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @EnumSource(AlgorithmSuite.class)
  void encryptThenDecrypt_everySuite_returnsThePlaintext(AlgorithmSuite suite) {
    Envelope envelope = envelope(keyring(AES_KEY), suite);
    byte[] plaintext = plaintext(suite);

    byte[] message = envelope.encrypt(plaintext, CONTEXT);

    assertArrayEquals(plaintext, envelope.decrypt(message, CONTEXT).plaintext());
  }

  @ParameterizedTest
  @EnumSource(AlgorithmSuite.class)
  void encrypt_everySuite_decryptsWithRawAesKeyringGivenTheKeyBytes(AlgorithmSuite suite) {
    byte[] plaintext = plaintext(suite);
    byte[] message = envelope(keyring(TEST_ONLY_KNOWN_AES_KEY), suite).encrypt(plaintext, CONTEXT);

    RawAesKeyring raw = RawAesKeyring.builder().keyNamespace(NAMESPACE).keyName(TEST_ONLY_KNOWN_AES_KEY)
        .wrappingKey(KNOWN_AES_BYTES).build();

    assertArrayEquals(plaintext, envelope(raw, suite).decrypt(message, CONTEXT).plaintext());
  }

  @Test
  void decrypt_messageFromRawAesKeyringWithTheKeyBytes_returnsThePlaintext() {
    RawAesKeyring raw = RawAesKeyring.builder().keyNamespace(NAMESPACE).keyName(TEST_ONLY_KNOWN_AES_KEY)
        .wrappingKey(KNOWN_AES_BYTES).build();
    byte[] plaintext = "from software to the token".getBytes(StandardCharsets.UTF_8);
    byte[] message = Envelope.builder().keyring(raw).build().encrypt(plaintext, CONTEXT);

    byte[] decrypted = Envelope.builder().keyring(keyring(TEST_ONLY_KNOWN_AES_KEY)).build()
        .decrypt(message, CONTEXT).plaintext();

    assertArrayEquals(plaintext, decrypted);
  }

  @Test
  void encrypt_decryptsWithTheEsdksJceMasterKey() {
    byte[] plaintext = "token to ESDK".getBytes(StandardCharsets.UTF_8);
    byte[] message = Envelope.builder().keyring(keyring(TEST_ONLY_KNOWN_AES_KEY)).build().encrypt(plaintext, CONTEXT);
    JceMasterKey esdkKey = JceMasterKey.getInstance(
        new SecretKeySpec(KNOWN_AES_BYTES, "AES"), NAMESPACE, TEST_ONLY_KNOWN_AES_KEY, "AES/GCM/NoPadding");

    var result = esdk().decryptData(esdkKey, message);

    assertArrayEquals(plaintext, result.getResult());
    assertEquals("acme", result.getEncryptionContext().get("tenant"));
  }

  @Test
  void decrypt_messageFromTheEsdksJceMasterKey_returnsThePlaintext() {
    byte[] plaintext = "ESDK to token".getBytes(StandardCharsets.UTF_8);
    JceMasterKey esdkKey = JceMasterKey.getInstance(
        new SecretKeySpec(KNOWN_AES_BYTES, "AES"), NAMESPACE, TEST_ONLY_KNOWN_AES_KEY, "AES/GCM/NoPadding");
    byte[] message = esdk().encryptData(esdkKey, plaintext, CONTEXT.asMap()).getResult();

    byte[] decrypted = Envelope.builder().keyring(keyring(TEST_ONLY_KNOWN_AES_KEY)).build()
        .decrypt(message, CONTEXT).plaintext();

    assertArrayEquals(plaintext, decrypted);
  }

  private static AwsCrypto esdk() {
    return AwsCrypto.builder()
        .withCommitmentPolicy(com.amazonaws.encryptionsdk.CommitmentPolicy.RequireEncryptRequireDecrypt).build();
  }

  /** spec: framework/raw-aes-keyring.md#onencrypt: the exact EDK bytes, checked in software. */
  @Test
  void onEncrypt_writesTheRawAesLayoutWithTheContextAsAad() throws Exception {
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
    EncryptionMaterials materials = keyring(TEST_ONLY_KNOWN_AES_KEY)
        .onEncrypt(EncryptionMaterials.builder(suite, CONTEXT).build());

    EncryptedDataKey edk = materials.encryptedDataKeys().get(0);
    byte[] name = TEST_ONLY_KNOWN_AES_KEY.getBytes(StandardCharsets.UTF_8);
    byte[] info = edk.providerInfo();
    assertEquals(NAMESPACE, edk.providerId());
    assertEquals(name.length + 4 + 4 + 12, info.length);
    assertArrayEquals(name, Arrays.copyOf(info, name.length));
    assertEquals(128, ByteBuffer.wrap(info, name.length, 4).getInt());
    assertEquals(12, ByteBuffer.wrap(info, name.length + 4, 4).getInt());
    assertEquals(32 + 16, edk.ciphertextLength());
    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(KNOWN_AES_BYTES, "AES"),
        new GCMParameterSpec(128, info, name.length + 8, 12));
    gcm.updateAAD(CONTEXT.toCanonicalBytes());
    byte[] dataKey = gcm.doFinal(edk.ciphertext());
    try (DataKey expected = DataKey.copyOf(dataKey)) {
      assertTrue(expected.sameKeyAs(materials.dataKey().orElseThrow()));
    } finally {
      Arrays.fill(dataKey, (byte) 0);
    }
  }

  @Test
  void decrypt_differentContext_failsAndNeverOpensTheDataKey() {
    Envelope envelope = Envelope.builder().keyring(keyring(AES_KEY)).build();
    byte[] message = envelope.encrypt("bound to its context".getBytes(StandardCharsets.UTF_8), CONTEXT);

    assertThrows(AuthenticationFailedException.class,
        () -> envelope.decrypt(message, CONTEXT.with("tenant", "evil")));
  }

  @Test
  void onDecrypt_edkWrappedUnderAnotherContext_throwsNoMatchingKey() {
    Pkcs11Keyring keyring = keyring(AES_KEY);
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
    EncryptionMaterials encrypted = keyring.onEncrypt(EncryptionMaterials.builder(suite, CONTEXT).build());
    var otherContext = dev.envelope.DecryptionMaterials.of(
        suite, CONTEXT.with("tenant", "other"), java.util.Set.of(), null);

    NoMatchingKeyException e = assertThrows(NoMatchingKeyException.class,
        () -> keyring.onDecrypt(otherContext, encrypted.encryptedDataKeys()));

    assertTrue(e.getMessage().contains("encryption context differs"), e.getMessage());
  }

  @Test
  void decrypt_messageForAnotherTokenKey_throwsNoMatchingKey() {
    byte[] message = Envelope.builder().keyring(keyring(AES_KEY)).build()
        .encrypt("for aes-master only".getBytes(StandardCharsets.UTF_8), CONTEXT);
    Pkcs11Keyring other = Pkcs11Keyring.builder().token(tokens.main()).keyNamespace(NAMESPACE)
        .keyLabel(TEST_ONLY_KNOWN_AES_KEY).keyName(AES_KEY).build();

    // Same namespace and name, different key in the token: the tag does not verify.
    assertThrows(NoMatchingKeyException.class,
        () -> Envelope.builder().keyring(other).build().decrypt(message, CONTEXT));
  }

  @Test
  void build_keyNameDefaultsToTheLabelAndCanBeSet() {
    assertEquals(AES_KEY, keyring(AES_KEY).keyName());
    Pkcs11Keyring named = Pkcs11Keyring.builder().token(tokens.main()).keyNamespace(NAMESPACE)
        .keyLabel(AES_KEY).keyName("orders-key").build();
    assertEquals("orders-key", named.keyName());
    assertEquals(NAMESPACE, named.keyNamespace());
    assertTrue(named.toString().contains("'" + AES_KEY + "'"), named.toString());
  }

  @Test
  void build_unknownLabel_failsWithKeyNotFound() {
    Pkcs11Exception e = assertThrows(Pkcs11Exception.class, () -> keyring("no-such-key"));

    assertEquals(Reason.KEY_NOT_FOUND, e.reason());
    assertTrue(e.getMessage().contains("'" + AES_KEY + "'"), e.getMessage());
  }

  @Test
  void build_rsaKeyPairLabel_failsWithWrongKeyType() {
    Pkcs11Exception e = assertThrows(Pkcs11Exception.class, () -> keyring(RSA_KEY));

    assertEquals(Reason.WRONG_KEY_TYPE, e.reason());
    assertTrue(e.getMessage().contains("RSA key pair"), e.getMessage());
  }

  @Test
  void build_hmacSecretKeyLabel_failsWithWrongKeyType() {
    Pkcs11Exception e = assertThrows(Pkcs11Exception.class, () -> keyring(TEST_ONLY_HMAC_KEY));

    assertEquals(Reason.WRONG_KEY_TYPE, e.reason());
    assertTrue(e.getMessage().contains("not an AES secret key"), e.getMessage());
  }

  @Test
  void build_tokenWithoutAesGcm_failsWithMechanismNotSupported() {
    Pkcs11Token noGcm = Pkcs11Token.open(tokens.config(MAIN_TOKEN).disableMechanism("CKM_AES_GCM").build());

    Pkcs11Exception e = assertThrows(Pkcs11Exception.class, () -> Pkcs11Keyring.builder()
        .token(noGcm).keyNamespace(NAMESPACE).keyLabel(AES_KEY).build());

    assertEquals(Reason.UNSUPPORTED, e.reason());
    assertTrue(e.getMessage().contains("CKM_AES_GCM"), e.getMessage());
  }

  @Test
  void build_reservedNamespaceOrMissingParts_isRejected() {
    assertThrows(IllegalArgumentException.class, () -> Pkcs11Keyring.builder().token(tokens.main())
        .keyNamespace("aws-kms").keyLabel(AES_KEY).build());
    assertThrows(IllegalStateException.class,
        () -> Pkcs11Keyring.builder().token(tokens.main()).keyLabel(AES_KEY).build());
    assertThrows(IllegalStateException.class,
        () -> Pkcs11Keyring.builder().keyNamespace(NAMESPACE).keyNamespace(NAMESPACE));
  }

  @Test
  void decrypt_afterTheKeyIsDestroyed_failsWithTokenFailure() {
    tokens.main().createAesKey("destroyed-aes");
    Pkcs11Keyring keyring = keyring("destroyed-aes");
    Envelope envelope = Envelope.builder().keyring(keyring).build();
    byte[] message = envelope.encrypt("soon unreadable".getBytes(StandardCharsets.UTF_8), CONTEXT);

    tokens.main().destroyKey("destroyed-aes");

    Pkcs11Exception e = assertThrows(Pkcs11Exception.class, () -> envelope.decrypt(message, CONTEXT));
    assertEquals(Reason.SERVICE_ERROR, e.reason());
    assertTrue(e.getMessage().contains("destroyed-aes"), e.getMessage());
    assertEquals(Reason.KEY_NOT_FOUND,
        assertThrows(Pkcs11Exception.class, () -> keyring("destroyed-aes")).reason());
  }

  @Test
  void toString_showsNoKeyMaterial() {
    String s = keyring(TEST_ONLY_KNOWN_AES_KEY).toString();

    assertTrue(s.contains(NAMESPACE) && s.contains(TEST_ONLY_KNOWN_AES_KEY), s);
    assertTrue(!s.contains("000102030405"), s);
  }
}
