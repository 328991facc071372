package dev.envelope.localkms;

import dev.envelope.localkms.junit.LocalKms;
import dev.envelope.localkms.junit.LocalKmsExtension;

import static dev.envelope.localkms.KmsAssertions.assertKmsError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.CreateKeyResponse;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.EncryptionAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.KeyListEntry;
import software.amazon.awssdk.services.kms.model.KeyManagerType;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.ListKeysResponse;
import software.amazon.awssdk.services.kms.model.MultiRegionKeyType;
import software.amazon.awssdk.services.kms.model.OriginType;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionResponse;
import software.amazon.awssdk.services.kms.model.Tag;

/** CreateKey, DescribeKey, ListKeys, aliases, and the key lifecycle over time. */
class KmsKeysTest {
  static final MutableClock CLOCK = new MutableClock();

  @RegisterExtension
  static final LocalKmsExtension KMS = new LocalKmsExtension(b -> b.clock(CLOCK));

  private static final String ACCOUNT = "111122223333";

  @Test
  void createKey_defaults_returnsEnabledSymmetricKeyWithRealArn(LocalKms kms) {
    Instant before = CLOCK.instant();
    KeyMetadata m = kms.client().createKey(r -> r.description("orders")).keyMetadata();
    assertTrue(
        m.keyId().matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
        m.keyId());
    assertEquals("arn:aws:kms:us-east-1:" + ACCOUNT + ":key/" + m.keyId(), m.arn());
    assertEquals(ACCOUNT, m.awsAccountId());
    assertEquals("orders", m.description());
    assertTrue(m.enabled());
    assertEquals(KeyState.ENABLED, m.keyState());
    assertEquals(KeySpec.SYMMETRIC_DEFAULT, m.keySpec());
    assertEquals(KeyUsageType.ENCRYPT_DECRYPT, m.keyUsage());
    assertEquals(OriginType.AWS_KMS, m.origin());
    assertEquals(KeyManagerType.CUSTOMER, m.keyManager());
    assertEquals(List.of(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT), m.encryptionAlgorithms());
    assertFalse(m.multiRegion());
    assertNull(m.multiRegionConfiguration());
    assertEquals(before.toEpochMilli(), m.creationDate().toEpochMilli());
    assertTrue(m.currentKeyMaterialId().matches("[0-9a-f]{64}"));
  }

  @Test
  void createKey_multiRegion_returnsMrkIdAsPrimary(LocalKms kms) {
    KeyMetadata m = kms.client().createKey(r -> r.multiRegion(true)).keyMetadata();
    assertTrue(m.keyId().matches("mrk-[0-9a-f]{32}"), m.keyId());
    assertTrue(m.multiRegion());
    assertEquals(MultiRegionKeyType.PRIMARY, m.multiRegionConfiguration().multiRegionKeyType());
    assertEquals(m.arn(), m.multiRegionConfiguration().primaryKey().arn());
    assertEquals("us-east-1", m.multiRegionConfiguration().primaryKey().region());
    assertTrue(m.multiRegionConfiguration().replicaKeys().isEmpty());
  }

  @Test
  @SuppressWarnings("deprecation") // CustomerMasterKeySpec is deprecated in KMS, still accepted
  void createKey_unsupportedKeySpecUsageOrOrigin_failsUnsupportedOperation(LocalKms kms) {
    KmsClient c = kms.client();
    assertKmsError("UnsupportedOperationException", () -> c.createKey(r -> r.keySpec("RSA_2048")));
    assertKmsError(
        "UnsupportedOperationException",
        () -> c.createKey(r -> r.customerMasterKeySpec("HMAC_256")));
    assertKmsError(
        "UnsupportedOperationException", () -> c.createKey(r -> r.keyUsage("SIGN_VERIFY")));
    assertKmsError("UnsupportedOperationException", () -> c.createKey(r -> r.origin("EXTERNAL")));
    assertKmsError(
        "UnsupportedOperationException",
        () -> c.createKey(r -> r.customKeyStoreId("cks-1234567890abcdef0")));
  }

