package dev.envelope.kms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.AlgorithmSuite;
import dev.envelope.DecryptionMaterials;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionContext;
import dev.envelope.EncryptionMaterials;
import dev.envelope.Envelope;
import dev.envelope.KeyProviderException;
import dev.envelope.MalformedMessageException;
import dev.envelope.NoMatchingKeyException;
import dev.envelope.keyring.MultiKeyring;
import dev.envelope.KeyProviderException.Reason;
import dev.envelope.localkms.KmsOperation;
import dev.envelope.localkms.LocalKmsServer;
import dev.envelope.localkms.junit.LocalKms;
import dev.envelope.localkms.junit.LocalKmsExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The strict KMS keyring against the local KMS endpoint, through the real SDK client over HTTP
 * (keyrings.md §6.2): what it writes, which keys it asks KMS to decrypt with, and how KMS
 * refusals surface.
 */
class KmsKeyringTest {
  @RegisterExtension
  static final LocalKmsExtension KMS = new LocalKmsExtension();

  private static TestKms clients;
  private static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme", "purpose", "test");
  private static final byte[] PLAINTEXT = "attack at dawn".getBytes(StandardCharsets.UTF_8);

  @BeforeAll
  static void start(LocalKms kms) {
    clients = new TestKms(kms);
  }

  @AfterAll
  static void stop() {
    clients.close();
  }

  private static KmsKeyring keyring(String generator, String... additional) {
    return KmsKeyring.builder().generatorKey(generator).additionalKeys(additional)
        .clientSupplier(clients.supplier()).build();
  }

  private static Envelope envelope(KmsKeyring keyring) {
    return Envelope.builder().keyring(keyring).build();
  }

  @Test
  void encryptDecrypt_oneKey_roundTripsWithOneCallEach(LocalKms kms, LocalKmsServer server) {
    String key = kms.createKey();
    server.resetCallCounts();
    Envelope envelope = envelope(keyring(key));
    byte[] message = envelope.encrypt(PLAINTEXT, CONTEXT);
    assertArrayEquals(PLAINTEXT, envelope.decrypt(message, CONTEXT).plaintext());
    assertEquals(1, server.callCount(KmsOperation.GENERATE_DATA_KEY));
    assertEquals(0, server.callCount(KmsOperation.ENCRYPT));
    assertEquals(1, server.callCount(KmsOperation.DECRYPT));
  }

  @Test
  void encrypt_writesEdkAsTheEsdkDoes_providerAwsKmsAndKeyArn(LocalKms kms) {
    String key = kms.createKey();
    byte[] message = envelope(keyring(key)).encrypt(PLAINTEXT, CONTEXT);
    List<EncryptedDataKey> edks = Envelope.inspectUnauthenticated(message).encryptedDataKeys();
    assertEquals(1, edks.size());
    assertEquals("aws-kms", edks.get(0).providerId());
    assertArrayEquals(key.getBytes(StandardCharsets.UTF_8), edks.get(0).providerInfo());
  }

  @Test
  void decrypt_keyringOfOtherKey_failsWithoutCallingKms(LocalKms kms, LocalKmsServer server) {
    String key = kms.createKey();
    String other = kms.createKey();
    byte[] message = envelope(keyring(key)).encrypt(PLAINTEXT, CONTEXT);
    server.resetCallCounts();
    NoMatchingKeyException e = assertThrows(NoMatchingKeyException.class,
        () -> envelope(keyring(other)).decrypt(message, CONTEXT));
    assertTrue(e.getMessage().contains(key) && e.getMessage().contains("not one of this keyring's keys"),
        e.getMessage());
    assertEquals(0, server.callCount(KmsOperation.DECRYPT));
  }

  @Test
  void encrypt_aliasName_recordsKeyArnNotAlias(LocalKms kms) {
    String key = kms.createKey();
    kms.client().createAlias(r -> r.aliasName("alias/orders-" + System.nanoTime()).targetKeyId(key));
    String alias = kms.client().listAliases(r -> r.keyId(key)).aliases().get(0).aliasName();
    KmsKeyring byAlias = KmsKeyring.builder().generatorKey(alias)
        .kmsClient(clients.client(kms.region())).build();
    byte[] message = envelope(byAlias).encrypt(PLAINTEXT, CONTEXT);
    EncryptedDataKey edk = Envelope.inspectUnauthenticated(message).encryptedDataKeys().get(0);
    assertEquals(key, edk.providerInfoUtf8());
    assertArrayEquals(PLAINTEXT, envelope(keyring(key)).decrypt(message, CONTEXT).plaintext());
  }

