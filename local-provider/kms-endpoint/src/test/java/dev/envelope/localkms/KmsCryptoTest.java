package dev.envelope.localkms;

import dev.envelope.localkms.junit.LocalKms;
import dev.envelope.localkms.junit.LocalKmsExtension;

import static dev.envelope.localkms.KmsAssertions.assertKmsError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.EncryptionAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.ReEncryptResponse;

/** GenerateDataKey, Encrypt, Decrypt, ReEncrypt, GenerateRandom and their error paths. */
@ExtendWith(LocalKmsExtension.class)
class KmsCryptoTest {
  private static final Map<String, String> CONTEXT = Map.of("purpose", "test", "tenant", "a");
  private static String keyArn;
  private static String otherKeyArn;

  @BeforeAll
  static void keys(LocalKms kms) {
    keyArn = kms.createKey();
    otherKeyArn = kms.createKey();
    kms.client().createAlias(r -> r.aliasName("alias/crypto").targetKeyId(keyArn));
  }

  @Test
  void generateDataKey_aes256_returnsKeyCiphertextAndArn(LocalKms kms) {
    GenerateDataKeyResponse r =
        kms.client()
            .generateDataKey(
                b -> b.keyId(keyArn).keySpec(DataKeySpec.AES_256).encryptionContext(CONTEXT));
    assertEquals(32, r.plaintext().asByteArray().length);
    assertEquals(keyArn, r.keyId());
    assertTrue(r.ciphertextBlob().asByteArray().length > 32 + 16);
    var d =
        kms.client().decrypt(b -> b.ciphertextBlob(r.ciphertextBlob()).encryptionContext(CONTEXT));
    assertEquals(r.plaintext(), d.plaintext());
    assertEquals(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT, d.encryptionAlgorithm());
  }

