package dev.envelope.pkcs11;

import static dev.envelope.pkcs11.Pkcs11TestTokens.AES_KEY;
import static dev.envelope.pkcs11.Pkcs11TestTokens.MAIN_TOKEN;
import static dev.envelope.pkcs11.Pkcs11TestTokens.RSA_KEY;
import static dev.envelope.pkcs11.Pkcs11TestTokens.TEST_ONLY_KNOWN_RSA_KEY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.jce.JceMasterKey;
import dev.envelope.AlgorithmSuite;
import dev.envelope.AuthenticationFailedException;
import dev.envelope.DecryptionMaterials;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionContext;
import dev.envelope.EncryptionMaterials;
import dev.envelope.Envelope;
import dev.envelope.KeyProviderException;
import dev.envelope.NoMatchingKeyException;
import dev.envelope.keyring.RawRsaKeyring;
import dev.envelope.keyring.RsaPadding;
import dev.envelope.KeyProviderException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import javax.crypto.Cipher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Pkcs11Keyring} with RSA key pairs in a real SoftHSM2 token: raw RSA in the token, with
 * PKCS#1 v1.5 decoded by core with implicit rejection and OAEP by Bouncy Castle; interop with core's {@link
 * RawRsaKeyring} and the ESDK's {@code JceMasterKey}.
 */
class Pkcs11KeyringRsaTest {
  private static final String NAMESPACE = "envelope-hsm-rsa";
  private static final EncryptionContext CONTEXT = EncryptionContext.of("purpose", "rsa test");
  private static final AlgorithmSuite SUITE = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;

  private final Pkcs11TestTokens tokens = Pkcs11TestTokens.get();

  private Pkcs11Keyring keyring(String label, RsaPadding padding) {
    return Pkcs11Keyring.builder().token(tokens.main()).keyNamespace(NAMESPACE).keyLabel(label)
        .rsaPadding(padding).build();
  }

  private static Envelope envelope(dev.envelope.Keyring keyring) {
    return Envelope.builder().keyring(keyring).build();
  }