  @Test
  void decrypt_keyringConfiguredByAlias_failsExplainingThatMessagesRecordArns(LocalKms kms, LocalKmsServer server) {
    String key = kms.createKey();
    String aliasArn = "arn:aws:kms:" + kms.region() + ":" + server.accountId() + ":alias/billing-" + System.nanoTime();
    kms.client().createAlias(r -> r.aliasName(aliasArn.substring(aliasArn.indexOf("alias/"))).targetKeyId(key));
    KmsKeyring byAlias = KmsKeyring.builder().generatorKey(aliasArn).clientSupplier(clients.supplier()).build();
    byte[] message = envelope(byAlias).encrypt(PLAINTEXT, CONTEXT);
    server.resetCallCounts();
    NoMatchingKeyException e = assertThrows(NoMatchingKeyException.class,
        () -> envelope(byAlias).decrypt(message, CONTEXT));
    assertTrue(e.getMessage().contains("record the key ARN"), e.getMessage());
    assertTrue(e.getMessage().contains("resolveAliasesOnDecrypt(true)"), e.getMessage());
    assertEquals(0, server.callCount(KmsOperation.DECRYPT));
  }

  @Test
  void decrypt_aliasWithResolveOnDecrypt_looksUpAliasAndDecrypts(LocalKms kms, LocalKmsServer server) {
    String key = kms.createKey();
    String alias = "alias/resolve-" + System.nanoTime();
    kms.client().createAlias(r -> r.aliasName(alias).targetKeyId(key));
    KmsKeyring byAlias = KmsKeyring.builder().generatorKey(alias).resolveAliasesOnDecrypt(true)
        .kmsClient(clients.client(kms.region())).build();
    byte[] message = envelope(byAlias).encrypt(PLAINTEXT, CONTEXT);
    server.resetCallCounts();
    assertArrayEquals(PLAINTEXT, envelope(byAlias).decrypt(message, CONTEXT).plaintext());
    assertEquals(1, server.callCount(KmsOperation.DESCRIBE_KEY));
    assertEquals(1, server.callCount(KmsOperation.DECRYPT));
  }

  @Test
  void onDecrypt_otherContext_isInvalidCiphertextWithRequestId(LocalKms kms) {
    String key = kms.createKey();
    KmsKeyring keyring = keyring(key);
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
    EncryptionMaterials encrypted = keyring.onEncrypt(EncryptionMaterials.builder(suite, CONTEXT).build());
    DecryptionMaterials wrongContext = DecryptionMaterials.of(
        suite, EncryptionContext.of("tenant", "other"), Set.of(), null);
    KmsProviderException e = assertThrows(KmsProviderException.class,
        () -> keyring.onDecrypt(wrongContext, encrypted.encryptedDataKeys()));
    assertEquals(Reason.INVALID_CIPHERTEXT, e.reason());
    assertEquals("InvalidCiphertextException", e.errorCode().orElseThrow());
    assertFalse(e.requestId().orElseThrow().isEmpty());
    assertTrue(e.getMessage().contains("encryption context"), e.getMessage());
    encrypted.dataKey().orElseThrow().close();
  }

  @Test
  void onDecrypt_awsKmsEdkWhoseInfoIsNotAnArn_isMalformed(LocalKms kms) {
    KmsKeyring keyring = keyring(kms.createKey());
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
    EncryptedDataKey bogus = EncryptedDataKey.of("aws-kms", "alias/not-an-arn", new byte[] {1, 2, 3});
    assertThrows(MalformedMessageException.class, () -> keyring.onDecrypt(
        DecryptionMaterials.of(suite, CONTEXT, Set.of(), null), List.of(bogus)));
  }

  @Test
  void encrypt_disabledKey_isKeyDisabled(LocalKms kms) {
    String key = kms.createKey();
    kms.client().disableKey(r -> r.keyId(key));
    KmsProviderException e = assertThrows(KmsProviderException.class,
        () -> envelope(keyring(key)).encrypt(PLAINTEXT, CONTEXT));
    assertEquals(Reason.KEY_DISABLED, e.reason());
    assertEquals("DisabledException", e.errorCode().orElseThrow());
    assertEquals("GenerateDataKey", e.operation().orElseThrow());
    assertTrue(e.getMessage().contains("EnableKey"), e.getMessage());
  }

