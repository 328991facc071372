package dev.envelope.localkms;

import dev.envelope.localkms.junit.LocalKms;

import static dev.envelope.localkms.KmsAssertions.assertKmsError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptionContext;
import dev.envelope.local.AuditEvent;
import dev.envelope.local.AuditOutcome;
import dev.envelope.local.AuditVerification;
import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.KekSource;
import dev.envelope.local.KeyMetadata;
import dev.envelope.local.KeyOperation;
import dev.envelope.local.KeyPolicy;
import dev.envelope.local.KeyPolicyViolationException;
import dev.envelope.local.KeyState;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.local.PassphraseKdfParameters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The endpoint over the local key store: the store's versions, lifecycle, policy and audit log are
 * the KMS keys', seen from both sides.
 */
class KmsKeyStoreTest {
  static final String ACCOUNT = "111122223333";
  static final KmsCredentials ROOT = KmsCredentials.random("root");
  static final KmsCredentials ALICE = KmsCredentials.random("user/alice");
  static final KmsCredentials BOB = KmsCredentials.random("user/bob");
  static final String ROOT_ARN = "arn:aws:iam::" + ACCOUNT + ":root";
  static final String ALICE_ARN = "arn:aws:iam::" + ACCOUNT + ":user/alice";
  static final String BOB_ARN = "arn:aws:iam::" + ACCOUNT + ":user/bob";

  @TempDir Path dir;

  static KekSource kek() {
    return KekSource.passphrase(
        "key store test passphrase".toCharArray(), PassphraseKdfParameters.insecureForTests());
  }

  private LocalKeyStore.Builder storeBuilder() {
    return LocalKeyStore.builder(dir).kek(kek());
  }

  private static LocalKms start(LocalKeyStore store, String... regions) {
    LocalKmsServer.Builder b = LocalKmsServer.builder().keyStore(store).credentials(ROOT, ALICE, BOB);
    if (regions.length > 0) {
      b.regions(regions);
    }
    return LocalKms.start(b);
  }

  private static SdkBytes text(String s) {
    return SdkBytes.fromUtf8String(s);
  }

  @Test
  void auditLog_recordsEveryKmsCallUnderTheSigV4Principal_andItsChainVerifies()
      throws IOException {
    List<AuditEvent> events = new CopyOnWriteArrayList<>();
    try (LocalKeyStore store = storeBuilder().auditListener(events::add).create();
        LocalKms kms = start(store)) {
      KmsClient root = kms.client();
      KmsClient alice = kms.client(kms.region(), ALICE);
      String keyId = root.createKey(r -> {}).keyMetadata().keyId();
      Map<String, String> context = Map.of("tenant", "acme-not-for-logs");
      SdkBytes blob =
          alice
              .encrypt(r -> r.keyId(keyId).plaintext(text("audited")).encryptionContext(context))
              .ciphertextBlob();
      alice.decrypt(r -> r.ciphertextBlob(blob).encryptionContext(context));
      alice.generateDataKey(r -> r.keyId(keyId).numberOfBytes(32));
      alice.reEncrypt(
          r ->
              r.ciphertextBlob(blob)
                  .sourceEncryptionContext(context)
                  .destinationKeyId(keyId));
      root.disableKey(r -> r.keyId(keyId));

      // The key store records each change as an intent, then its outcome (issue 11): keep the outcomes.
      List<AuditEvent> all = List.copyOf(events);
      events.removeIf(e -> e.outcome() == AuditOutcome.INTENT);
      List<String> seen = new ArrayList<>();
      for (AuditEvent e : events) {
        assertEquals(keyId, e.keyId().orElseThrow(), e::toString);
        assertEquals(AuditOutcome.SUCCESS, e.outcome(), e::toString);
        seen.add(e.operation() + " " + e.caller());
      }
      assertEquals(
          List.of(
              "CREATE " + ROOT_ARN,
              "ENCRYPT " + ALICE_ARN,
              "DECRYPT " + ALICE_ARN,
              "GENERATE " + ALICE_ARN,
              "REWRAP " + ALICE_ARN,
              "REWRAP " + ALICE_ARN,
              "DISABLE " + ROOT_ARN),
          seen);
      assertEquals(List.of("tenant"), events.get(1).contextKeys());
      assertTrue(events.get(1).loggedContext().isEmpty(), "values are not loggable by default");
      assertEquals(1, events.get(2).keyVersion().getAsInt());

      AuditVerification v = store.verifyAuditLog();
      assertTrue(v.isValid(), v::toString);
      assertEquals(all.size(), v.records());
      String log = Files.readString(store.auditLogFile());
      assertTrue(log.contains("\"caller\":\"" + ALICE_ARN + "\""), log);
      assertFalse(log.contains("acme-not-for-logs"));
      assertFalse(log.contains(Base64.getEncoder().encodeToString(bytes("audited"))));
    }
  }