  @Test
  @SuppressWarnings("deprecation") // CustomerMasterKeySpec is deprecated in KMS, still accepted
  void createKey_invalidParameters_failsValidation(LocalKms kms) {
    KmsClient c = kms.client();
    assertKmsError(
        "ValidationException",
        () ->
            c.createKey(
                r -> r.keySpec("SYMMETRIC_DEFAULT").customerMasterKeySpec("SYMMETRIC_DEFAULT")));
    var e = assertKmsError("ValidationException", () -> c.createKey(r -> r.keyUsage("BOGUS")));
    assertTrue(e.awsErrorDetails().errorMessage().contains("enum value set"), e.getMessage());
    assertKmsError("ValidationException", () -> c.createKey(r -> r.description("x".repeat(8193))));
    assertKmsError(
        "TagException",
        () ->
            c.createKey(
                r ->
                    r.tags(
                        Tag.builder().tagKey("a").tagValue("1").build(),
                        Tag.builder().tagKey("a").tagValue("2").build())));
  }

  @Test
  void createKey_malformedPolicy_failsMalformedPolicyDocument(LocalKms kms) {
    KmsClient c = kms.client();
    for (String policy :
        List.of(
            "not json",
            "{}",
            "{\"Statement\":[{\"Effect\":\"Maybe\","
                + "\"Principal\":\"*\",\"Action\":\"kms:*\",\"Resource\":\"*\"}]}",
            "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"bob\"},"
                + "\"Action\":\"kms:*\",\"Resource\":\"*\"}]}")) {
      assertKmsError("MalformedPolicyDocumentException", () -> c.createKey(r -> r.policy(policy)));
    }
  }

  @Test
  void createKey_policyLockingOutCaller_failsUnlessBypassed(LocalKms kms) {
    String policy =
        "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
            + "\"arn:aws:iam::"
            + ACCOUNT
            + ":user/someone-else\"},\"Action\":\"kms:*\","
            + "\"Resource\":\"*\"}]}";
    var e =
        assertKmsError(
            "MalformedPolicyDocumentException",
            () -> kms.client().createKey(r -> r.policy(policy)));
    assertTrue(e.awsErrorDetails().errorMessage().contains("will not allow you to update"));
    CreateKeyResponse created =
        kms.client().createKey(r -> r.policy(policy).bypassPolicyLockoutSafetyCheck(true));
    assertKmsError(
        "AccessDeniedException",
        () -> kms.client().describeKey(r -> r.keyId(created.keyMetadata().keyId())));
  }

  @Test
  void describeKey_byKeyIdKeyArnAliasNameAndAliasArn_findsTheKey(LocalKms kms) {
    KeyMetadata m = kms.client().createKey(r -> {}).keyMetadata();
    kms.client().createAlias(r -> r.aliasName("alias/describe-me").targetKeyId(m.keyId()));
    for (String id :
        List.of(
            m.keyId(),
            m.arn(),
            "alias/describe-me",
            "arn:aws:kms:us-east-1:" + ACCOUNT + ":alias/describe-me")) {
      assertEquals(m.arn(), kms.client().describeKey(r -> r.keyId(id)).keyMetadata().arn(), id);
    }
  }

  @Test
  void describeKey_unknownOrMalformedOrForeignId_failsNotFound(LocalKms kms) {
    KmsClient c = kms.client();
    var e =
        assertKmsError(
            "NotFoundException",
            () -> c.describeKey(r -> r.keyId("1234abcd-12ab-34cd-56ef-1234567890ab")));
    assertEquals(
        "Key 'arn:aws:kms:us-east-1:"
            + ACCOUNT
            + ":key/1234abcd-12ab-34cd-56ef-1234567890ab' does not exist",
        e.awsErrorDetails().errorMessage());
    assertKmsError("NotFoundException", () -> c.describeKey(r -> r.keyId("not-a-key")));
    assertKmsError("NotFoundException", () -> c.describeKey(r -> r.keyId("alias/missing")));
    String id = kms.client().createKey(r -> {}).keyMetadata().keyId();
    assertKmsError(
        "NotFoundException",
        () -> c.describeKey(r -> r.keyId("arn:aws:kms:us-east-1:444455556666:key/" + id)));
    assertKmsError(
        "NotFoundException",
        () -> c.describeKey(r -> r.keyId("arn:aws:kms:us-east-1:" + ACCOUNT + ":bogus")));
    assertKmsError("ValidationException", () -> c.describeKey(r -> r.keyId("")));
  }

