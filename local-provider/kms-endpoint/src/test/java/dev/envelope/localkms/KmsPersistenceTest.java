package dev.envelope.localkms;

import dev.envelope.localkms.junit.LocalKms;

import static dev.envelope.localkms.KmsAssertions.assertKmsError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.local.KekSource;
import dev.envelope.local.KeyState;
import dev.envelope.local.KeyStoreIntegrityException;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.local.PassphraseKdfParameters;
import dev.envelope.local.WrongKekException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.GrantOperation;

/**
 * A key-store directory keeps keys, versions, aliases, grants and state across restarts: the keys
 * in the local key store (sealed under its KEK), the endpoint's state next to it.
 */
class KmsPersistenceTest {
  static final KmsCredentials CREDS = KmsCredentials.random("root");
  static final String PASSPHRASE = "persistence test passphrase";

  @TempDir Path dir;

  static KekSource kek() {
    return KekSource.passphrase(
        PASSPHRASE.toCharArray(), PassphraseKdfParameters.insecureForTests());
  }

  private LocalKms start(MutableClock clock) {
    LocalKmsServer.Builder b =
        LocalKmsServer.builder()
            .keyStoreDirectory(dir)
            .kek(kek())
            .credentials(CREDS)
            .regions("us-east-1", "us-west-2");
    if (clock != null) {
      b.clock(clock);
    }
    return LocalKms.start(b);
  }

  @Test
  void restart_sameDirectory_keepsKeysVersionsAliasesGrantsAndOldBlobsDecrypt() {
    String keyId;
    String grantId;
    SdkBytes oldBlob;
    SdkBytes newBlob;
    SdkBytes replicaBlob;
    SdkBytes dataKeyBlob;
    SdkBytes dataKey;
    String policy =
        "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"111122223333\"},"
            + "\"Action\":\"kms:*\",\"Resource\":\"*\"}]}";
    try (LocalKms kms = start(null)) {
      KmsClient c = kms.client();
      keyId = c.createKey(r -> r.description("durable").policy(policy)).keyMetadata().keyId();
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
      var generated = c.generateDataKey(r -> r.keyId("alias/durable").numberOfBytes(32));
      dataKeyBlob = generated.ciphertextBlob();
      dataKey = generated.plaintext();
      String mrk = c.createKey(r -> r.multiRegion(true)).keyMetadata().keyId();
      c.replicateKey(r -> r.keyId(mrk).replicaRegion("us-west-2"));
      replicaBlob =
          kms.client("us-west-2")
              .encrypt(r -> r.keyId(mrk).plaintext(SdkBytes.fromUtf8String("replica")))
              .ciphertextBlob();
    }
    try (LocalKms kms = start(null)) {
      KmsClient c = kms.client();
      assertEquals(
          "durable", c.describeKey(r -> r.keyId("alias/durable")).keyMetadata().description());
      assertEquals(policy, c.getKeyPolicy(r -> r.keyId(keyId)).policy());
      assertEquals(
          "old",
          c.decrypt(r -> r.ciphertextBlob(oldBlob).encryptionContext(Map.of("a", "b")))
              .plaintext()
              .asUtf8String());
      assertEquals("new", c.decrypt(r -> r.ciphertextBlob(newBlob)).plaintext().asUtf8String());
      assertEquals(dataKey, c.decrypt(r -> r.ciphertextBlob(dataKeyBlob)).plaintext());
      assertEquals(
          "replica", c.decrypt(r -> r.ciphertextBlob(replicaBlob)).plaintext().asUtf8String());
      assertEquals(
          List.of(grantId),
          c.listGrants(r -> r.keyId(keyId)).grants().stream().map(g -> g.grantId()).toList());
      var rotation = c.getKeyRotationStatus(r -> r.keyId(keyId));
      assertTrue(rotation.keyRotationEnabled());
      assertEquals(100, rotation.rotationPeriodInDays());
      assertEquals(1, kms.client("us-west-2").listKeys(r -> {}).keys().size());
      assertEquals(2, kms.server().keyStore().describeKey(keyId).versions().size());
    }
  }

  @Test
  void restart_afterWaitingPeriod_destroysPendingKeyInTheStore() {
    MutableClock clock = new MutableClock();
    String keyId;
    try (LocalKms kms = start(clock)) {
      keyId = kms.client().createKey(r -> {}).keyMetadata().keyId();
      kms.client().scheduleKeyDeletion(r -> r.keyId(keyId).pendingWindowInDays(7));
      assertEquals(
          KeyState.PENDING_DESTRUCTION, kms.server().keyStore().describeKey(keyId).state());
    }
    try (LocalKms kms = start(clock)) {
      assertEquals(
          software.amazon.awssdk.services.kms.model.KeyState.PENDING_DELETION,
          kms.client().describeKey(r -> r.keyId(keyId)).keyMetadata().keyState());
    }
    clock.advance(Duration.ofDays(8));
    try (LocalKms kms = start(clock)) {
      assertKmsError("NotFoundException", () -> kms.client().describeKey(r -> r.keyId(keyId)));
      assertEquals(KeyState.DESTROYED, kms.server().keyStore().describeKey(keyId).state());
    }
  }