  @Test
  void rotation_onDemandAndAutomatic_addsStoreVersions_andOldBlobsStillDecrypt() {
    MutableClock clock = new MutableClock();
    List<AuditEvent> rotations = new CopyOnWriteArrayList<>();
    try (LocalKeyStore store =
            storeBuilder()
                .clock(clock)
                .auditListener(
                    e -> {
                      if (e.operation() == KeyOperation.ROTATE && e.outcome() == AuditOutcome.SUCCESS) {
                        rotations.add(e);
                      }
                    })
                .create();
        LocalKms kms = LocalKms.start(LocalKmsServer.builder().keyStore(store).clock(clock))) {
      KmsClient c = kms.client();
      String keyId = c.createKey(r -> {}).keyMetadata().keyId();
      List<SdkBytes> blobs = new ArrayList<>();
      List<String> materials = new ArrayList<>();
      for (int version = 1; version <= 3; version++) {
        var generated = c.generateDataKey(r -> r.keyId(keyId).numberOfBytes(32));
        blobs.add(generated.ciphertextBlob());
        materials.add(generated.keyMaterialId());
        assertEquals(version, store.describeKey(keyId).primaryVersion());
        if (version == 1) {
          c.rotateKeyOnDemand(r -> r.keyId(keyId));
        } else if (version == 2) {
          c.enableKeyRotation(r -> r.keyId(keyId).rotationPeriodInDays(90));
          clock.advance(Duration.ofDays(91)); // the next call finds the rotation due
        }
      }
      assertEquals(3, materials.stream().distinct().count());
      KeyMetadata m = store.describeKey(keyId);
      assertEquals(3, m.versions().size());
      for (int i = 0; i < 3; i++) {
        SdkBytes blob = blobs.get(i);
        var d = c.decrypt(r -> r.ciphertextBlob(blob));
        assertEquals(materials.get(i), d.keyMaterialId());
      }
      assertEquals(
          List.of(ROOT_ARN, LocalKmsServer.SERVICE_CALLER),
          rotations.stream().map(AuditEvent::caller).toList());
    }
  }

  @Test
  void keyManagerChanges_fromAnotherStoreInstance_areSeenByTheEndpoint() {
    try (LocalKms kms =
            LocalKms.start(LocalKmsServer.builder().keyStoreDirectory(dir).kek(kek()));
        LocalKeyStore other = storeBuilder().open()) {
      KmsClient c = kms.client();
      String keyId = c.createKey(r -> {}).keyMetadata().keyId();
      SdkBytes blob = c.encrypt(r -> r.keyId(keyId).plaintext(text("x"))).ciphertextBlob();

      other.disableKey(keyId);
      assertEquals(
          software.amazon.awssdk.services.kms.model.KeyState.DISABLED,
          c.describeKey(r -> r.keyId(keyId)).keyMetadata().keyState());
      var e =
          assertKmsError(
              "DisabledException", () -> c.encrypt(r -> r.keyId(keyId).plaintext(text("y"))));
      assertEquals(kms.server().keyArn("us-east-1", keyId) + " is disabled.", e.awsErrorDetails().errorMessage());
      assertKmsError("DisabledException", () -> c.decrypt(r -> r.ciphertextBlob(blob)));

      other.enableKey(keyId);
      assertEquals("x", c.decrypt(r -> r.ciphertextBlob(blob)).plaintext().asUtf8String());

      other.scheduleDestruction(keyId, Duration.ofDays(3));
      var pending = c.describeKey(r -> r.keyId(keyId)).keyMetadata();
      assertEquals(
          software.amazon.awssdk.services.kms.model.KeyState.PENDING_DELETION, pending.keyState());
      assertEquals(
          other.describeKey(keyId).destructionDate().orElseThrow().toEpochMilli(),
          pending.deletionDate().toEpochMilli());
      assertKmsError("KMSInvalidStateException", () -> c.decrypt(r -> r.ciphertextBlob(blob)));
      c.cancelKeyDeletion(r -> r.keyId(keyId));
      assertEquals(KeyState.DISABLED, other.describeKey(keyId).state());
    }
  }