  @Test
  void listKeys_inPagesOfTwo_returnsEveryKeyOnce(LocalKms kms) {
    Set<String> created = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      created.add(kms.client().createKey(r -> {}).keyMetadata().keyId());
    }
    List<String> listed = new ArrayList<>();
    String marker = null;
    int pages = 0;
    do {
      String m = marker;
      ListKeysResponse page = kms.client().listKeys(r -> r.limit(2).marker(m));
      assertTrue(page.keys().size() <= 2);
      for (KeyListEntry k : page.keys()) {
        listed.add(k.keyId());
        assertEquals("arn:aws:kms:us-east-1:" + ACCOUNT + ":key/" + k.keyId(), k.keyArn());
      }
      assertEquals(page.truncated(), page.nextMarker() != null);
      marker = page.nextMarker();
      pages++;
    } while (marker != null);
    assertEquals(new HashSet<>(listed).size(), listed.size(), "no key listed twice");
    assertTrue(listed.containsAll(created));
    assertTrue(pages >= 3);
  }

  @Test
  void listKeys_badMarkerOrLimit_fails(LocalKms kms) {
    assertKmsError("InvalidMarkerException", () -> kms.client().listKeys(r -> r.marker("%%%")));
    assertKmsError("ValidationException", () -> kms.client().listKeys(r -> r.limit(0)));
    assertKmsError("ValidationException", () -> kms.client().listKeys(r -> r.limit(1001)));
  }

  @Test
  void createAlias_thenListAliases_showsAliasWithArnAndTarget(LocalKms kms) {
    String keyId = kms.client().createKey(r -> {}).keyMetadata().keyId();
    kms.client().createAlias(r -> r.aliasName("alias/listed").targetKeyId(keyId));
    List<AliasListEntry> aliases = kms.client().listAliases(r -> r.keyId(keyId)).aliases();
    assertEquals(1, aliases.size());
    AliasListEntry a = aliases.get(0);
    assertEquals("alias/listed", a.aliasName());
    assertEquals("arn:aws:kms:us-east-1:" + ACCOUNT + ":alias/listed", a.aliasArn());
    assertEquals(keyId, a.targetKeyId());
    assertEquals(CLOCK.instant().toEpochMilli(), a.creationDate().toEpochMilli());
    assertTrue(
        kms.client().listAliases(r -> {}).aliases().stream()
            .anyMatch(x -> x.aliasName().equals("alias/listed")));
  }

  @Test
  void createAlias_badNamesOrTargets_failWithKmsErrors(LocalKms kms) {
    KmsClient c = kms.client();
    String keyId = c.createKey(r -> {}).keyMetadata().keyId();
    c.createAlias(r -> r.aliasName("alias/taken").targetKeyId(keyId));
    assertKmsError(
        "AlreadyExistsException",
        () -> c.createAlias(r -> r.aliasName("alias/taken").targetKeyId(keyId)));
    assertKmsError(
        "InvalidAliasNameException",
        () -> c.createAlias(r -> r.aliasName("no-prefix").targetKeyId(keyId)));
    assertKmsError(
        "InvalidAliasNameException",
        () -> c.createAlias(r -> r.aliasName("alias/aws/reserved").targetKeyId(keyId)));
    assertKmsError(
        "ValidationException",
        () -> c.createAlias(r -> r.aliasName("alias/spaces not allowed").targetKeyId(keyId)));
    assertKmsError(
        "NotFoundException",
        () -> c.createAlias(r -> r.aliasName("alias/to-alias").targetKeyId("alias/taken")));
    assertKmsError(
        "NotFoundException",
        () ->
            c.createAlias(
                r ->
                    r.aliasName("alias/to-nothing")
                        .targetKeyId("1234abcd-12ab-34cd-56ef-1234567890ab")));
    c.scheduleKeyDeletion(r -> r.keyId(keyId).pendingWindowInDays(30));
    assertKmsError(
        "KMSInvalidStateException",
        () -> c.createAlias(r -> r.aliasName("alias/late").targetKeyId(keyId)));
  }

  @Test
  void updateAliasAndDeleteAlias_moveAndRemoveTheAlias(LocalKms kms) {
    KmsClient c = kms.client();
    String first = c.createKey(r -> {}).keyMetadata().keyId();
    String second = c.createKey(r -> {}).keyMetadata().keyId();
    c.createAlias(r -> r.aliasName("alias/moving").targetKeyId(first));
    c.updateAlias(r -> r.aliasName("alias/moving").targetKeyId(second));
    assertEquals(second, c.describeKey(r -> r.keyId("alias/moving")).keyMetadata().keyId());
    c.deleteAlias(r -> r.aliasName("alias/moving"));
    assertKmsError("NotFoundException", () -> c.describeKey(r -> r.keyId("alias/moving")));
    assertKmsError("NotFoundException", () -> c.deleteAlias(r -> r.aliasName("alias/moving")));
    assertKmsError(
        "NotFoundException",
        () -> c.updateAlias(r -> r.aliasName("alias/moving").targetKeyId(first)));
  }

  @Test
  void updateKeyDescription_changesDescription(LocalKms kms) {
    String keyId = kms.client().createKey(r -> r.description("old")).keyMetadata().keyId();
    kms.client().updateKeyDescription(r -> r.keyId(keyId).description("new"));
    assertEquals("new", kms.client().describeKey(r -> r.keyId(keyId)).keyMetadata().description());
  }

  @Test
  void disableKeyThenEnableKey_togglesStateAndUse(LocalKms kms) {
    KmsClient c = kms.client();
    String keyId = c.createKey(r -> {}).keyMetadata().keyId();
    c.disableKey(r -> r.keyId(keyId));
    KeyMetadata m = c.describeKey(r -> r.keyId(keyId)).keyMetadata();
    assertFalse(m.enabled());
    assertEquals(KeyState.DISABLED, m.keyState());
    var e =
        assertKmsError(
            "DisabledException",
            () -> c.generateDataKey(r -> r.keyId(keyId).keySpec(DataKeySpec.AES_256)));
    assertEquals(m.arn() + " is disabled.", e.awsErrorDetails().errorMessage());
    c.enableKey(r -> r.keyId(keyId));
    assertEquals(KeyState.ENABLED, c.describeKey(r -> r.keyId(keyId)).keyMetadata().keyState());
    c.generateDataKey(r -> r.keyId(keyId).keySpec(DataKeySpec.AES_256));
  }

  @Test
  void enableAndDisableKey_aliasOrUnknownKey_failNotFound(LocalKms kms) {
    KmsClient c = kms.client();
    String keyId = c.createKey(r -> {}).keyMetadata().keyId();
    c.createAlias(r -> r.aliasName("alias/no-management").targetKeyId(keyId));
    assertKmsError("NotFoundException", () -> c.disableKey(r -> r.keyId("alias/no-management")));
    assertKmsError(
        "NotFoundException",
        () -> c.enableKey(r -> r.keyId("1234abcd-12ab-34cd-56ef-1234567890ab")));
  }

  @Test
  void scheduleKeyDeletion_defaultWindow_isThirtyDaysPendingDeletion(LocalKms kms) {
    KmsClient c = kms.client();
    KeyMetadata m = c.createKey(r -> {}).keyMetadata();
    ScheduleKeyDeletionResponse s = c.scheduleKeyDeletion(r -> r.keyId(m.keyId()));
    assertEquals(m.arn(), s.keyId());
    assertEquals(30, s.pendingWindowInDays());
    assertEquals(KeyState.PENDING_DELETION, s.keyState());
    assertEquals(
        CLOCK.instant().plus(Duration.ofDays(30)).toEpochMilli(), s.deletionDate().toEpochMilli());
    KeyMetadata after = c.describeKey(r -> r.keyId(m.keyId())).keyMetadata();
    assertEquals(KeyState.PENDING_DELETION, after.keyState());
    assertEquals(s.deletionDate(), after.deletionDate());
    var e =
        assertKmsError(
            "KMSInvalidStateException", () -> c.scheduleKeyDeletion(r -> r.keyId(m.keyId())));
    assertEquals(m.arn() + " is pending deletion.", e.awsErrorDetails().errorMessage());
    assertKmsError("KMSInvalidStateException", () -> c.enableKey(r -> r.keyId(m.keyId())));
    assertKmsError("KMSInvalidStateException", () -> c.disableKey(r -> r.keyId(m.keyId())));
    assertKmsError(
        "KMSInvalidStateException",
        () -> c.encrypt(r -> r.keyId(m.keyId()).plaintext(SdkBytes.fromUtf8String("x"))));
  }

  @Test
  void scheduleKeyDeletion_windowOutsideSevenToThirtyDays_failsValidation(LocalKms kms) {
    String keyId = kms.client().createKey(r -> {}).keyMetadata().keyId();
    var e =
        assertKmsError(
            "ValidationException",
            () -> kms.client().scheduleKeyDeletion(r -> r.keyId(keyId).pendingWindowInDays(6)));
    assertTrue(e.awsErrorDetails().errorMessage().contains("pendingWindowInDays"));
    assertKmsError(
        "ValidationException",
        () -> kms.client().scheduleKeyDeletion(r -> r.keyId(keyId).pendingWindowInDays(31)));
  }

  @Test
  void cancelKeyDeletion_leavesKeyDisabled_andFailsWhenNotPending(LocalKms kms) {
    KmsClient c = kms.client();
    KeyMetadata m = c.createKey(r -> {}).keyMetadata();
    var e =
        assertKmsError(
            "KMSInvalidStateException", () -> c.cancelKeyDeletion(r -> r.keyId(m.keyId())));
    assertEquals(m.arn() + " is not pending deletion.", e.awsErrorDetails().errorMessage());
    c.scheduleKeyDeletion(r -> r.keyId(m.keyId()).pendingWindowInDays(7));
    assertEquals(m.arn(), c.cancelKeyDeletion(r -> r.keyId(m.keyId())).keyId());
    KeyMetadata after = c.describeKey(r -> r.keyId(m.keyId())).keyMetadata();
    assertEquals(KeyState.DISABLED, after.keyState());
    assertNull(after.deletionDate());
  }

  @Test
  void scheduledDeletion_afterWaitingPeriod_deletesKeyAliasesAndCiphertexts(LocalKms kms) {
    KmsClient c = kms.client();
    KeyMetadata m = c.createKey(r -> {}).keyMetadata();
    c.createAlias(r -> r.aliasName("alias/doomed").targetKeyId(m.keyId()));
    SdkBytes blob =
        c.encrypt(r -> r.keyId(m.keyId()).plaintext(SdkBytes.fromUtf8String("x"))).ciphertextBlob();
    c.scheduleKeyDeletion(r -> r.keyId(m.keyId()).pendingWindowInDays(7));
    CLOCK.advance(Duration.ofDays(6));
    assertEquals(
        KeyState.PENDING_DELETION, c.describeKey(r -> r.keyId(m.keyId())).keyMetadata().keyState());
    CLOCK.advance(Duration.ofDays(1));
    assertKmsError("NotFoundException", () -> c.describeKey(r -> r.keyId(m.keyId())));
    assertKmsError("NotFoundException", () -> c.describeKey(r -> r.keyId("alias/doomed")));
    assertFalse(
        c.listKeys(r -> r.limit(1000)).keys().stream().anyMatch(k -> k.keyId().equals(m.keyId())));
    var e = assertKmsError("NotFoundException", () -> c.decrypt(r -> r.ciphertextBlob(blob)));
    assertTrue(e.awsErrorDetails().errorMessage().contains(m.keyId()));
  }

  @Test
  void keyRotation_enableStatusDisable_reportsPeriodAndNextDate(LocalKms kms) {
    KmsClient c = kms.client();
    KeyMetadata m = c.createKey(r -> {}).keyMetadata();
    var off = c.getKeyRotationStatus(r -> r.keyId(m.keyId()));
    assertFalse(off.keyRotationEnabled());
    assertEquals(m.arn(), off.keyId());
    c.enableKeyRotation(r -> r.keyId(m.keyId()).rotationPeriodInDays(180));
    var on = c.getKeyRotationStatus(r -> r.keyId(m.keyId()));
    assertTrue(on.keyRotationEnabled());
    assertEquals(180, on.rotationPeriodInDays());
    assertEquals(
        CLOCK.instant().plus(Duration.ofDays(180)).toEpochMilli(),
        on.nextRotationDate().toEpochMilli());
    c.disableKeyRotation(r -> r.keyId(m.keyId()));
    assertFalse(c.getKeyRotationStatus(r -> r.keyId(m.keyId())).keyRotationEnabled());
    assertKmsError(
        "ValidationException",
        () -> c.enableKeyRotation(r -> r.keyId(m.keyId()).rotationPeriodInDays(89)));
  }

  @Test
  void enableKeyRotation_disabledOrPendingKey_failsLikeKms(LocalKms kms) {
    KmsClient c = kms.client();
    String disabled = c.createKey(r -> {}).keyMetadata().keyId();
    c.disableKey(r -> r.keyId(disabled));
    assertKmsError("DisabledException", () -> c.enableKeyRotation(r -> r.keyId(disabled)));
    String pending = c.createKey(r -> {}).keyMetadata().keyId();
    c.scheduleKeyDeletion(r -> r.keyId(pending));
    assertKmsError("KMSInvalidStateException", () -> c.enableKeyRotation(r -> r.keyId(pending)));
    assertKmsError("KMSInvalidStateException", () -> c.rotateKeyOnDemand(r -> r.keyId(pending)));
  }

  @Test
  void rotateKeyOnDemand_newMaterialEncrypts_oldCiphertextStillDecrypts(LocalKms kms) {
    KmsClient c = kms.client();
    KeyMetadata m = c.createKey(r -> {}).keyMetadata();
    var before = c.generateDataKey(r -> r.keyId(m.keyId()).numberOfBytes(32));
    assertEquals(m.arn(), c.rotateKeyOnDemand(r -> r.keyId(m.keyId())).keyId());
    var after = c.generateDataKey(r -> r.keyId(m.keyId()).numberOfBytes(32));
    assertNotEquals(before.keyMaterialId(), after.keyMaterialId());
    assertEquals(
        after.keyMaterialId(),
        c.describeKey(r -> r.keyId(m.keyId())).keyMetadata().currentKeyMaterialId());
    var old = c.decrypt(r -> r.ciphertextBlob(before.ciphertextBlob()));
    assertEquals(before.plaintext(), old.plaintext());
    assertEquals(before.keyMaterialId(), old.keyMaterialId());
    assertEquals(
        CLOCK.instant().toEpochMilli(),
        c.getKeyRotationStatus(r -> r.keyId(m.keyId())).onDemandRotationStartDate().toEpochMilli());
  }

  @Test
  void automaticRotation_whenPeriodPasses_rotatesAndOldCiphertextDecrypts(LocalKms kms) {
    KmsClient c = kms.client();
    KeyMetadata m = c.createKey(r -> {}).keyMetadata();
    var blob =
        c.encrypt(
                r ->
                    r.keyId(m.keyId())
                        .plaintext(SdkBytes.fromUtf8String("kept"))
                        .encryptionContext(Map.of("k", "v")))
            .ciphertextBlob();
    c.enableKeyRotation(r -> r.keyId(m.keyId()).rotationPeriodInDays(90));
    CLOCK.advance(Duration.ofDays(91));
    KeyMetadata rotated = c.describeKey(r -> r.keyId(m.keyId())).keyMetadata();
    assertNotEquals(m.currentKeyMaterialId(), rotated.currentKeyMaterialId());
    assertEquals(
        "kept",
        c.decrypt(r -> r.ciphertextBlob(blob).encryptionContext(Map.of("k", "v")))
            .plaintext()
            .asUtf8String());
    assertTrue(
        c.getKeyRotationStatus(r -> r.keyId(m.keyId()))
            .nextRotationDate()
            .isAfter(CLOCK.instant()));
  }
}
