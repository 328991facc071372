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
import dev.envelope.localkms.junit.LocalKmsExtension;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Multi-Region keys across two regions (keyrings.md §6.4): a message encrypted under the us-east-1
 * replica of an {@code mrk-} key is decrypted in us-west-2 by its replica there, by the MRK-aware
 * strict keyring and by the MRK-aware discovery keyring, calling only us-west-2.
 */
class KmsMultiRegionTest {
  @RegisterExtension
  static final LocalKmsExtension KMS = new LocalKmsExtension(b -> b.regions("us-east-1", "us-west-2"));

  private static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme");
  private static final byte[] PLAINTEXT = "across regions".getBytes(StandardCharsets.UTF_8);

  private static TestKms clients;
  private static KmsClientSupplier both;
  /** Fails for every region but us-west-2, so a successful decrypt proves where it went. */
  private static KmsClientSupplier westOnly;
  private static String mrkEast;
  private static String mrkWest;
  private static String regionalEast;
  private static byte[] message;

  @BeforeAll
  static void start(LocalKms kms) {
    clients = new TestKms(kms);
    both = clients.supplier();
    westOnly = region -> {
      if (!region.equals("us-west-2")) {
        throw new IllegalStateException("this test only allows us-west-2, not " + region);
      }
      return both.clientFor(region);
    };
    mrkEast = kms.client().createKey(r -> r.multiRegion(true)).keyMetadata().arn();
    mrkWest = kms.client().replicateKey(r -> r.keyId(mrkEast).replicaRegion("us-west-2"))
        .replicaKeyMetadata().arn();
    regionalEast = kms.createKey();
    message = Envelope.builder()
        .keyring(KmsKeyring.builder().generatorKey(mrkEast).clientSupplier(both).build())
        .build().encrypt(PLAINTEXT, CONTEXT);
  }

  @AfterAll
  static void stop() {
    clients.close();
  }

  @Test
  void replica_hasSameKeyIdInOtherRegion() {
    assertTrue(mrkEast.contains(":us-east-1:") && mrkWest.contains(":us-west-2:"));
    assertEquals(mrkEast.substring(mrkEast.indexOf(":key/")), mrkWest.substring(mrkWest.indexOf(":key/")));
  }

  @Test
  void mrkAwareStrict_westReplica_decryptsEastMessageCallingWest(LocalKmsServer server) {
    KmsKeyring west = KmsKeyring.builder().generatorKey(mrkWest).multiRegionAware(true)
        .clientSupplier(westOnly).build();
    assertArrayEquals(PLAINTEXT, Envelope.builder().keyring(west).build().decrypt(message, CONTEXT).plaintext());
    assertEquals(1, server.callCount(KmsOperation.DECRYPT));
  }

  @Test
  void strictNotMrkAware_westReplica_failsWithHintWithoutCall(LocalKmsServer server) {
    KmsKeyring west = KmsKeyring.builder().generatorKey(mrkWest).clientSupplier(westOnly).build();
    NoMatchingKeyException e = assertThrows(NoMatchingKeyException.class,
        () -> Envelope.builder().keyring(west).build().decrypt(message, CONTEXT));
    assertTrue(e.getMessage().contains("multiRegionAware(true)"), e.getMessage());
    assertEquals(0, server.callCount(KmsOperation.DECRYPT));
  }

  @Test
  void mrkAwareDiscovery_inWest_decryptsEastMessage(LocalKmsServer server) {
    KmsDiscoveryKeyring discovery = KmsDiscoveryKeyring.builder().multiRegionAware(true)
        .regions("us-west-2").discoveryFilter(DiscoveryFilter.of("aws", server.accountId()))
        .clientSupplier(westOnly).build();
    assertArrayEquals(PLAINTEXT,
        Envelope.builder().keyring(discovery).build().decrypt(message, CONTEXT).plaintext());
    assertEquals(1, server.callCount(KmsOperation.DECRYPT));
  }

  @Test
  void mrkAwareDiscovery_withWestClient_decryptsEastMessage() {
    KmsDiscoveryKeyring discovery = KmsDiscoveryKeyring.builder().multiRegionAware(true)
        .kmsClient(both.clientFor("us-west-2")).build();
    assertArrayEquals(PLAINTEXT,
        Envelope.builder().keyring(discovery).build().decrypt(message, CONTEXT).plaintext());
  }

  @Test
  void mrkAwareDiscovery_inWest_skipsRegionalEastKeyWithoutCall(LocalKmsServer server) {
    byte[] regional = Envelope.builder()
        .keyring(KmsKeyring.builder().generatorKey(regionalEast).clientSupplier(both).build())
        .build().encrypt(PLAINTEXT, CONTEXT);
    server.resetCallCounts();
    KmsDiscoveryKeyring discovery = KmsDiscoveryKeyring.builder().multiRegionAware(true)
        .regions("us-west-2").clientSupplier(westOnly).build();
    NoMatchingKeyException e = assertThrows(NoMatchingKeyException.class,
        () -> Envelope.builder().keyring(discovery).build().decrypt(regional, CONTEXT));
    assertTrue(e.getMessage().contains("not a multi-Region key"), e.getMessage());
    assertEquals(0, server.callCount(KmsOperation.DECRYPT));
  }

  @Test
  void discoveryNotMrkAware_westClient_skipsEastMrk(LocalKmsServer server) {
    KmsDiscoveryKeyring discovery = KmsDiscoveryKeyring.builder()
        .kmsClient(both.clientFor("us-west-2")).build();
    assertThrows(NoMatchingKeyException.class,
        () -> Envelope.builder().keyring(discovery).build().decrypt(message, CONTEXT));
    assertEquals(0, server.callCount(KmsOperation.DECRYPT));
  }

  @Test
  void mrkAwareStrict_bothReplicasConfigured_isRejectedAtBuild() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KmsKeyring.builder()
        .generatorKey(mrkEast).additionalKeys(mrkWest).multiRegionAware(true).clientSupplier(both).build());
    assertTrue(e.getMessage().contains(mrkEast) && e.getMessage().contains(mrkWest), e.getMessage());
  }
}