  @Test
  void keysCreatedOrScheduledForDestructionInTheStore_areReconciledWithinAMinute() {
    MutableClock clock = new MutableClock();
    try (LocalKms kms =
            LocalKms.start(LocalKmsServer.builder().keyStoreDirectory(dir).kek(kek()).clock(clock));
        LocalKeyStore other = storeBuilder().clock(clock).open()) {
      KmsClient c = kms.client();
      String doomed = c.createKey(r -> {}).keyMetadata().keyId();
      String made = other.createKey(CreateKeyRequest.withAlias("made-meanwhile")).keyId();
      other.scheduleDestruction(doomed, Duration.ofDays(1));

      clock.advance(Duration.ofMinutes(1));
      List<String> listed =
          c.listKeys(r -> {}).keys().stream().map(k -> k.keyId()).toList();
      assertTrue(listed.contains(made), listed::toString);
      assertEquals(
          software.amazon.awssdk.services.kms.model.KeyState.PENDING_DELETION,
          c.describeKey(r -> r.keyId(doomed)).keyMetadata().keyState());

      clock.advance(Duration.ofDays(1));
      assertKmsError("NotFoundException", () -> c.describeKey(r -> r.keyId(doomed)));
      assertEquals(KeyState.DESTROYED, other.describeKey(doomed).state());
      assertEquals(
          List.of(made), c.listKeys(r -> {}).keys().stream().map(k -> k.keyId()).toList());
    }
  }

  @Test
  void storePolicyDenial_answersAccessDenied_thoughTheKeyPolicyAllows() {
    try (LocalKeyStore store = storeBuilder().create();
        LocalKms kms = start(store)) {
      KmsClient root = kms.client();
      KmsClient alice = kms.client(kms.region(), ALICE);
      KmsClient bob = kms.client(kms.region(), BOB);
      String keyId = root.createKey(r -> {}).keyMetadata().keyId();
      store.updatePolicy(
          keyId,
          KeyPolicy.defaultPolicy().toBuilder()
              .requireContextKey("tenant")
              .grant(ALICE_ARN, KeyOperation.ENCRYPT, KeyOperation.DECRYPT)
              .grant(ROOT_ARN, KeyOperation.DISABLE, KeyOperation.ENABLE)
              .build());
      Map<String, String> context = Map.of("tenant", "a");

      SdkBytes blob =
          alice
              .encrypt(r -> r.keyId(keyId).plaintext(text("ok")).encryptionContext(context))
              .ciphertextBlob();
      var denied =
          assertKmsError(
              "AccessDeniedException",
              () -> bob.encrypt(r -> r.keyId(keyId).plaintext(text("no")).encryptionContext(context)));
      String message = denied.awsErrorDetails().errorMessage();
      assertTrue(message.startsWith("User: " + BOB_ARN + " is not authorized to perform: kms:Encrypt"), message);
      assertTrue(message.contains("local key store's policy"), message);
      assertTrue(message.contains("has no grant for ENCRYPT"), message);
      assertKmsError(
          "AccessDeniedException",
          () -> bob.decrypt(r -> r.ciphertextBlob(blob).encryptionContext(context)));
      var noContext =
          assertKmsError(
              "AccessDeniedException", () -> alice.encrypt(r -> r.keyId(keyId).plaintext(text("x"))));
      assertTrue(
          noContext.awsErrorDetails().errorMessage().contains("lacks the required key 'tenant'"));
      assertKmsError(
          "AccessDeniedException",
          () -> alice.generateDataKey(r -> r.keyId(keyId).numberOfBytes(16).encryptionContext(context)));
      assertKmsError("AccessDeniedException", () -> bob.disableKey(r -> r.keyId(keyId)));
      root.disableKey(r -> r.keyId(keyId));
      assertEquals(KeyState.DISABLED, store.describeKey(keyId).state());
    }
  }

