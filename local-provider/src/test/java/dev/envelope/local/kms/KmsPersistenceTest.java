package dev.envelope.local.kms;

import static dev.envelope.local.kms.KmsAssertions.assertKmsError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.GrantOperation;
import software.amazon.awssdk.services.kms.model.KeyState;

/** A key-store directory keeps keys, versions, aliases, grants and state across restarts. */
class KmsPersistenceTest {
  static final KmsCredentials CREDS = KmsCredentials.random("root");

  @TempDir Path dir;

  private LocalKms start(MutableClock clock) {
    KmsServer.Builder b =
        KmsServer.builder()
            .keyStoreDirectory(dir)
            .credentials(CREDS)
            .regions("us-east-1", "us-west-2");
    if (clock != null) {
      b.clock(clock);
    }
    return LocalKms.start(b);
  }

  @Test
  void restart_keepsKeysVersionsAliasesGrantsAndCiphertexts() {
    String keyId;
    String grantId;
    SdkBytes oldBlob;
    SdkBytes newBlob;
    try (LocalKms kms = start(null)) {
      KmsClient c = kms.client();
      keyId = c.createKey(r -> r.description("durable")).keyMetadata().keyId();
      c.createAlias(r -> r.aliasName("alias/durable").targetKeyId(keyId));
      grantId =
          c.createGrant(
                  r ->
                      r.keyId(keyId)
                          .granteePrincipal("111122223333")
                          .operations(GrantOperation.DECRYPT)
                          .name("kept"))
              .grantId();
      oldBlob =
          c.encrypt(
                  r ->
                      r.keyId(keyId)
                          .plaintext(SdkBytes.fromUtf8String("old"))
                          .encryptionContext(Map.of("a", "b")))
              .ciphertextBlob();
      c.rotateKeyOnDemand(r -> r.keyId(keyId));
      c.enableKeyRotation(r -> r.keyId(keyId).rotationPeriodInDays(100));
      newBlob =
          c.encrypt(r -> r.keyId(keyId).plaintext(SdkBytes.fromUtf8String("new"))).ciphertextBlob();
      String mrk = c.createKey(r -> r.multiRegion(true)).keyMetadata().keyId();
      c.replicateKey(r -> r.keyId(mrk).replicaRegion("us-west-2"));
    }
    try (LocalKms kms = start(null)) {
      KmsClient c = kms.client();
      assertEquals(
          "durable", c.describeKey(r -> r.keyId("alias/durable")).keyMetadata().description());
      assertEquals(
          "old",
          c.decrypt(r -> r.ciphertextBlob(oldBlob).encryptionContext(Map.of("a", "b")))
              .plaintext()
              .asUtf8String());
      assertEquals("new", c.decrypt(r -> r.ciphertextBlob(newBlob)).plaintext().asUtf8String());
      assertEquals(
          List.of(grantId),
          c.listGrants(r -> r.keyId(keyId)).grants().stream().map(g -> g.grantId()).toList());
      var rotation = c.getKeyRotationStatus(r -> r.keyId(keyId));
      assertTrue(rotation.keyRotationEnabled());
      assertEquals(100, rotation.rotationPeriodInDays());
      assertEquals(1, kms.client("us-west-2").listKeys(r -> {}).keys().size());
    }
  }

  @Test
  void restart_afterWaitingPeriod_deletesPendingKey() {
    MutableClock clock = new MutableClock();
    String keyId;
    try (LocalKms kms = start(clock)) {
      keyId = kms.client().createKey(r -> {}).keyMetadata().keyId();
      kms.client().scheduleKeyDeletion(r -> r.keyId(keyId).pendingWindowInDays(7));
    }
    try (LocalKms kms = start(clock)) {
      assertEquals(
          KeyState.PENDING_DELETION,
          kms.client().describeKey(r -> r.keyId(keyId)).keyMetadata().keyState());
    }
    clock.advance(Duration.ofDays(8));
    try (LocalKms kms = start(clock)) {
      assertKmsError("NotFoundException", () -> kms.client().describeKey(r -> r.keyId(keyId)));
    }
    assertFalse(Files.exists(dir.resolve("keys").resolve(keyId + ".json")));
  }

  @Test
  void files_areOwnerOnly() throws IOException {
    try (LocalKms kms = start(null)) {
      String keyId = kms.client().createKey(r -> {}).keyMetadata().keyId();
      Path keyFile = dir.resolve("keys").resolve(keyId + ".json");
      assertEquals(
          "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
      assertEquals(
          "rw-------",
          PosixFilePermissions.toString(
              Files.getPosixFilePermissions(dir.resolve("kms-state.json"))));
      assertEquals(
          "rwx------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("keys"))));
    }
  }

  @Test
  void keyWithoutStateRecord_isAdoptedIntoFirstRegion() throws IOException {
    String keyId;
    try (LocalKms kms = start(null)) {
      keyId = kms.client("us-west-2").createKey(r -> {}).keyMetadata().keyId();
    }
    Files.delete(dir.resolve("kms-state.json")); // as if a crash came between the two writes
    try (LocalKms kms = start(null)) {
      assertEquals(
          kms.server().keyArn("us-east-1", keyId),
          kms.client().describeKey(r -> r.keyId(keyId)).keyMetadata().arn());
    }
  }

  @Test
  void leftoverTemporaryFile_isRemovedAtStart() throws IOException {
    try (LocalKms kms = start(null)) {
      kms.createKey();
    }
    Path leftover = dir.resolve("keys").resolve(".x.json.tmp-0011223344556677");
    Files.writeString(leftover, "{half a write");
    try (LocalKms kms = start(null)) {
      assertEquals(1, kms.client().listKeys(r -> {}).keys().size());
    }
    assertFalse(Files.exists(leftover));
  }

  @Test
  void corruptKeyFile_failsStartNamingTheFile() throws IOException {
    String keyId;
    try (LocalKms kms = start(null)) {
      keyId = kms.client().createKey(r -> {}).keyMetadata().keyId();
    }
    Path file = dir.resolve("keys").resolve(keyId + ".json");
    Files.writeString(
        file, Files.readString(file).replace("\"versions\":[\"", "\"versions\":[\"!"));
    var e = assertThrows(java.io.UncheckedIOException.class, () -> start(null));
    assertTrue(e.getCause().getMessage().contains(keyId + ".json"), e.getCause().getMessage());
    try (Stream<Path> files = Files.list(dir.resolve("keys"))) {
      assertEquals(1, files.count());
    }
  }
}
