package dev.envelope.kms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.CryptoAlgorithm;
import com.amazonaws.encryptionsdk.kmssdkv2.KmsMasterKeyProvider;
import dev.envelope.AlgorithmSuite;
import dev.envelope.CommitmentPolicy;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.localkms.junit.LocalKms;
import dev.envelope.localkms.junit.LocalKmsExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.cryptography.materialproviders.IKeyring;
import software.amazon.cryptography.materialproviders.MaterialProviders;
import software.amazon.cryptography.materialproviders.model.CreateAwsKmsDiscoveryKeyringInput;
import software.amazon.cryptography.materialproviders.model.CreateAwsKmsKeyringInput;
import software.amazon.cryptography.materialproviders.model.CreateAwsKmsMrkDiscoveryKeyringInput;
import software.amazon.cryptography.materialproviders.model.CreateAwsKmsMrkKeyringInput;
import software.amazon.cryptography.materialproviders.model.CreateAwsKmsMultiKeyringInput;
import software.amazon.cryptography.materialproviders.model.DiscoveryFilter;
import software.amazon.cryptography.materialproviders.model.MaterialProvidersConfig;

/**
 * Messages cross between Envelope's KMS keyrings and the AWS Encryption SDK for Java 3.0.2's
 * (Material Providers Library) KMS keyrings in both directions, for several suites, both talking
 * to the same local KMS endpoint through real SDK clients: the encrypted data keys are laid out
 * identically (provider id {@code aws-kms}, provider info = key ARN, ciphertext = KMS blob) and
 * the KMS encryption context is the same full materials context.
 */
class KmsEsdkInteropTest {
  @RegisterExtension
  static final LocalKmsExtension KMS = new LocalKmsExtension(b -> b.regions("us-east-1", "us-west-2"));

  private static final Map<String, String> CONTEXT_MAP = Map.of("tenant", "acme", "purpose", "interop");
  private static final EncryptionContext CONTEXT = EncryptionContext.from(CONTEXT_MAP);
  private static final byte[] PLAINTEXT = "crosses both ways, in frames and out of them"
      .repeat(200).getBytes(StandardCharsets.UTF_8);

  private static final MaterialProviders MPL = MaterialProviders.builder()
      .MaterialProvidersConfig(MaterialProvidersConfig.builder().build()).build();

  private static TestKms clients;
  private static KmsClientSupplier supplier;
  private static String generator;
  private static String child;
  private static String mrkEast;
  private static String mrkWest;
  private static String account;

  @BeforeAll
  static void start(LocalKms kms) {
    clients = new TestKms(kms);
    supplier = clients.supplier();
    generator = kms.createKey();
    child = kms.createKey();
    mrkEast = kms.client().createKey(r -> r.multiRegion(true)).keyMetadata().arn();
    mrkWest = kms.client().replicateKey(r -> r.keyId(mrkEast).replicaRegion("us-west-2"))
        .replicaKeyMetadata().arn();
    account = kms.server().accountId();
  }

  @AfterAll
  static void stop() {
    clients.close();
  }

  private static CommitmentPolicy policy(AlgorithmSuite suite) {
    return suite.isCommitting()
        ? CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT : CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT;
  }

  private static AwsCrypto esdk(AlgorithmSuite suite) {
    CryptoAlgorithm algorithm = null;
    for (CryptoAlgorithm a : CryptoAlgorithm.values()) {
      if ((a.getValue() & 0xFFFF) == suite.id()) {
        algorithm = a;
      }
    }
    return AwsCrypto.builder()
        .withCommitmentPolicy(suite.isCommitting()
            ? com.amazonaws.encryptionsdk.CommitmentPolicy.RequireEncryptRequireDecrypt
            : com.amazonaws.encryptionsdk.CommitmentPolicy.ForbidEncryptAllowDecrypt)
        .withEncryptionAlgorithm(algorithm)
        .build();
  }

  private static Envelope envelope(KmsKeyring keyring, AlgorithmSuite suite) {
    return Envelope.builder().keyring(keyring).algorithmSuite(suite).commitmentPolicy(policy(suite)).build();
  }