  @Test
  void keyPolicyDenyingAnActionToEveryone_isEnforcedByTheStoreToo() {
    String denyDecrypt =
        "{\"Statement\":["
            + "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + ROOT_ARN + "\"},"
            + "\"Action\":\"kms:*\",\"Resource\":\"*\"},"
            + "{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":[\"kms:Decrypt\","
            + "\"kms:GenerateDataKey\"],\"Resource\":\"*\"}]}";
    String conditionalDeny =
        "{\"Statement\":["
            + "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + ROOT_ARN + "\"},"
            + "\"Action\":\"kms:*\",\"Resource\":\"*\"},"
            + "{\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"kms:Decrypt\","
            + "\"Resource\":\"*\",\"Condition\":{\"StringEquals\":"
            + "{\"kms:EncryptionContext:tenant\":\"blocked\"}}}]}";
    try (LocalKeyStore store = storeBuilder().create();
        LocalKms kms = start(store)) {
      KmsClient c = kms.client();
      String keyId = c.createKey(r -> r.policy(denyDecrypt)).keyMetadata().keyId();
      KeyPolicy storePolicy = store.describeKey(keyId).policy();
      assertFalse(storePolicy.allows(KeyOperation.DECRYPT));
      assertTrue(storePolicy.allows(KeyOperation.ENCRYPT));
      assertTrue(storePolicy.allows(KeyOperation.GENERATE), "WithoutPlaintext is still allowed");
      assertEquals(denyDecrypt, c.getKeyPolicy(r -> r.keyId(keyId)).policy());

      byte[] blob = c.encrypt(r -> r.keyId(keyId).plaintext(text("x"))).ciphertextBlob().asByteArray();
      assertKmsError("AccessDeniedException", () -> c.decrypt(r -> r.ciphertextBlob(SdkBytes.fromByteArray(blob))));
      byte[] payload = Arrays.copyOfRange(blob, 2 + keyId.length(), blob.length);
      assertThrows( // the store refuses too: a tampered state file cannot lift the denial
          KeyPolicyViolationException.class,
          () -> store.decrypt(payload, EncryptionContext.empty()));

      c.putKeyPolicy(r -> r.keyId(keyId).policy(conditionalDeny));
      assertTrue(store.describeKey(keyId).policy().allows(KeyOperation.DECRYPT));
      assertEquals(
          "x", c.decrypt(r -> r.ciphertextBlob(SdkBytes.fromByteArray(blob))).plaintext().asUtf8String());

      c.putKeyPolicy(r -> r.keyId(keyId).policy(denyDecrypt));
      assertFalse(store.describeKey(keyId).policy().allows(KeyOperation.DECRYPT));
    }
  }

  @Test
  void multiRegionKey_replicasShareOneStoreKey() {
    try (LocalKeyStore store = storeBuilder().create();
        LocalKms kms = start(store, "us-east-1", "eu-west-1")) {
      KmsClient east = kms.client();
      KmsClient west = kms.client("eu-west-1");
      String mrk = east.createKey(r -> r.multiRegion(true)).keyMetadata().keyId();
      east.replicateKey(r -> r.keyId(mrk).replicaRegion("eu-west-1"));

      List<KeyMetadata> keys = store.listKeys();
      assertEquals(1, keys.size());
      KeyMetadata storeKey = keys.get(0);
      assertEquals(mrk, storeKey.alias().orElseThrow());
      assertNotEquals(mrk, storeKey.keyId());
      assertKmsError("NotFoundException", () -> east.describeKey(r -> r.keyId(storeKey.keyId())));

      SdkBytes fromEast = east.encrypt(r -> r.keyId(mrk).plaintext(text("east"))).ciphertextBlob();
      east.rotateKeyOnDemand(r -> r.keyId(mrk));
      SdkBytes fromWest = west.encrypt(r -> r.keyId(mrk).plaintext(text("west"))).ciphertextBlob();
      assertEquals(2, store.describeKey(mrk).versions().size());
      assertEquals("east", west.decrypt(r -> r.ciphertextBlob(fromEast)).plaintext().asUtf8String());
      assertEquals("west", east.decrypt(r -> r.ciphertextBlob(fromWest)).plaintext().asUtf8String());

      store.disableKey(mrk);
      assertKmsError("DisabledException", () -> west.decrypt(r -> r.ciphertextBlob(fromEast)));
      assertKmsError("DisabledException", () -> east.decrypt(r -> r.ciphertextBlob(fromWest)));
    }
  }

  @Test
  void blobCarryingAnotherKeysPayload_isInvalidCiphertext() {
    try (LocalKms kms = LocalKms.start(LocalKmsServer.builder())) {
      KmsClient c = kms.client();
      String a = c.createKey(r -> {}).keyMetadata().keyId();
      String b = c.createKey(r -> {}).keyMetadata().keyId();
      byte[] blob = c.encrypt(r -> r.keyId(a).plaintext(text("a's"))).ciphertextBlob().asByteArray();
      byte[] spliced = blob.clone();
      System.arraycopy(b.getBytes(StandardCharsets.US_ASCII), 0, spliced, 2, b.length());
      var e =
          assertKmsError(
              "InvalidCiphertextException",
              () -> c.decrypt(r -> r.ciphertextBlob(SdkBytes.fromByteArray(spliced))));
      assertEquals(null, e.awsErrorDetails().errorMessage());
      assertKmsError(
          "InvalidCiphertextException",
          () ->
              c.reEncrypt(
                  r -> r.ciphertextBlob(SdkBytes.fromByteArray(spliced)).destinationKeyId(b)));
      assertEquals(
          "a's",
          c.decrypt(r -> r.ciphertextBlob(SdkBytes.fromByteArray(blob))).plaintext().asUtf8String());
    }
  }

  @Test
  void keyCreatedInTheStore_isServedUnderItsKeyId_withTheDefaultKeyPolicy() {
    String keyId;
    try (LocalKeyStore store = storeBuilder().create()) {
      keyId = store.createKey(CreateKeyRequest.builder().alias("orders").description("made by the CLI").build()).keyId();
    }
    try (LocalKms kms = LocalKms.start(LocalKmsServer.builder().keyStoreDirectory(dir).kek(kek()))) {
      KmsClient c = kms.client();
      var m = c.describeKey(r -> r.keyId(keyId)).keyMetadata();
      assertEquals("made by the CLI", m.description());
      assertTrue(c.getKeyPolicy(r -> r.keyId(keyId)).policy().contains(ACCOUNT + ":root"));
      SdkBytes blob = c.encrypt(r -> r.keyId(keyId).plaintext(text("hi"))).ciphertextBlob();
      assertEquals("hi", c.decrypt(r -> r.ciphertextBlob(blob)).plaintext().asUtf8String());
    }
  }

  @Test
  void keyMaterial_neverReachesTheDisk_unencrypted() throws IOException {
    List<byte[]> secrets = new ArrayList<>();
    try (LocalKms kms = LocalKms.start(LocalKmsServer.builder().keyStoreDirectory(dir).kek(kek()))) {
      KmsClient c = kms.client();
      String keyId = c.createKey(r -> {}).keyMetadata().keyId();
      c.rotateKeyOnDemand(r -> r.keyId(keyId));
      secrets.add(c.generateDataKey(r -> r.keyId(keyId).numberOfBytes(32)).plaintext().asByteArray());
      secrets.add(bytes("a plaintext handed to Encrypt, 48 bytes long....."));
      c.encrypt(r -> r.keyId(keyId).plaintext(SdkBytes.fromByteArray(secrets.get(1))));
      LocalKeyStore store = kms.server().keyStore();
      store.updatePolicy(
          keyId, store.describeKey(keyId).policy().toBuilder().allow(KeyOperation.EXPORT).build());
      secrets.add(store.exportKeyVersionInsecure(keyId, 1));
      secrets.add(store.exportKeyVersionInsecure(keyId, 2));
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    assertTrue(files.size() >= 4, files::toString); // store.json, key file, audit log, state
    for (Path file : files) {
      byte[] content = Files.readAllBytes(file);
      String text = new String(content, StandardCharsets.ISO_8859_1);
      for (byte[] secret : secrets) {
        assertFalse(contains(content, secret), file + " holds a secret");
        assertFalse(text.contains(Base64.getEncoder().encodeToString(secret)), file + " (base64)");
        assertFalse(text.contains(HexFormat.of().formatHex(secret)), file + " (hex)");
      }
    }
  }

  @Test
  void ephemeralStore_livesInATemporaryDirectory_deletedOnClose() throws IOException {
    Path storeDir;
    try (LocalKmsServer server = LocalKmsServer.builder().start()) {
      storeDir = server.keyStore().directory();
      assertTrue(Files.isDirectory(storeDir));
      try (LocalKms kms = LocalKms.of(server)) {
        kms.createKey();
        assertEquals(1, server.keyStore().listKeys().size());
      }
    }
    assertFalse(Files.exists(storeDir));
  }

  @Test
  void encryptionContext_withAnEmptyValue_failsValidationAsKmsDoes() {
    try (LocalKms kms = LocalKms.start(LocalKmsServer.builder())) {
      String keyId = kms.client().createKey(r -> {}).keyMetadata().keyId();
      var e =
          assertKmsError(
              "ValidationException",
              () ->
                  kms.client()
                      .encrypt(
                          r -> r.keyId(keyId).plaintext(text("x")).encryptionContext(Map.of("a", ""))));
      assertTrue(e.awsErrorDetails().errorMessage().startsWith("Invalid EncryptionContext"));
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
