package dev.envelope.localkms;

import dev.envelope.localkms.junit.LocalKms;
import dev.envelope.localkms.junit.LocalKmsExtension;

import static dev.envelope.localkms.KmsAssertions.assertKmsError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.MultiRegionKeyType;
import software.amazon.awssdk.services.kms.model.ReplicateKeyResponse;

/** One endpoint playing three Regions, routed by the SigV4 credential scope; MRK replicas. */
class KmsRegionsTest {
  static final String ACCOUNT = "444455556666";

  @RegisterExtension
  static final LocalKmsExtension KMS =
      new LocalKmsExtension(
          b -> b.regions("us-east-1", "us-west-2", "eu-west-1").accountId(ACCOUNT));

  @Test
  void multiRegionKey_replicated_hasSameIdAndMaterialAndRegionalArns(LocalKms kms) {
    KmsClient east = kms.client("us-east-1");
    KmsClient west = kms.client("us-west-2");
    KeyMetadata primary = east.createKey(r -> r.multiRegion(true)).keyMetadata();
    String id = primary.keyId();
    ReplicateKeyResponse rep = east.replicateKey(r -> r.keyId(id).replicaRegion("us-west-2"));
    String westArn = "arn:aws:kms:us-west-2:" + ACCOUNT + ":key/" + id;
    assertEquals(westArn, rep.replicaKeyMetadata().arn());
    assertEquals(id, rep.replicaKeyMetadata().keyId());
    assertEquals(
        MultiRegionKeyType.REPLICA,
        rep.replicaKeyMetadata().multiRegionConfiguration().multiRegionKeyType());
    assertEquals(east.getKeyPolicy(r -> r.keyId(id)).policy(), rep.replicaPolicy());

    Map<String, String> ctx = Map.of("app", "mrk");
    var dk =
        east.generateDataKey(r -> r.keyId(primary.arn()).numberOfBytes(32).encryptionContext(ctx));
    var inWest =
        west.decrypt(
            r -> r.ciphertextBlob(dk.ciphertextBlob()).encryptionContext(ctx).keyId(westArn));
    assertEquals(dk.plaintext(), inWest.plaintext());
    assertEquals(westArn, inWest.keyId());
    var westBlob =
        west.encrypt(
                r ->
                    r.keyId(westArn)
                        .plaintext(SdkBytes.fromUtf8String("back"))
                        .encryptionContext(ctx))
            .ciphertextBlob();
    var inEast = east.decrypt(r -> r.ciphertextBlob(westBlob).encryptionContext(ctx));
    assertEquals("back", inEast.plaintext().asUtf8String());
    assertEquals(primary.arn(), inEast.keyId());
  }

  @Test
  void multiRegionKey_describeFromEitherRegion_showsPrimaryAndReplicas(LocalKms kms) {
    KmsClient east = kms.client("us-east-1");
    String id = east.createKey(r -> r.multiRegion(true)).keyMetadata().keyId();
    east.replicateKey(r -> r.keyId(id).replicaRegion("us-west-2"));
    east.replicateKey(r -> r.keyId(id).replicaRegion("eu-west-1"));
    var fromWest =
        kms.client("us-west-2")
            .describeKey(r -> r.keyId(id))
            .keyMetadata()
            .multiRegionConfiguration();
    assertEquals(MultiRegionKeyType.REPLICA, fromWest.multiRegionKeyType());
    assertEquals("us-east-1", fromWest.primaryKey().region());
    assertEquals("arn:aws:kms:us-east-1:" + ACCOUNT + ":key/" + id, fromWest.primaryKey().arn());
    assertEquals(
        List.of("us-west-2", "eu-west-1"),
        fromWest.replicaKeys().stream().map(k -> k.region()).toList());
    var fromEast = east.describeKey(r -> r.keyId(id)).keyMetadata().multiRegionConfiguration();
    assertEquals(MultiRegionKeyType.PRIMARY, fromEast.multiRegionKeyType());
  }

  @Test
  void multiRegionKey_notYetReplicated_isNotFoundInOtherRegion(LocalKms kms) {
    String id = kms.client("us-east-1").createKey(r -> r.multiRegion(true)).keyMetadata().keyId();
    assertKmsError(
        "NotFoundException", () -> kms.client("us-west-2").describeKey(r -> r.keyId(id)));
  }