  private static Envelope decryptor(dev.envelope.Keyring keyring, AlgorithmSuite suite) {
    return Envelope.builder().keyring(keyring).commitmentPolicy(policy(suite)).build();
  }

  private static IKeyring esdkStrict(String key) {
    return MPL.CreateAwsKmsKeyring(CreateAwsKmsKeyringInput.builder()
        .kmsKeyId(key).kmsClient(supplier.clientFor("us-east-1")).build());
  }

  private static List<String> edkLayout(byte[] message) {
    List<String> layout = new ArrayList<>();
    for (EncryptedDataKey edk : Envelope.inspectUnauthenticated(message).encryptedDataKeys()) {
      layout.add(edk.providerId() + " " + edk.providerInfoUtf8());
    }
    return layout;
  }

  @ParameterizedTest
  @EnumSource(value = AlgorithmSuite.class, names = {
      "AES_256_GCM_HKDF_SHA512_COMMIT_KEY", "AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384",
      "AES_256_GCM_IV12_TAG16_HKDF_SHA256", "AES_128_GCM_IV12_TAG16_HKDF_SHA256_ECDSA_P256",
      "AES_192_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384"})
  void envelopeEncrypts_esdkKmsKeyringsDecrypt(AlgorithmSuite suite) {
    byte[] message = envelope(KmsKeyring.builder().generatorKey(generator).additionalKeys(child)
        .clientSupplier(supplier).build(), suite).encrypt(PLAINTEXT, CONTEXT);
    AwsCrypto esdk = esdk(suite);
    assertArrayEquals(PLAINTEXT, esdk.decryptData(esdkStrict(generator), message, CONTEXT_MAP).getResult());
    assertArrayEquals(PLAINTEXT, esdk.decryptData(esdkStrict(child), message, CONTEXT_MAP).getResult());
    IKeyring discovery = MPL.CreateAwsKmsDiscoveryKeyring(CreateAwsKmsDiscoveryKeyringInput.builder()
        .kmsClient(supplier.clientFor("us-east-1"))
        .discoveryFilter(DiscoveryFilter.builder().partition("aws").accountIds(List.of(account)).build())
        .build());
    assertArrayEquals(PLAINTEXT, esdk.decryptData(discovery, message, CONTEXT_MAP).getResult());
  }

  @ParameterizedTest
  @EnumSource(value = AlgorithmSuite.class, names = {
      "AES_256_GCM_HKDF_SHA512_COMMIT_KEY", "AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384",
      "AES_256_GCM_IV12_TAG16_HKDF_SHA256", "AES_128_GCM_IV12_TAG16_HKDF_SHA256_ECDSA_P256",
      "AES_192_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384"})
  void esdkEncrypts_envelopeKmsKeyringsDecrypt(AlgorithmSuite suite) {
    IKeyring esdkMulti = MPL.CreateAwsKmsMultiKeyring(CreateAwsKmsMultiKeyringInput.builder()
        .generator(generator).kmsKeyIds(List.of(child))
        .clientSupplier(input -> supplier.clientFor(input.region())).build());
    byte[] message = esdk(suite).encryptData(esdkMulti, PLAINTEXT, CONTEXT_MAP).getResult();
    assertEquals(List.of("aws-kms " + generator, "aws-kms " + child), edkLayout(message));
    for (String key : List.of(generator, child)) {
      KmsKeyring strict = KmsKeyring.builder().generatorKey(key).clientSupplier(supplier).build();
      assertArrayEquals(PLAINTEXT, decryptor(strict, suite).decrypt(message, CONTEXT).plaintext(), key);
    }
    KmsDiscoveryKeyring discovery = KmsDiscoveryKeyring.builder()
        .discoveryFilter(dev.envelope.kms.DiscoveryFilter.of("aws", account)).clientSupplier(supplier).build();
    assertArrayEquals(PLAINTEXT, decryptor(discovery, suite).decrypt(message, CONTEXT).plaintext());
  }

