package dev.envelope.localkms;

import dev.envelope.localkms.junit.LocalKms;
import dev.envelope.localkms.junit.LocalKmsExtension;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.CommitmentPolicy;
import com.amazonaws.encryptionsdk.CryptoAlgorithm;
import com.amazonaws.encryptionsdk.CryptoResult;
import com.amazonaws.encryptionsdk.kmssdkv2.KmsMasterKeyProvider;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.GrantOperation;
import software.amazon.cryptography.materialproviders.IKeyring;
import software.amazon.cryptography.materialproviders.MaterialProviders;
import software.amazon.cryptography.materialproviders.model.CreateAwsKmsKeyringInput;
import software.amazon.cryptography.materialproviders.model.CreateAwsKmsMrkKeyringInput;
import software.amazon.cryptography.materialproviders.model.MaterialProvidersConfig;

/** The AWS Encryption SDK for Java 3.0.2 and its KMS keyrings, unchanged, through the endpoint. */
class KmsEsdkTest {
  static final KmsCredentials ROOT = KmsCredentials.random("root");
  static final KmsCredentials ALICE = KmsCredentials.random("user/alice");
  static final KmsCredentials BOB = KmsCredentials.random("user/bob");

  @RegisterExtension
  static final LocalKmsExtension KMS =
      new LocalKmsExtension(
          b ->
              b.regions("us-east-1", "us-west-2")
                  .credentials(ROOT, ALICE, BOB)
                  .grantPropagationDelay(java.time.Duration.ofHours(1)));

  private static final MaterialProviders MPL =
      MaterialProviders.builder()
          .MaterialProvidersConfig(MaterialProvidersConfig.builder().build())
          .build();
  private static final byte[] PLAINTEXT =
      "the quick brown fox, through a local KMS".getBytes(StandardCharsets.UTF_8);
  private static final Map<String, String> CONTEXT = Map.of("purpose", "esdk-interop");

  private static IKeyring kmsKeyring(KmsClient client, String keyArn, List<String> grantTokens) {
    return MPL.CreateAwsKmsKeyring(
        CreateAwsKmsKeyringInput.builder()
            .kmsKeyId(keyArn)
            .kmsClient(client)
            .grantTokens(grantTokens)
            .build());
  }

  @ParameterizedTest
  @EnumSource(
      value = CryptoAlgorithm.class,
      names = {
        "ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384",
        "ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY",
        "ALG_AES_128_GCM_IV12_TAG16_HKDF_SHA256"
      })
  void mplKmsKeyring_encryptThenDecrypt_roundTrips(CryptoAlgorithm suite, LocalKms kms) {
    String keyArn = kms.createKey();
    AwsCrypto crypto =
        AwsCrypto.builder()
            .withEncryptionAlgorithm(suite)
            .withCommitmentPolicy(
                suite.isCommitting()
                    ? CommitmentPolicy.RequireEncryptRequireDecrypt
                    : CommitmentPolicy.ForbidEncryptAllowDecrypt)
            .build();
    IKeyring keyring = kmsKeyring(kms.client(), keyArn, List.of());
    byte[] message = crypto.encryptData(keyring, PLAINTEXT, CONTEXT).getResult();
    assertEquals(1, kms.server().callCount(KmsOperation.GENERATE_DATA_KEY));
    CryptoResult<byte[], ?> decrypted = crypto.decryptData(keyring, message);
    assertArrayEquals(PLAINTEXT, decrypted.getResult());
    assertEquals("esdk-interop", decrypted.getEncryptionContext().get("purpose"));
    assertEquals(1, kms.server().callCount(KmsOperation.DECRYPT));
  }

  @Test
  void legacyKmsMasterKeyProvider_withClientSupplier_roundTrips(LocalKms kms) {
    String keyArn = kms.createKey();
    KmsMasterKeyProvider provider =
        KmsMasterKeyProvider.builder()
            .customRegionalClientSupplier(region -> kms.client(region.id()))
            .defaultRegion(Region.US_EAST_1)
            .buildStrict(keyArn);
    AwsCrypto crypto = AwsCrypto.standard();
    byte[] message = crypto.encryptData(provider, PLAINTEXT, CONTEXT).getResult();
    var decrypted = crypto.decryptData(provider, message);
    assertArrayEquals(PLAINTEXT, decrypted.getResult());
    assertEquals(List.of(keyArn), decrypted.getMasterKeyIds());
  }