  @Test
  void singleRegionKey_isInvisibleElsewhere_andItsBlobsFailThere(LocalKms kms) {
    KeyMetadata m = kms.client("us-east-1").createKey(r -> {}).keyMetadata();
    KmsClient west = kms.client("us-west-2");
    assertKmsError("NotFoundException", () -> west.describeKey(r -> r.keyId(m.keyId())));
    assertKmsError("NotFoundException", () -> west.describeKey(r -> r.keyId(m.arn())));
    assertFalse(
        west.listKeys(r -> r.limit(1000)).keys().stream()
            .anyMatch(k -> k.keyId().equals(m.keyId())));
    var blob =
        kms.client("us-east-1")
            .encrypt(r -> r.keyId(m.arn()).plaintext(SdkBytes.fromUtf8String("x")))
            .ciphertextBlob();
    assertKmsError("InvalidCiphertextException", () -> west.decrypt(r -> r.ciphertextBlob(blob)));
  }

  @Test
  void keyArnOfOtherRegion_inRequest_failsNotFound(LocalKms kms) {
    KmsClient east = kms.client("us-east-1");
    String id = east.createKey(r -> r.multiRegion(true)).keyMetadata().keyId();
    east.replicateKey(r -> r.keyId(id).replicaRegion("us-west-2"));
    String westArn = "arn:aws:kms:us-west-2:" + ACCOUNT + ":key/" + id;
    assertKmsError(
        "NotFoundException", () -> east.generateDataKey(r -> r.keyId(westArn).numberOfBytes(32)));
  }

  @Test
  void replicateKey_invalidRequests_failLikeKms(LocalKms kms) {
    KmsClient east = kms.client("us-east-1");
    String single = east.createKey(r -> {}).keyMetadata().keyId();
    assertKmsError(
        "UnsupportedOperationException",
        () -> east.replicateKey(r -> r.keyId(single).replicaRegion("us-west-2")));
    String mrk = east.createKey(r -> r.multiRegion(true)).keyMetadata().keyId();
    assertKmsError(
        "UnsupportedOperationException",
        () -> east.replicateKey(r -> r.keyId(mrk).replicaRegion("ap-south-1")));
    assertKmsError(
        "ValidationException", () -> east.replicateKey(r -> r.keyId(mrk).replicaRegion("Mars")));
    assertKmsError(
        "AlreadyExistsException",
        () -> east.replicateKey(r -> r.keyId(mrk).replicaRegion("us-east-1")));
    east.replicateKey(r -> r.keyId(mrk).replicaRegion("us-west-2"));
    assertKmsError(
        "AlreadyExistsException",
        () -> east.replicateKey(r -> r.keyId(mrk).replicaRegion("us-west-2")));
    assertKmsError(
        "UnsupportedOperationException",
        () -> kms.client("us-west-2").replicateKey(r -> r.keyId(mrk).replicaRegion("eu-west-1")));
    assertKmsError(
        "UnsupportedOperationException",
        () ->
            east.replicateKey(
                r -> r.keyId(mrk).replicaRegion("eu-west-1").policy("{\"Statement\":[]}")));
  }

  @Test
  void replicaKey_rotationIsManagedByPrimary(LocalKms kms) {
    KmsClient east = kms.client("us-east-1");
    String mrk = east.createKey(r -> r.multiRegion(true)).keyMetadata().keyId();
    east.replicateKey(r -> r.keyId(mrk).replicaRegion("us-west-2"));
    KmsClient west = kms.client("us-west-2");
    assertKmsError(
        "UnsupportedOperationException", () -> west.enableKeyRotation(r -> r.keyId(mrk)));
    assertKmsError(
        "UnsupportedOperationException", () -> west.rotateKeyOnDemand(r -> r.keyId(mrk)));
    east.rotateKeyOnDemand(r -> r.keyId(mrk));
    assertEquals(
        east.describeKey(r -> r.keyId(mrk)).keyMetadata().currentKeyMaterialId(),
        west.describeKey(r -> r.keyId(mrk)).keyMetadata().currentKeyMaterialId());
  }

  @Test
  void aliases_arePerRegion(LocalKms kms) {
    KmsClient east = kms.client("us-east-1");
    KmsClient west = kms.client("us-west-2");
    String eastKey = east.createKey(r -> {}).keyMetadata().keyId();
    String westKey = west.createKey(r -> {}).keyMetadata().keyId();
    east.createAlias(r -> r.aliasName("alias/app").targetKeyId(eastKey));
    west.createAlias(r -> r.aliasName("alias/app").targetKeyId(westKey));
    assertEquals(eastKey, east.describeKey(r -> r.keyId("alias/app")).keyMetadata().keyId());
    assertEquals(westKey, west.describeKey(r -> r.keyId("alias/app")).keyMetadata().keyId());
    assertTrue(
        west.listAliases(r -> {}).aliases().stream()
            .allMatch(
                a -> a.aliasArn().startsWith("arn:aws:kms:us-west-2:" + ACCOUNT + ":alias/")));
    assertKmsError(
        "NotFoundException", () -> kms.client("eu-west-1").describeKey(r -> r.keyId("alias/app")));
  }
}
