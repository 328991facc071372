package dev.envelope.kms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.NoMatchingKeyException;
import dev.envelope.localkms.KmsOperation;
import dev.envelope.localkms.LocalKmsServer;
import dev.envelope.localkms.junit.LocalKms;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The discovery keyring (keyrings.md §6.3) against two local KMS endpoints standing for two AWS
 * accounts in two regions: account A (111122223333, us-east-1) and account B (444455556666,
 * eu-west-1). Every message has one encrypted data key under each. The filter decides which
 * account's key may be called; rejected keys never reach KMS.
 */
class KmsDiscoveryKeyringTest {
  static final String ACCOUNT_A = "111122223333";
  static final String ACCOUNT_B = "444455556666";

  private static LocalKms a;
  private static LocalKms b;
  private static TestKms clientsA;
  private static TestKms clientsB;
  private static KmsClientSupplier supplier;
  private static String keyA;
  private static String keyB;
  private static byte[] message;

  private static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme");
  private static final byte[] PLAINTEXT = "discover me".getBytes(StandardCharsets.UTF_8);

  @BeforeAll
  static void start() {
    a = LocalKms.start(LocalKmsServer.builder().accountId(ACCOUNT_A).regions("us-east-1"));
    b = LocalKms.start(LocalKmsServer.builder().accountId(ACCOUNT_B).regions("eu-west-1"));
    clientsA = new TestKms(a);
    clientsB = new TestKms(b);
    supplier = KmsClientSupplier.caching(region -> region.equals("us-east-1")
        ? clientsA.client(region) : clientsB.client(region));
    keyA = a.createKey();
    keyB = b.createKey();
    message = Envelope.builder()
        .keyring(KmsKeyring.builder().generatorKey(keyA).additionalKeys(keyB).clientSupplier(supplier).build())
        .build().encrypt(PLAINTEXT, CONTEXT);
  }

  @AfterAll
  static void stop() {
    clientsA.close();
    clientsB.close();
    a.close();
    b.close();
  }

  @BeforeEach
  void reset() {
    a.server().resetCallCounts();
    b.server().resetCallCounts();
  }

  private static byte[] decrypt(KmsDiscoveryKeyring keyring) {
    return Envelope.builder().keyring(keyring).build().decrypt(message, CONTEXT).plaintext();
  }

  @Test
  void decrypt_filterForAccountB_skipsAccountAWithoutCallAndUsesB() {
    KmsDiscoveryKeyring keyring = KmsDiscoveryKeyring.builder()
        .discoveryFilter(DiscoveryFilter.of("aws", ACCOUNT_B)).clientSupplier(supplier).build();
    assertArrayEquals(PLAINTEXT, decrypt(keyring));
    assertEquals(0, a.server().callCount(KmsOperation.DECRYPT));
    assertEquals(1, b.server().callCount(KmsOperation.DECRYPT));
  }

  @Test
  void decrypt_filterForAccountA_usesA() {
    KmsDiscoveryKeyring keyring = KmsDiscoveryKeyring.builder()
        .discoveryFilter(DiscoveryFilter.of("aws", ACCOUNT_A)).clientSupplier(supplier).build();
    assertArrayEquals(PLAINTEXT, decrypt(keyring));
    assertEquals(1, a.server().callCount(KmsOperation.DECRYPT));
    assertEquals(0, b.server().callCount(KmsOperation.DECRYPT));
  }

  @Test
  void decrypt_filterForOtherAccount_rejectsAllWithoutCalls() {
    KmsDiscoveryKeyring keyring = KmsDiscoveryKeyring.builder()
        .discoveryFilter(DiscoveryFilter.of("aws", "999988887777")).clientSupplier(supplier).build();
    NoMatchingKeyException e = assertThrows(NoMatchingKeyException.class, () -> decrypt(keyring));
    assertTrue(e.getMessage().contains("account " + ACCOUNT_A) && e.getMessage().contains("account " + ACCOUNT_B),
        e.getMessage());
    assertTrue(e.getMessage().contains("rejected by the discovery filter"), e.getMessage());
    assertEquals(0, a.server().callCount(KmsOperation.DECRYPT) + b.server().callCount(KmsOperation.DECRYPT));
  }

  @Test
  void decrypt_filterForOtherPartition_rejectsAllWithoutCalls() {
    KmsDiscoveryKeyring keyring = KmsDiscoveryKeyring.builder()
        .discoveryFilter(DiscoveryFilter.of("aws-cn", ACCOUNT_A, ACCOUNT_B)).clientSupplier(supplier).build();
    NoMatchingKeyException e = assertThrows(NoMatchingKeyException.class, () -> decrypt(keyring));
    assertTrue(e.getMessage().contains("partition aws,"), e.getMessage());
    assertEquals(0, a.server().callCount(KmsOperation.DECRYPT) + b.server().callCount(KmsOperation.DECRYPT));
  }

  @Test
  void decrypt_noFilter_usesFirstEdk() {
    assertArrayEquals(PLAINTEXT, decrypt(KmsDiscoveryKeyring.builder().clientSupplier(supplier).build()));
    assertEquals(1, a.server().callCount(KmsOperation.DECRYPT));
    assertEquals(0, b.server().callCount(KmsOperation.DECRYPT));
  }

  @Test
  void decrypt_clientForEuWest1_triesOnlyKeysInItsRegion() {
    KmsDiscoveryKeyring keyring = KmsDiscoveryKeyring.builder()
        .kmsClient(clientsB.client("eu-west-1")).build();
    assertArrayEquals(PLAINTEXT, decrypt(keyring));
    assertEquals(0, a.server().callCount(KmsOperation.DECRYPT));
    assertEquals(1, b.server().callCount(KmsOperation.DECRYPT));
  }

  @Test
  void decrypt_regionsAllowList_limitsRegionsCalled() {
    KmsDiscoveryKeyring keyring = KmsDiscoveryKeyring.builder()
        .regions("eu-west-1").clientSupplier(supplier).build();
    assertArrayEquals(PLAINTEXT, decrypt(keyring));
    assertEquals(0, a.server().callCount(KmsOperation.DECRYPT));
  }

  @Test
  void decrypt_firstAccountDeniesAccess_triesNextAndSucceeds() {
    a.client().disableKey(r -> r.keyId(keyA));
    try {
      KmsDiscoveryKeyring keyring = KmsDiscoveryKeyring.builder()
          .discoveryFilter(DiscoveryFilter.of("aws", ACCOUNT_A, ACCOUNT_B)).clientSupplier(supplier).build();
      assertArrayEquals(PLAINTEXT, decrypt(keyring));
      assertEquals(1, a.server().callCount(KmsOperation.DECRYPT));
      assertEquals(1, b.server().callCount(KmsOperation.DECRYPT));
    } finally {
      a.client().enableKey(r -> r.keyId(keyA));
    }
  }
}