  @Test
  void directory_createdByTheEndpoint_isOwnerOnly_asIsItsStateFile() throws IOException {
    Path fresh = dir.resolve("fresh");
    try (LocalKms kms =
        LocalKms.start(LocalKmsServer.builder().keyStoreDirectory(fresh).kek(kek()))) {
      kms.createKey();
      assertEquals(
          "rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));
      assertEquals(
          "rw-------",
          PosixFilePermissions.toString(
              Files.getPosixFilePermissions(fresh.resolve("kms-state.json"))));
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
  void leftoverTemporaryStateFile_isRemovedAtStart() throws IOException {
    try (LocalKms kms = start(null)) {
      kms.createKey();
    }
    Path leftover = dir.resolve(".kms-state.json.0011223344556677.tmp");
    Files.writeString(leftover, "{half a write");
    try (LocalKms kms = start(null)) {
      assertEquals(1, kms.client().listKeys(r -> {}).keys().size());
    }
    assertFalse(Files.exists(leftover));
  }

  @Test
  void corruptKeyFile_failsStartNamingTheFile_andReleasesTheDirectory() throws IOException {
    String keyId;
    try (LocalKms kms = start(null)) {
      keyId = kms.client().createKey(r -> {}).keyMetadata().keyId();
    }
    Path file = dir.resolve("keys").resolve(keyId + ".json");
    String text = Files.readString(file);
    int at = text.indexOf("\"keyset\":\"") + "\"keyset\":\"".length() + 8;
    char flipped = text.charAt(at) == 'A' ? 'B' : 'A';
    Files.writeString(file, text.substring(0, at) + flipped + text.substring(at + 1));
    for (int attempt = 0; attempt < 2; attempt++) { // the second start is not locked out
      var e = assertThrows(KeyStoreIntegrityException.class, () -> start(null));
      assertTrue(e.getMessage().contains(keyId + ".json"), e.getMessage());
    }
  }

  @Test
  void wrongPassphrase_failsStart() {
    try (LocalKms kms = start(null)) {
      kms.createKey();
    }
    LocalKmsServer.Builder b =
        LocalKmsServer.builder()
            .keyStoreDirectory(dir)
            .kek(
                KekSource.passphrase(
                    "not it".toCharArray(), PassphraseKdfParameters.insecureForTests()));
    assertThrows(WrongKekException.class, b::start);
    try (LocalKms kms = start(null)) {
      assertEquals(1, kms.client().listKeys(r -> {}).keys().size());
    }
  }

  @Test
  void secondEndpoint_onTheSameDirectory_isRefusedUntilTheFirstStops() throws IOException {
    try (LocalKms first = start(null)) {
      first.createKey();
      IOException e =
          assertThrows(
              IOException.class,
              () -> LocalKmsServer.builder().keyStoreDirectory(dir).kek(kek()).start());
      assertTrue(e.getMessage().contains("another local KMS endpoint"), e.getMessage());
      first.createKey(); // the refused attempt did not release the first endpoint's lock
      assertThrows(
          IOException.class, () -> LocalKmsServer.builder().keyStoreDirectory(dir).kek(kek()).start());
    }
    try (LocalKms again = start(null)) {
      assertEquals(2, again.client().listKeys(r -> {}).keys().size());
    }
  }

  @Test
  void directoryOfTheEarlierPlaintextFormat_isRefusedWithAnExplanation() throws IOException {
    Files.createDirectories(dir.resolve("keys"));
    Files.writeString(dir.resolve("kms-state.json"), "{\"format\":\"envelope-local-kms-state/1\"}");
    IOException e =
        assertThrows(
            IOException.class, () -> LocalKmsServer.builder().keyStoreDirectory(dir).kek(kek()).start());
    assertTrue(e.getMessage().contains("kept key material unencrypted"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("store.json")), "nothing was created over it");
  }

  @Test
  void openKeyStore_givenToTheBuilder_isServedAndLeftOpen() {
    String keyId;
    try (LocalKeyStore store = LocalKeyStore.builder(dir).kek(kek()).openOrCreate()) {
      try (LocalKms kms = LocalKms.start(LocalKmsServer.builder().keyStore(store))) {
        keyId = kms.client().createKey(r -> {}).keyMetadata().keyId();
        assertSame(store, kms.server().keyStore());
      }
      assertEquals(KeyState.ENABLED, store.describeKey(keyId).state()); // still open
    }
    assertTrue(Files.exists(dir.resolve("kms-state.json")));
    try (LocalKms kms = start(null)) {
      assertEquals(keyId, kms.client().describeKey(r -> r.keyId(keyId)).keyMetadata().keyId());
    }
  }
}