  @Test
  void mrkKeyring_encryptInOneRegion_decryptsWithReplicaInOther(LocalKms kms) {
    KmsClient east = kms.client("us-east-1");
    KmsClient west = kms.client("us-west-2");
    String keyId = east.createKey(r -> r.multiRegion(true)).keyMetadata().keyId();
    east.replicateKey(r -> r.keyId(keyId).replicaRegion("us-west-2"));
    AwsCrypto crypto = AwsCrypto.standard();
    byte[] message =
        crypto
            .encryptData(
                MPL.CreateAwsKmsMrkKeyring(
                    CreateAwsKmsMrkKeyringInput.builder()
                        .kmsKeyId(kms.server().keyArn("us-east-1", keyId))
                        .kmsClient(east)
                        .build()),
                PLAINTEXT,
                CONTEXT)
            .getResult();
    IKeyring westKeyring =
        MPL.CreateAwsKmsMrkKeyring(
            CreateAwsKmsMrkKeyringInput.builder()
                .kmsKeyId(kms.server().keyArn("us-west-2", keyId))
                .kmsClient(west)
                .build());
    kms.server().resetCallCounts();
    assertArrayEquals(PLAINTEXT, crypto.decryptData(westKeyring, message).getResult());
    assertEquals(1, kms.server().callCount(KmsOperation.DECRYPT));
    // The plain (not MRK-aware) keyring refuses the other Region's ARN without calling KMS.
    IKeyring strictWest = kmsKeyring(west, kms.server().keyArn("us-west-2", keyId), List.of());
    assertThrows(RuntimeException.class, () -> crypto.decryptData(strictWest, message));
  }

  @Test
  void mplKmsKeyring_grantTokens_letAGranteeUseAKeyAtOnce(LocalKms kms) {
    String alicePolicy =
        "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
            + "\"arn:aws:iam::111122223333:user/alice\"},\"Action\":\"kms:*\","
            + "\"Resource\":\"*\"}]}";
    KmsClient alice = kms.client(kms.region(), ALICE);
    KmsClient bob = kms.client(kms.region(), BOB);
    String keyArn = alice.createKey(r -> r.policy(alicePolicy)).keyMetadata().arn();
    String token =
        alice
            .createGrant(
                r ->
                    r.keyId(keyArn)
                        .granteePrincipal("arn:aws:iam::111122223333:user/bob")
                        .operations(GrantOperation.GENERATE_DATA_KEY, GrantOperation.DECRYPT))
            .grantToken();
    AwsCrypto crypto = AwsCrypto.standard();
    RuntimeException denied =
        assertThrows(
            RuntimeException.class,
            () -> crypto.encryptData(kmsKeyring(bob, keyArn, List.of()), PLAINTEXT, CONTEXT));
    assertTrue(causes(denied).contains("AccessDeniedException"), causes(denied));
    IKeyring withToken = kmsKeyring(bob, keyArn, List.of(token));
    byte[] message = crypto.encryptData(withToken, PLAINTEXT, CONTEXT).getResult();
    assertArrayEquals(PLAINTEXT, crypto.decryptData(withToken, message).getResult());
  }

  @Test
  void mplKmsKeyring_disabledKey_failsWithDisabledException(LocalKms kms) {
    String keyArn = kms.createKey();
    IKeyring keyring = kmsKeyring(kms.client(), keyArn, List.of());
    AwsCrypto crypto = AwsCrypto.standard();
    byte[] message = crypto.encryptData(keyring, PLAINTEXT, CONTEXT).getResult();
    kms.client().disableKey(r -> r.keyId(keyArn));
    RuntimeException e =
        assertThrows(RuntimeException.class, () -> crypto.decryptData(keyring, message));
    assertTrue(causes(e).contains("DisabledException"), causes(e));
  }

  /** Every class, AWS error code and message down the cause and suppressed chains. */
  private static String causes(Throwable t) {
    StringBuilder sb = new StringBuilder();
    java.util.ArrayDeque<Throwable> todo = new java.util.ArrayDeque<>(List.of(t));
    java.util.Set<Throwable> seen =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    while (!todo.isEmpty()) {
      Throwable x = todo.pop();
      if (!seen.add(x)) {
        continue;
      }
      sb.append(x.getClass().getName());
      if (x instanceof software.amazon.awssdk.awscore.exception.AwsServiceException a
          && a.awsErrorDetails() != null) {
        sb.append(" [").append(a.awsErrorDetails().errorCode()).append(']');
      }
      sb.append(": ").append(x.getMessage()).append('\n');
      if (x.getCause() != null) {
        todo.add(x.getCause());
      }
      todo.addAll(List.of(x.getSuppressed()));
      if (x instanceof software.amazon.cryptography.materialproviders.model.CollectionOfErrors c) {
        todo.addAll(c.list());
      }
    }
    return sb.toString();
  }
}
