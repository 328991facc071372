package dev.envelope.kms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.AlgorithmSuite;
import dev.envelope.DecryptionMaterials;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionContext;
import dev.envelope.EncryptionMaterials;
import dev.envelope.KeyProviderException.Reason;
import dev.envelope.KeyProviderException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DecryptRequest;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyRequest;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;

/**
 * What the keyring sends to KMS and which answers it refuses, with a hand-written {@link KmsClient}
 * standing for a misbehaving endpoint (a real endpoint never answers this way, so the local
 * server cannot provoke it). Also checks that plaintext keys in responses are zeroed.
 */
class KmsKeyringRequestsTest {
  private static final String KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  private static final String OTHER = "arn:aws:kms:us-east-1:111122223333:key/ffff0000-12ab-34cd-56ef-1234567890ab";
  private static final AlgorithmSuite SUITE = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
  private static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme");

  /** A KmsClient whose answers the test decides; records requests. */
  static final class ScriptedKms implements KmsClient {
    final List<Object> requests = new ArrayList<>();
    Function<GenerateDataKeyRequest, GenerateDataKeyResponse> generate;
    Function<DecryptRequest, DecryptResponse> decrypt;

    @Override
    public GenerateDataKeyResponse generateDataKey(GenerateDataKeyRequest request) {
      requests.add(request);
      return generate.apply(request);
    }

    @Override
    public DecryptResponse decrypt(DecryptRequest request) {
      requests.add(request);
      return decrypt.apply(request);
    }

    @Override
    public String serviceName() {
      return "kms";
    }

    @Override
    public void close() {}
  }

  private static GenerateDataKeyResponse generated(String keyId, byte[] plaintext) {
    return GenerateDataKeyResponse.builder().keyId(keyId)
        .plaintext(SdkBytes.fromByteArrayUnsafe(plaintext))
        .ciphertextBlob(SdkBytes.fromByteArray(new byte[] {9, 9, 9})).build();
  }

  private static KmsKeyring keyring(ScriptedKms kms, List<String> grantTokens) {
    return KmsKeyring.builder().generatorKey(KEY).kmsClient(kms).grantTokens(grantTokens).build();
  }

  @Test
  void onEncrypt_sendsKeySuiteLengthFullContextAndGrantTokens_andZeroesKmsPlaintext() {
    ScriptedKms kms = new ScriptedKms();
    byte[] fromKms = new byte[32];
    Arrays.fill(fromKms, (byte) 7);
    kms.generate = r -> generated(KEY, fromKms);
    EncryptionMaterials m = keyring(kms, List.of("token-1")).onEncrypt(
        EncryptionMaterials.builder(SUITE, CONTEXT).build());
    GenerateDataKeyRequest request = (GenerateDataKeyRequest) kms.requests.get(0);
    assertEquals(KEY, request.keyId());
    assertEquals(32, request.numberOfBytes());
    assertEquals(Map.of("tenant", "acme"), request.encryptionContext());
    assertEquals(List.of("token-1"), request.grantTokens());
    byte[] key = m.dataKey().orElseThrow().copyPlaintext();
    assertEquals(7, key[0]);
    assertArrayEquals(new byte[32], fromKms, "the SDK's plaintext array was not zeroed");
    EncryptedDataKey edk = m.encryptedDataKeys().get(0);
    assertEquals("aws-kms", edk.providerId());
    assertEquals(KEY, edk.providerInfoUtf8());
    assertArrayEquals(new byte[] {9, 9, 9}, edk.ciphertext());
  }

  @Test
  void onEncrypt_wrongDataKeyLength_isInvalidResponseAndZeroed() {
    ScriptedKms kms = new ScriptedKms();
    byte[] fromKms = new byte[16];
    Arrays.fill(fromKms, (byte) 7);
    kms.generate = r -> generated(KEY, fromKms);
    KmsProviderException e = assertThrows(KmsProviderException.class,
        () -> keyring(kms, List.of()).onEncrypt(EncryptionMaterials.builder(SUITE, CONTEXT).build()));
    assertEquals(Reason.INVALID_RESPONSE, e.reason());
    assertTrue(e.getMessage().contains("16 bytes"), e.getMessage());
    assertArrayEquals(new byte[16], fromKms);
  }

  @Test
  void onEncrypt_responseKeyIdNotAKeyArn_isInvalidResponse() {
    ScriptedKms kms = new ScriptedKms();
    kms.generate = r -> generated("alias/sneaky", new byte[32]);
    KmsProviderException e = assertThrows(KmsProviderException.class,
        () -> keyring(kms, List.of()).onEncrypt(EncryptionMaterials.builder(SUITE, CONTEXT).build()));
    assertEquals(Reason.INVALID_RESPONSE, e.reason());
  }