  private static byte[] plaintext(RsaPadding padding) {
    return ("RSA " + padding.id() + " round trip").getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @EnumSource(RsaPadding.class)
  void encryptThenDecrypt_everyPadding_returnsThePlaintext(RsaPadding padding) {
    Envelope envelope = envelope(keyring(RSA_KEY, padding));
    byte[] plaintext = plaintext(padding);

    byte[] message = envelope.encrypt(plaintext, CONTEXT);

    assertArrayEquals(plaintext, envelope.decrypt(message, CONTEXT).plaintext());
  }

  @ParameterizedTest
  @EnumSource(AlgorithmSuite.class)
  void encryptThenDecrypt_everySuiteWithOaepSha256_returnsThePlaintext(AlgorithmSuite suite) {
    Envelope envelope = Envelope.builder().keyring(keyring(RSA_KEY, RsaPadding.OAEP_SHA256_MGF1))
        .algorithmSuite(suite).commitmentPolicy(suite.isCommitting()
            ? dev.envelope.CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT
            : dev.envelope.CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT)
        .build();
    byte[] plaintext = ("suite " + suite.idHex()).getBytes(StandardCharsets.UTF_8);

    assertArrayEquals(plaintext, envelope.decrypt(envelope.encrypt(plaintext, CONTEXT), CONTEXT).plaintext());
  }

  @ParameterizedTest
  @EnumSource(RsaPadding.class)
  void decrypt_messageFromRawRsaKeyringWithThePublicKey_returnsThePlaintext(RsaPadding padding) {
    PublicKey publicKey = tokens.main().rsaKeyPair(RSA_KEY).publicKey();
    RawRsaKeyring software = RawRsaKeyring.builder().keyNamespace(NAMESPACE).keyName(RSA_KEY)
        .padding(padding).publicKey(publicKey).build();
    byte[] plaintext = plaintext(padding);
    byte[] message = envelope(software).encrypt(plaintext, CONTEXT);

    byte[] decrypted = envelope(keyring(RSA_KEY, padding)).decrypt(message, CONTEXT).plaintext();

    assertArrayEquals(plaintext, decrypted);
  }

  @ParameterizedTest
  @EnumSource(RsaPadding.class)
  void encrypt_decryptsWithRawRsaKeyringGivenThePrivateKey(RsaPadding padding) {
    byte[] plaintext = plaintext(padding);
    byte[] message = envelope(keyring(TEST_ONLY_KNOWN_RSA_KEY, padding)).encrypt(plaintext, CONTEXT);
    RawRsaKeyring software = RawRsaKeyring.builder().keyNamespace(NAMESPACE).keyName(TEST_ONLY_KNOWN_RSA_KEY)
        .padding(padding).privateKey(tokens.knownRsaPair().getPrivate()).build();

    assertArrayEquals(plaintext, envelope(software).decrypt(message, CONTEXT).plaintext());
  }

  @ParameterizedTest
  @EnumSource(value = RsaPadding.class, names = {"PKCS1_LEGACY", "OAEP_SHA1_MGF1", "OAEP_SHA256_MGF1"})
  void decrypt_messageFromTheEsdksJceMasterKey_returnsThePlaintext(RsaPadding padding) {
    PublicKey publicKey = tokens.main().rsaKeyPair(RSA_KEY).publicKey();
    JceMasterKey esdkKey = JceMasterKey.getInstance(publicKey, null, NAMESPACE, RSA_KEY, esdkAlgorithm(padding));
    byte[] plaintext = plaintext(padding);
    byte[] message = esdk().encryptData(esdkKey, plaintext, CONTEXT.asMap()).getResult();

    byte[] decrypted = envelope(keyring(RSA_KEY, padding)).decrypt(message, CONTEXT).plaintext();

    assertArrayEquals(plaintext, decrypted);
  }

  @ParameterizedTest
  @EnumSource(value = RsaPadding.class, names = {"PKCS1_LEGACY", "OAEP_SHA1_MGF1", "OAEP_SHA256_MGF1"})
  void encrypt_decryptsWithTheEsdksJceMasterKey(RsaPadding padding) {
    byte[] plaintext = plaintext(padding);
    byte[] message = envelope(keyring(TEST_ONLY_KNOWN_RSA_KEY, padding)).encrypt(plaintext, CONTEXT);
    JceMasterKey esdkKey = JceMasterKey.getInstance(tokens.knownRsaPair().getPublic(),
        tokens.knownRsaPair().getPrivate(), NAMESPACE, TEST_ONLY_KNOWN_RSA_KEY, esdkAlgorithm(padding));

    assertArrayEquals(plaintext, esdk().decryptData(esdkKey, message).getResult());
  }

  private static String esdkAlgorithm(RsaPadding padding) {
    switch (padding) {
      case PKCS1_LEGACY:
        return "RSA/ECB/PKCS1Padding";
      case OAEP_SHA1_MGF1:
        return "RSA/ECB/OAEPWithSHA-1AndMGF1Padding";
      case OAEP_SHA256_MGF1:
        return "RSA/ECB/OAEPWithSHA-256AndMGF1Padding";
      default:
        throw new IllegalArgumentException(padding.toString());
    }
  }

  private static AwsCrypto esdk() {
    return AwsCrypto.builder()
        .withCommitmentPolicy(com.amazonaws.encryptionsdk.CommitmentPolicy.RequireEncryptRequireDecrypt).build();
  }

  /** spec: framework/raw-rsa-keyring.md#onencrypt. */
  @Test
  void onEncrypt_writesTheRawRsaLayout() {
    EncryptionMaterials materials = keyring(RSA_KEY, RsaPadding.OAEP_SHA256_MGF1)
        .onEncrypt(EncryptionMaterials.builder(SUITE, CONTEXT).build());

    EncryptedDataKey edk = materials.encryptedDataKeys().get(0);
    assertEquals(NAMESPACE, edk.providerId());
    assertEquals(RSA_KEY, edk.providerInfoUtf8());
    assertEquals(2048 / 8, edk.ciphertextLength());
  }

  @Test
  void decrypt_messageWithAnotherOaepHash_throwsNoMatchingKey() {
    byte[] message = envelope(keyring(RSA_KEY, RsaPadding.OAEP_SHA256_MGF1)).encrypt(new byte[10], CONTEXT);

    NoMatchingKeyException e = assertThrows(NoMatchingKeyException.class,
        () -> envelope(keyring(RSA_KEY, RsaPadding.OAEP_SHA1_MGF1)).decrypt(message, CONTEXT));

    assertTrue(e.getMessage().contains("oaep-sha1"), e.getMessage());
  }

  /**
   * Issue 12, the padding oracle through the token: a message whose encrypted data key has bad
   * PKCS#1 padding (here an OAEP block, and a crafted block of type 1) fails exactly as one whose
   * conformant padding holds a wrong data key.
   */
  @Test
  void decrypt_badPaddingVersusWrongKey_failIdentically() throws Exception {
    Envelope envelope = envelope(keyring(RSA_KEY, RsaPadding.PKCS1_LEGACY));
    byte[] message = envelope.encrypt(new byte[10], CONTEXT);
    byte[] edk = Envelope.inspectUnauthenticated(message).encryptedDataKeys().get(0).ciphertext();
    PublicKey publicKey = tokens.main().rsaKeyPair(RSA_KEY).publicKey();
    byte[] block = new byte[256];
    block[1] = 1;
    Arrays.fill(block, 2, 223, (byte) 0x5A);
    Cipher raw = Cipher.getInstance("RSA/ECB/NoPadding");
    raw.init(Cipher.ENCRYPT_MODE, publicKey);
    Cipher pkcs1 = Cipher.getInstance("RSA/ECB/PKCS1Padding");
    pkcs1.init(Cipher.ENCRYPT_MODE, publicKey);
    byte[] oaepEdk = Envelope.inspectUnauthenticated(envelope(keyring(RSA_KEY, RsaPadding.OAEP_SHA1_MGF1))
        .encrypt(new byte[10], CONTEXT)).encryptedDataKeys().get(0).ciphertext();

    List<Exception> failures = new java.util.ArrayList<>();
    for (byte[] attack : List.of(raw.doFinal(block), oaepEdk, pkcs1.doFinal(new byte[32]))) {
      byte[] crafted = message.clone();
      System.arraycopy(attack, 0, crafted, indexOf(message, edk), attack.length);
      failures.add(assertThrows(AuthenticationFailedException.class, () -> envelope.decrypt(crafted, CONTEXT)));
    }

    for (Exception e : failures) {
      assertEquals(failures.get(2).getClass(), e.getClass());
      assertEquals(failures.get(2).getMessage(), e.getMessage());
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    throw new AssertionError("not found");
  }

  @Test
  void decrypt_messageForAnotherKeyPair_throwsNoMatchingKey() {
    byte[] message = envelope(keyring(TEST_ONLY_KNOWN_RSA_KEY, RsaPadding.OAEP_SHA256_MGF1))
        .encrypt(new byte[10], CONTEXT);
    Pkcs11Keyring sameNameOtherKey = Pkcs11Keyring.builder().token(tokens.main()).keyNamespace(NAMESPACE)
        .keyLabel(RSA_KEY).keyName(TEST_ONLY_KNOWN_RSA_KEY).rsaPadding(RsaPadding.OAEP_SHA256_MGF1).build();

    assertThrows(NoMatchingKeyException.class, () -> envelope(sameNameOtherKey).decrypt(message, CONTEXT));
  }

  @Test
  void onDecrypt_oaepGarbageCiphertexts_throwNoMatchingKeyNotATokenFailure() {
    Pkcs11Keyring keyring = keyring(RSA_KEY, RsaPadding.OAEP_SHA256_MGF1);
    byte[] aboveModulus = new byte[256];
    Arrays.fill(aboveModulus, (byte) 0xFF);
    byte[] belowModulus = new byte[256];
    belowModulus[255] = 7;
    List<EncryptedDataKey> edks = List.of(
        EncryptedDataKey.of(NAMESPACE, RSA_KEY, aboveModulus),
        EncryptedDataKey.of(NAMESPACE, RSA_KEY, belowModulus),
        EncryptedDataKey.of(NAMESPACE, RSA_KEY, new byte[255]),
        EncryptedDataKey.of(NAMESPACE, RSA_KEY, new byte[300]));

    NoMatchingKeyException e = assertThrows(NoMatchingKeyException.class,
        () -> keyring.onDecrypt(DecryptionMaterials.of(SUITE, CONTEXT, Set.of(), null), edks));

    assertTrue(e.getMessage().contains(RSA_KEY), e.getMessage());
  }

  /** Implicit rejection: garbage unwraps to a pseudorandom key, the same one every time. */
  @Test
  void onDecrypt_pkcs1GarbageCiphertexts_unwrapToADeterministicKeyNotAnError() {
    Pkcs11Keyring keyring = keyring(RSA_KEY, RsaPadding.PKCS1_LEGACY);
    byte[] aboveModulus = new byte[256];
    Arrays.fill(aboveModulus, (byte) 0xFF);
    byte[] belowModulus = new byte[256];
    belowModulus[255] = 7;
    for (byte[] garbage : List.of(aboveModulus, belowModulus, new byte[255], new byte[300])) {
      List<EncryptedDataKey> edks = List.of(EncryptedDataKey.of(NAMESPACE, RSA_KEY, garbage));
      byte[] first = keyring.onDecrypt(DecryptionMaterials.of(SUITE, CONTEXT, Set.of(), null), edks)
          .dataKey().orElseThrow().copyPlaintext();
      byte[] again = keyring.onDecrypt(DecryptionMaterials.of(SUITE, CONTEXT, Set.of(), null), edks)
          .dataKey().orElseThrow().copyPlaintext();

      assertEquals(SUITE.dataKeyLength(), first.length);
      assertArrayEquals(first, again);
    }
  }

  @Test
  void onDecrypt_noEdkForThisKey_throwsNoMatchingKeyListingProviders() {
    List<EncryptedDataKey> edks = List.of(EncryptedDataKey.of("someone-else", "k", new byte[256]));

    NoMatchingKeyException e = assertThrows(NoMatchingKeyException.class, () -> keyring(RSA_KEY, RsaPadding.PKCS1_LEGACY)
        .onDecrypt(DecryptionMaterials.of(SUITE, CONTEXT, Set.of(), null), edks));

    assertTrue(e.getMessage().contains("someone-else"), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(value = RsaPadding.class, names = {"PKCS1_LEGACY", "OAEP_SHA256_MGF1"})
  void decrypt_afterTheKeyPairIsDestroyed_failsWithTokenFailure(RsaPadding padding) {
    String label = "destroyed-rsa-" + padding.id();
    tokens.main().createRsaKeyPair(label, 2048);
    Envelope envelope = envelope(keyring(label, padding));
    byte[] message = envelope.encrypt(new byte[10], CONTEXT);

    tokens.main().destroyKey(label);

    Pkcs11Exception e = assertThrows(Pkcs11Exception.class, () -> envelope.decrypt(message, CONTEXT));
    assertEquals(Reason.SERVICE_ERROR, e.reason());
    assertTrue(e.getMessage().contains(label), e.getMessage());
  }

  @Test
  void build_aesLabel_failsWithWrongKeyType() {
    Pkcs11Exception e = assertThrows(Pkcs11Exception.class, () -> keyring(AES_KEY, RsaPadding.OAEP_SHA256_MGF1));

    assertEquals(Reason.WRONG_KEY_TYPE, e.reason());
    assertTrue(e.getMessage().contains("AES secret key"), e.getMessage());
  }

  @Test
  void build_unknownLabel_failsWithKeyNotFound() {
    assertEquals(Reason.KEY_NOT_FOUND,
        assertThrows(Pkcs11Exception.class, () -> keyring("no-such-pair", RsaPadding.PKCS1_LEGACY)).reason());
  }

  @Test
  void build_oaepOnTokenWithoutRawRsa_failsWithMechanismNotSupported() {
    Pkcs11Token noRawRsa = Pkcs11Token.open(tokens.config(MAIN_TOKEN).disableMechanism("CKM_RSA_X_509").build());

    Pkcs11Exception e = assertThrows(Pkcs11Exception.class, () -> Pkcs11Keyring.builder().token(noRawRsa)
        .keyNamespace(NAMESPACE).keyLabel(RSA_KEY).rsaPadding(RsaPadding.OAEP_SHA256_MGF1).build());

    assertEquals(Reason.UNSUPPORTED, e.reason());
    assertTrue(e.getMessage().contains("CKM_RSA_X_509"), e.getMessage());
  }

  @Test
  void build_pkcs1OnTokenWithoutRawRsa_failsWithMechanismNotSupported() {
    // PKCS#1 v1.5 is decoded in software with implicit rejection, around raw RSA in the token.
    Pkcs11Token noRawRsa = Pkcs11Token.open(tokens.config(MAIN_TOKEN).disableMechanism("CKM_RSA_X_509").build());

    Pkcs11Exception e = assertThrows(Pkcs11Exception.class, () -> Pkcs11Keyring.builder().token(noRawRsa)
        .keyNamespace(NAMESPACE).keyLabel(RSA_KEY).rsaPadding(RsaPadding.PKCS1_LEGACY).build());

    assertEquals(Reason.UNSUPPORTED, e.reason());
    assertTrue(e.getMessage().contains("CKM_RSA_X_509"), e.getMessage());
  }
}