  @Test
  void generateDataKey_aes128_returns16Bytes(LocalKms kms) {
    assertEquals(
        16,
        kms.client()
            .generateDataKey(b -> b.keyId(keyArn).keySpec(DataKeySpec.AES_128))
            .plaintext()
            .asByteArray()
            .length);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 64, 1024})
  void generateDataKey_numberOfBytes_returnsThatMany(int n, LocalKms kms) {
    var r = kms.client().generateDataKey(b -> b.keyId(keyArn).numberOfBytes(n));
    assertEquals(n, r.plaintext().asByteArray().length);
    assertEquals(
        r.plaintext(), kms.client().decrypt(b -> b.ciphertextBlob(r.ciphertextBlob())).plaintext());
  }

  @Test
  void generateDataKey_twice_givesDifferentKeys(LocalKms kms) {
    var a = kms.client().generateDataKey(b -> b.keyId(keyArn).numberOfBytes(32));
    var b2 = kms.client().generateDataKey(b -> b.keyId(keyArn).numberOfBytes(32));
    assertNotEquals(a.plaintext(), b2.plaintext());
    assertNotEquals(a.ciphertextBlob(), b2.ciphertextBlob());
  }

  @Test
  void generateDataKey_badSizeParameters_failsValidation(LocalKms kms) {
    KmsClient c = kms.client();
    var neither =
        assertKmsError("ValidationException", () -> c.generateDataKey(b -> b.keyId(keyArn)));
    assertEquals(
        "Please specify either number of bytes or key spec.",
        neither.awsErrorDetails().errorMessage());
    assertKmsError(
        "ValidationException",
        () ->
            c.generateDataKey(b -> b.keyId(keyArn).numberOfBytes(32).keySpec(DataKeySpec.AES_256)));
    assertKmsError(
        "ValidationException", () -> c.generateDataKey(b -> b.keyId(keyArn).numberOfBytes(0)));
    assertKmsError(
        "ValidationException", () -> c.generateDataKey(b -> b.keyId(keyArn).numberOfBytes(1025)));
    assertKmsError(
        "ValidationException", () -> c.generateDataKey(b -> b.keyId(keyArn).keySpec("AES_512")));
    assertKmsError("ValidationException", () -> c.generateDataKey(b -> b.numberOfBytes(32)));
  }

  @Test
  void generateDataKey_byAlias_answersWithKeyArn(LocalKms kms) {
    assertEquals(
        keyArn,
        kms.client()
            .generateDataKey(b -> b.keyId("alias/crypto").keySpec(DataKeySpec.AES_256))
            .keyId());
  }

  @Test
  void generateDataKeyWithoutPlaintext_decryptsToKeyOfRequestedLength(LocalKms kms) {
    var r =
        kms.client()
            .generateDataKeyWithoutPlaintext(
                b -> b.keyId(keyArn).keySpec(DataKeySpec.AES_128).encryptionContext(CONTEXT));
    assertEquals(keyArn, r.keyId());
    assertEquals(
        16,
        kms.client()
            .decrypt(b -> b.ciphertextBlob(r.ciphertextBlob()).encryptionContext(CONTEXT))
            .plaintext()
            .asByteArray()
            .length);
  }

  @Test
  void encryptThenDecrypt_withoutKeyId_findsKeyFromBlob(LocalKms kms) {
    var e =
        kms.client()
            .encrypt(
                b ->
                    b.keyId("alias/crypto")
                        .plaintext(SdkBytes.fromUtf8String("secret"))
                        .encryptionContext(CONTEXT));
    assertEquals(keyArn, e.keyId());
    assertEquals(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT, e.encryptionAlgorithm());
    var d =
        kms.client().decrypt(b -> b.ciphertextBlob(e.ciphertextBlob()).encryptionContext(CONTEXT));
    assertEquals("secret", d.plaintext().asUtf8String());
    assertEquals(keyArn, d.keyId());
  }

  @Test
  void decrypt_contextInOtherInsertionOrder_succeeds(LocalKms kms) {
    Map<String, String> ab = new LinkedHashMap<>();
    ab.put("a", "1");
    ab.put("b", "2");
    Map<String, String> ba = new LinkedHashMap<>();
    ba.put("b", "2");
    ba.put("a", "1");
    var e =
        kms.client()
            .encrypt(
                b -> b.keyId(keyArn).plaintext(SdkBytes.fromUtf8String("x")).encryptionContext(ab));
    assertEquals(
        "x",
        kms.client()
            .decrypt(b -> b.ciphertextBlob(e.ciphertextBlob()).encryptionContext(ba))
            .plaintext()
            .asUtf8String());
  }

  @Test
  void decrypt_changedMissingOrExtraContext_failsInvalidCiphertext(LocalKms kms) {
    var e =
        kms.client()
            .encrypt(
                b ->
                    b.keyId(keyArn)
                        .plaintext(SdkBytes.fromUtf8String("x"))
                        .encryptionContext(CONTEXT));
    for (Map<String, String> wrong :
        java.util.List.of(
            Map.of("purpose", "test", "tenant", "b"),
            Map.of("purpose", "test"),
            Map.<String, String>of(),
            Map.of("purpose", "test", "tenant", "a", "extra", "1"),
            Map.of("Purpose", "test", "tenant", "a"))) {
      var ex =
          assertKmsError(
              "InvalidCiphertextException",
              () ->
                  kms.client()
                      .decrypt(b -> b.ciphertextBlob(e.ciphertextBlob()).encryptionContext(wrong)));
      assertNull(ex.awsErrorDetails().errorMessage());
    }
  }

  @Test
  void decrypt_keyIdNamingTheKey_succeedsByIdArnOrAlias(LocalKms kms) {
    var e = kms.client().encrypt(b -> b.keyId(keyArn).plaintext(SdkBytes.fromUtf8String("x")));
    String keyId = keyArn.substring(keyArn.indexOf("key/") + 4);
    for (String id : java.util.List.of(keyId, keyArn, "alias/crypto")) {
      assertEquals(
          keyArn,
          kms.client().decrypt(b -> b.ciphertextBlob(e.ciphertextBlob()).keyId(id)).keyId());
    }
  }

  @Test
  void decrypt_keyIdOfAnotherKey_failsIncorrectKey(LocalKms kms) {
    var e = kms.client().encrypt(b -> b.keyId(keyArn).plaintext(SdkBytes.fromUtf8String("x")));
    var ex =
        assertKmsError(
            "IncorrectKeyException",
            () ->
                kms.client().decrypt(b -> b.ciphertextBlob(e.ciphertextBlob()).keyId(otherKeyArn)));
    assertTrue(ex.awsErrorDetails().errorMessage().contains("does not identify"));
    assertKmsError(
        "NotFoundException",
        () ->
            kms.client()
                .decrypt(
                    b ->
                        b.ciphertextBlob(e.ciphertextBlob())
                            .keyId("1234abcd-12ab-34cd-56ef-1234567890ab")));
  }

  @Test
  void decrypt_tamperedOrTruncatedOrGarbageBlob_failsInvalidCiphertext(LocalKms kms) {
    byte[] blob =
        kms.client()
            .encrypt(b -> b.keyId(keyArn).plaintext(SdkBytes.fromUtf8String("secret")))
            .ciphertextBlob()
            .asByteArray();
    // Flip one bit in each region: header, key id, version, nonce, ciphertext, tag.
    for (int i = 0; i < blob.length; i++) {
      byte[] tampered = blob.clone();
      tampered[i] ^= 0x01;
      var ex =
          org.junit.jupiter.api.Assertions.assertThrows(
              software.amazon.awssdk.services.kms.model.KmsException.class,
              () -> kms.client().decrypt(b -> b.ciphertextBlob(SdkBytes.fromByteArray(tampered))));
      String code = ex.awsErrorDetails().errorCode();
      // A flipped key-id byte may still name a well-formed id of no key: NotFoundException.
      assertTrue(
          code.equals("InvalidCiphertextException") || code.equals("NotFoundException"),
          "byte " + i + ": " + code);
    }
    for (int n = 1; n < blob.length; n++) {
      byte[] truncated = java.util.Arrays.copyOf(blob, n);
      assertKmsError(
          "InvalidCiphertextException",
          () -> kms.client().decrypt(b -> b.ciphertextBlob(SdkBytes.fromByteArray(truncated))));
    }
    assertKmsError(
        "InvalidCiphertextException",
        () ->
            kms.client()
                .decrypt(
                    b -> b.ciphertextBlob(SdkBytes.fromUtf8String("not a kms ciphertext blob"))));
  }

  @Test
  void decrypt_blobSizeOutOfRange_failsValidation(LocalKms kms) {
    assertKmsError(
        "ValidationException",
        () -> kms.client().decrypt(b -> b.ciphertextBlob(SdkBytes.fromByteArray(new byte[6145]))));
    assertKmsError(
        "ValidationException",
        () -> kms.client().decrypt(b -> b.ciphertextBlob(SdkBytes.fromByteArray(new byte[0]))));
  }

  @Test
  void cryptoOperations_disabledKey_failDisabled(LocalKms kms) {
    KmsClient c = kms.client();
    String arn = kms.createKey();
    var blob =
        c.encrypt(b -> b.keyId(arn).plaintext(SdkBytes.fromUtf8String("x"))).ciphertextBlob();
    c.disableKey(b -> b.keyId(arn));
    var ex = assertKmsError("DisabledException", () -> c.decrypt(b -> b.ciphertextBlob(blob)));
    assertEquals(arn + " is disabled.", ex.awsErrorDetails().errorMessage());
    assertKmsError(
        "DisabledException",
        () -> c.encrypt(b -> b.keyId(arn).plaintext(SdkBytes.fromUtf8String("x"))));
    assertKmsError(
        "DisabledException",
        () -> c.generateDataKeyWithoutPlaintext(b -> b.keyId(arn).numberOfBytes(16)));
    assertKmsError(
        "DisabledException",
        () -> c.reEncrypt(b -> b.ciphertextBlob(blob).destinationKeyId(keyArn)));
  }

  @Test
  void cryptoOperations_pendingDeletionKey_failKmsInvalidState(LocalKms kms) {
    KmsClient c = kms.client();
    String arn = kms.createKey();
    var blob =
        c.encrypt(b -> b.keyId(arn).plaintext(SdkBytes.fromUtf8String("x"))).ciphertextBlob();
    c.scheduleKeyDeletion(b -> b.keyId(arn).pendingWindowInDays(7));
    var ex =
        assertKmsError("KMSInvalidStateException", () -> c.decrypt(b -> b.ciphertextBlob(blob)));
    assertEquals(arn + " is pending deletion.", ex.awsErrorDetails().errorMessage());
    assertKmsError(
        "KMSInvalidStateException",
        () -> c.generateDataKey(b -> b.keyId(arn).keySpec(DataKeySpec.AES_256)));
  }

  @Test
  void encrypt_plaintextOutOfRange_failsValidation(LocalKms kms) {
    var ex =
        assertKmsError(
            "ValidationException",
            () ->
                kms.client()
                    .encrypt(
                        b -> b.keyId(keyArn).plaintext(SdkBytes.fromByteArray(new byte[4097]))));
    assertTrue(ex.awsErrorDetails().errorMessage().contains("plaintext"));
    assertKmsError(
        "ValidationException",
        () ->
            kms.client()
                .encrypt(b -> b.keyId(keyArn).plaintext(SdkBytes.fromByteArray(new byte[0]))));
    byte[] max = new byte[4096];
    var e = kms.client().encrypt(b -> b.keyId(keyArn).plaintext(SdkBytes.fromByteArray(max)));
    assertArrayEquals(
        max,
        kms.client().decrypt(b -> b.ciphertextBlob(e.ciphertextBlob())).plaintext().asByteArray());
  }

  @Test
  void encrypt_asymmetricAlgorithm_failsInvalidKeyUsage(LocalKms kms) {
    assertKmsError(
        "InvalidKeyUsageException",
        () ->
            kms.client()
                .encrypt(
                    b ->
                        b.keyId(keyArn)
                            .plaintext(SdkBytes.fromUtf8String("x"))
                            .encryptionAlgorithm(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256)));
    assertKmsError(
        "ValidationException",
        () ->
            kms.client()
                .encrypt(
                    b ->
                        b.keyId(keyArn)
                            .plaintext(SdkBytes.fromUtf8String("x"))
                            .encryptionAlgorithm("ROT13")));
  }

  @Test
  void dryRun_wouldSucceed_failsDryRunOperationWithoutEffect(LocalKms kms) {
    assertKmsError(
        "DryRunOperationException",
        412,
        () ->
            kms.client()
                .encrypt(
                    b -> b.keyId(keyArn).plaintext(SdkBytes.fromUtf8String("x")).dryRun(true)));
    assertKmsError(
        "DryRunOperationException",
        412,
        () -> kms.client().generateDataKey(b -> b.keyId(keyArn).numberOfBytes(32).dryRun(true)));
  }

  @Test
  void reEncrypt_toOtherKeyAndContext_decryptsOnlyUnderTheNewOnes(LocalKms kms) {
    KmsClient c = kms.client();
    var e =
        c.encrypt(
            b ->
                b.keyId(keyArn)
                    .plaintext(SdkBytes.fromUtf8String("moved"))
                    .encryptionContext(CONTEXT));
    Map<String, String> newContext = Map.of("stage", "two");
    ReEncryptResponse r =
        c.reEncrypt(
            b ->
                b.ciphertextBlob(e.ciphertextBlob())
                    .sourceEncryptionContext(CONTEXT)
                    .destinationKeyId(otherKeyArn)
                    .destinationEncryptionContext(newContext));
    assertEquals(keyArn, r.sourceKeyId());
    assertEquals(otherKeyArn, r.keyId());
    assertEquals(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT, r.sourceEncryptionAlgorithm());
    assertEquals(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT, r.destinationEncryptionAlgorithm());
    var d = c.decrypt(b -> b.ciphertextBlob(r.ciphertextBlob()).encryptionContext(newContext));
    assertEquals("moved", d.plaintext().asUtf8String());
    assertEquals(otherKeyArn, d.keyId());
    assertKmsError(
        "InvalidCiphertextException",
        () -> c.decrypt(b -> b.ciphertextBlob(r.ciphertextBlob()).encryptionContext(CONTEXT)));
  }

  @Test
  void reEncrypt_wrongSourceContextOrKey_failsLikeDecrypt(LocalKms kms) {
    KmsClient c = kms.client();
    var e =
        c.encrypt(
            b ->
                b.keyId(keyArn).plaintext(SdkBytes.fromUtf8String("x")).encryptionContext(CONTEXT));
    assertKmsError(
        "InvalidCiphertextException",
        () -> c.reEncrypt(b -> b.ciphertextBlob(e.ciphertextBlob()).destinationKeyId(otherKeyArn)));
    assertKmsError(
        "IncorrectKeyException",
        () ->
            c.reEncrypt(
                b ->
                    b.ciphertextBlob(e.ciphertextBlob())
                        .sourceEncryptionContext(CONTEXT)
                        .sourceKeyId(otherKeyArn)
                        .destinationKeyId(otherKeyArn)));
    assertKmsError(
        "ValidationException",
        () ->
            c.reEncrypt(
                b -> b.ciphertextBlob(e.ciphertextBlob()).sourceEncryptionContext(CONTEXT)));
  }

  @Test
  void generateRandom_returnsRequestedBytes_andChecksRange(LocalKms kms) {
    byte[] a = kms.client().generateRandom(b -> b.numberOfBytes(64)).plaintext().asByteArray();
    byte[] b2 = kms.client().generateRandom(b -> b.numberOfBytes(64)).plaintext().asByteArray();
    assertEquals(64, a.length);
    assertFalse(java.util.Arrays.equals(a, b2));
    assertKmsError(
        "ValidationException", () -> kms.client().generateRandom(b -> b.numberOfBytes(1025)));
    assertKmsError("ValidationException", () -> kms.client().generateRandom(b -> {}));
  }
}