  @Test
  void onDecrypt_alwaysSendsKeyIdAndRejectsAnswerFromOtherKey() {
    ScriptedKms kms = new ScriptedKms();
    byte[] fromKms = new byte[32];
    Arrays.fill(fromKms, (byte) 5);
    kms.decrypt = r -> DecryptResponse.builder().keyId(OTHER).plaintext(SdkBytes.fromByteArrayUnsafe(fromKms)).build();
    EncryptedDataKey edk = EncryptedDataKey.of("aws-kms", KEY, new byte[] {1, 2, 3});
    KmsProviderException e = assertThrows(KmsProviderException.class, () -> keyring(kms, List.of("t"))
        .onDecrypt(DecryptionMaterials.of(SUITE, CONTEXT, Set.of(), null), List.of(edk)));
    assertEquals(Reason.INVALID_RESPONSE, e.reason());
    assertTrue(e.getMessage().contains(OTHER), e.getMessage());
    DecryptRequest request = (DecryptRequest) kms.requests.get(0);
    assertEquals(KEY, request.keyId());
    assertEquals(Map.of("tenant", "acme"), request.encryptionContext());
    assertEquals(List.of("t"), request.grantTokens());
    assertArrayEquals(new byte[32], fromKms, "a rejected plaintext was not zeroed");
  }

  @Test
  void onDecrypt_success_zeroesKmsPlaintextAfterCopy() {
    ScriptedKms kms = new ScriptedKms();
    byte[] fromKms = new byte[32];
    Arrays.fill(fromKms, (byte) 5);
    kms.decrypt = r -> DecryptResponse.builder().keyId(KEY).plaintext(SdkBytes.fromByteArrayUnsafe(fromKms)).build();
    EncryptedDataKey edk = EncryptedDataKey.of("aws-kms", KEY, new byte[] {1, 2, 3});
    DecryptionMaterials m = keyring(kms, List.of())
        .onDecrypt(DecryptionMaterials.of(SUITE, CONTEXT, Set.of(), null), List.of(edk));
    assertEquals(5, m.dataKey().orElseThrow().copyPlaintext()[31]);
    assertArrayEquals(new byte[32], fromKms);
  }

  @Test
  void onDecrypt_otherProvidersOnly_isNoMatchListingThemWithoutCalls() {
    ScriptedKms kms = new ScriptedKms();
    EncryptedDataKey raw = EncryptedDataKey.of("my-raw-aes", new byte[] {1}, new byte[] {2});
    dev.envelope.NoMatchingKeyException e = assertThrows(dev.envelope.NoMatchingKeyException.class,
        () -> keyring(kms, List.of()).onDecrypt(DecryptionMaterials.of(SUITE, CONTEXT, Set.of(), null), List.of(raw)));
    assertTrue(e.getMessage().contains("#1 (provider my-raw-aes): skipped, not an aws-kms key"), e.getMessage());
    assertTrue(kms.requests.isEmpty());
  }

  @Test
  void discovery_regionNoSdkKnows_isSkippedWithoutBuildingAClient() {
    List<String> asked = new ArrayList<>();
    KmsDiscoveryKeyring discovery = KmsDiscoveryKeyring.builder()
        .clientSupplier(region -> {
          asked.add(region);
          throw new AssertionError("no client may be built for " + region);
        }).build();
    EncryptedDataKey invented = EncryptedDataKey.of(
        "aws-kms", "arn:aws:kms:zz-invented-9:111122223333:key/abc", new byte[] {1});
    dev.envelope.NoMatchingKeyException e = assertThrows(dev.envelope.NoMatchingKeyException.class,
        () -> discovery.onDecrypt(DecryptionMaterials.of(SUITE, CONTEXT, Set.of(), null), List.of(invented)));
    assertTrue(e.getMessage().contains("zz-invented-9, outside this keyring's regions"), e.getMessage());
    assertTrue(asked.isEmpty());
  }

  @Test
  void onDecrypt_manyForeignEdks_listsAtMost32() {
    List<EncryptedDataKey> many = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      many.add(EncryptedDataKey.of("other-" + i, new byte[] {1}, new byte[] {2}));
    }
    dev.envelope.NoMatchingKeyException e = assertThrows(dev.envelope.NoMatchingKeyException.class,
        () -> keyring(new ScriptedKms(), List.of()).onDecrypt(
            DecryptionMaterials.of(SUITE, CONTEXT, Set.of(), null), many));
    assertTrue(e.getMessage().contains("#32 (provider other-31)"), e.getMessage());
    assertTrue(!e.getMessage().contains("#33 ") && e.getMessage().contains("and 8 more"), e.getMessage());
  }
}