  @Test
  void decrypt_keyPendingDeletion_isKeyPendingDeletion(LocalKms kms) {
    String key = kms.createKey();
    byte[] message = envelope(keyring(key)).encrypt(PLAINTEXT, CONTEXT);
    kms.client().scheduleKeyDeletion(r -> r.keyId(key).pendingWindowInDays(7));
    KmsProviderException e = assertThrows(KmsProviderException.class,
        () -> envelope(keyring(key)).decrypt(message, CONTEXT));
    assertEquals(Reason.KEY_PENDING_DELETION, e.reason());
    assertEquals("KMSInvalidStateException", e.errorCode().orElseThrow());
    assertTrue(e.getMessage().contains("#1 (aws-kms " + key + "): tried"), e.getMessage());
  }

  @Test
  void encrypt_keyInOtherAccountRegionOrUnknown_isKeyNotFound(LocalKms kms, LocalKmsServer server) {
    String missing = server.keyArn(kms.region(), "00000000-0000-0000-0000-000000000000");
    KmsProviderException e = assertThrows(KmsProviderException.class,
        () -> envelope(keyring(missing)).encrypt(PLAINTEXT, CONTEXT));
    assertEquals(Reason.KEY_NOT_FOUND, e.reason());
  }

  @Test
  void clientSupplierReturningOtherRegion_isWrongRegionWithoutCall(LocalKms kms, LocalKmsServer server) {
    String key = kms.createKey();
    String otherRegion = "eu-central-1";
    KmsKeyring misrouted = KmsKeyring.builder().generatorKey(key)
        .clientSupplier(region -> clients.client(otherRegion)).build();
    server.resetCallCounts();
    KmsProviderException e = assertThrows(KmsProviderException.class,
        () -> envelope(misrouted).encrypt(PLAINTEXT, CONTEXT));
    assertEquals(Reason.WRONG_REGION, e.reason());
    assertTrue(e.getMessage().contains(otherRegion) && e.getMessage().contains(kms.region()), e.getMessage());
    assertEquals(0, server.callCount(KmsOperation.GENERATE_DATA_KEY));
  }

  @Test
  void onEncrypt_materialsWithDataKey_everyKeyEncryptsIt(LocalKms kms, LocalKmsServer server) {
    String a = kms.createKey();
    String b = kms.createKey();
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
    EncryptionMaterials withKey = keyring(a).onEncrypt(EncryptionMaterials.builder(suite, CONTEXT).build());
    server.resetCallCounts();
    EncryptionMaterials both = keyring(b).onEncrypt(withKey);
    assertEquals(List.of(a, b), List.of(both.encryptedDataKeys().get(0).providerInfoUtf8(),
        both.encryptedDataKeys().get(1).providerInfoUtf8()));
    assertEquals(1, server.callCount(KmsOperation.ENCRYPT));
    assertEquals(0, server.callCount(KmsOperation.GENERATE_DATA_KEY));
    DecryptionMaterials recovered = keyring(b).onDecrypt(
        DecryptionMaterials.of(suite, CONTEXT, Set.of(), null), List.of(both.encryptedDataKeys().get(1)));
    assertTrue(recovered.dataKey().orElseThrow().sameKeyAs(both.dataKey().orElseThrow()));
    both.dataKey().orElseThrow().close();
    recovered.dataKey().orElseThrow().close();
  }

  @Test
  void onEncrypt_noGeneratorAndNoDataKey_throws(LocalKms kms) {
    KmsKeyring childOnly = KmsKeyring.builder().additionalKeys(kms.createKey())
        .clientSupplier(clients.supplier()).build();
    assertThrows(IllegalStateException.class, () -> childOnly.onEncrypt(EncryptionMaterials
        .builder(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY, CONTEXT).build()));
  }

  @Test
  void coreMultiKeyring_ofKmsKeyrings_listsEveryChildFailure(LocalKms kms) {
    String a = kms.createKey();
    String b = kms.createKey();
    byte[] message = envelope(keyring(a, b)).encrypt(PLAINTEXT, CONTEXT);
    kms.client().disableKey(r -> r.keyId(a));
    kms.client().disableKey(r -> r.keyId(b));
    MultiKeyring multi = MultiKeyring.of(keyring(a), keyring(b));
    NoMatchingKeyException e = assertThrows(NoMatchingKeyException.class,
        () -> Envelope.builder().keyring(multi).build().decrypt(message, CONTEXT));
    assertTrue(e.getMessage().contains("#1 (aws-kms " + a + "): tried"), e.getMessage());
    assertTrue(e.getMessage().contains("#2 (aws-kms " + b + "): tried"), e.getMessage());
    assertEquals(2, e.getSuppressed().length);
  }
}