  @Test
  void sameKeys_bothLibrariesWriteTheSameEdkLayout() {
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
    byte[] ours = envelope(KmsKeyring.builder().generatorKey(generator).additionalKeys(child)
        .clientSupplier(supplier).build(), suite).encrypt(PLAINTEXT, CONTEXT);
    IKeyring esdkMulti = MPL.CreateAwsKmsMultiKeyring(CreateAwsKmsMultiKeyringInput.builder()
        .generator(generator).kmsKeyIds(List.of(child))
        .clientSupplier(input -> supplier.clientFor(input.region())).build());
    byte[] theirs = esdk(suite).encryptData(esdkMulti, PLAINTEXT, CONTEXT_MAP).getResult();
    assertEquals(edkLayout(theirs), edkLayout(ours));
  }

  @Test
  void envelopeEncryptsUnderEastMrk_esdkMrkKeyringInWestDecrypts() {
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384;
    byte[] message = envelope(KmsKeyring.builder().generatorKey(mrkEast).clientSupplier(supplier).build(), suite)
        .encrypt(PLAINTEXT, CONTEXT);
    IKeyring westMrk = MPL.CreateAwsKmsMrkKeyring(CreateAwsKmsMrkKeyringInput.builder()
        .kmsKeyId(mrkWest).kmsClient(supplier.clientFor("us-west-2")).build());
    assertArrayEquals(PLAINTEXT, esdk(suite).decryptData(westMrk, message, CONTEXT_MAP).getResult());
    IKeyring westDiscovery = MPL.CreateAwsKmsMrkDiscoveryKeyring(CreateAwsKmsMrkDiscoveryKeyringInput.builder()
        .kmsClient(supplier.clientFor("us-west-2")).region("us-west-2")
        .discoveryFilter(DiscoveryFilter.builder().partition("aws").accountIds(List.of(account)).build())
        .build());
    assertArrayEquals(PLAINTEXT, esdk(suite).decryptData(westDiscovery, message, CONTEXT_MAP).getResult());
  }

  @Test
  void esdkEncryptsUnderEastMrk_envelopeMrkKeyringsInWestDecrypt() {
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
    IKeyring eastMrk = MPL.CreateAwsKmsMrkKeyring(CreateAwsKmsMrkKeyringInput.builder()
        .kmsKeyId(mrkEast).kmsClient(supplier.clientFor("us-east-1")).build());
    byte[] message = esdk(suite).encryptData(eastMrk, PLAINTEXT, CONTEXT_MAP).getResult();
    KmsKeyring west = KmsKeyring.builder().generatorKey(mrkWest).multiRegionAware(true)
        .kmsClient(supplier.clientFor("us-west-2")).build();
    assertArrayEquals(PLAINTEXT, decryptor(west, suite).decrypt(message, CONTEXT).plaintext());
    KmsDiscoveryKeyring westDiscovery = KmsDiscoveryKeyring.builder().multiRegionAware(true)
        .kmsClient(supplier.clientFor("us-west-2")).build();
    assertArrayEquals(PLAINTEXT, decryptor(westDiscovery, suite).decrypt(message, CONTEXT).plaintext());
  }

  @Test
  void esdkLegacyKmsMasterKeyProvider_interopsBothWays() {
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384;
    KmsMasterKeyProvider provider = KmsMasterKeyProvider.builder()
        .customRegionalClientSupplier(region -> supplier.clientFor(region.id()))
        .buildStrict(generator, child);
    byte[] ours = envelope(KmsKeyring.builder().generatorKey(generator).additionalKeys(child)
        .clientSupplier(supplier).build(), suite).encrypt(PLAINTEXT, CONTEXT);
    var result = esdk(suite).decryptData(provider, ours);
    assertArrayEquals(PLAINTEXT, result.getResult());
    assertEquals("acme", result.getEncryptionContext().get("tenant"));
    byte[] theirs = esdk(suite).encryptData(provider, PLAINTEXT, CONTEXT_MAP).getResult();
    assertEquals(List.of("aws-kms " + generator, "aws-kms " + child), edkLayout(theirs));
    KmsKeyring childOnly = KmsKeyring.builder().generatorKey(child).clientSupplier(supplier).build();
    assertArrayEquals(PLAINTEXT, decryptor(childOnly, suite).decrypt(theirs, CONTEXT).plaintext());
  }
}
