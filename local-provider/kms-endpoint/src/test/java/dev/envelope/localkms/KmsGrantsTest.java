package dev.envelope.localkms;

import dev.envelope.localkms.junit.LocalKms;
import dev.envelope.localkms.junit.LocalKmsExtension;

import static dev.envelope.localkms.KmsAssertions.assertKmsError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.CreateGrantResponse;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.GrantListEntry;
import software.amazon.awssdk.services.kms.model.GrantOperation;

/**
 * CreateGrant, ListGrants, RetireGrant, RevokeGrant, and grants authorizing calls the key policy
 * does not: grants propagate after an hour here, so only their token makes them work at once.
 */
class KmsGrantsTest {
  static final String ACCOUNT = "111122223333";
  static final MutableClock CLOCK = new MutableClock();
  static final KmsCredentials ROOT = KmsCredentials.random("root");
  static final KmsCredentials ALICE = KmsCredentials.random("user/alice");
  static final KmsCredentials BOB = KmsCredentials.random("user/bob");
  static final KmsCredentials CAROL = KmsCredentials.random("user/carol");
  static final String BOB_ARN = "arn:aws:iam::" + ACCOUNT + ":user/bob";
  static final String CAROL_ARN = "arn:aws:iam::" + ACCOUNT + ":user/carol";

  @RegisterExtension
  static final LocalKmsExtension KMS =
      new LocalKmsExtension(
          b ->
              b.clock(CLOCK)
                  .grantPropagationDelay(Duration.ofHours(1))
                  .credentials(ROOT, ALICE, BOB, CAROL));

  /** Only alice may use the key through its policy. */
  static final String ALICE_ONLY =
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
          + "\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::"
          + ACCOUNT
          + ":user/alice\"},"
          + "\"Action\":\"kms:*\",\"Resource\":\"*\"}]}";

  private KmsClient alice;
  private KmsClient bob;
  private KmsClient carol;
  private String keyArn;

  @BeforeEach
  void setUp(LocalKms kms) {
    alice = kms.client(kms.region(), ALICE);
    bob = kms.client(kms.region(), BOB);
    carol = kms.client(kms.region(), CAROL);
    keyArn = alice.createKey(r -> r.policy(ALICE_ONLY)).keyMetadata().arn();
  }

  private CreateGrantResponse grantBob(GrantOperation... ops) {
    return alice.createGrant(
        r ->
            r.keyId(keyArn)
                .granteePrincipal(BOB_ARN)
                .retiringPrincipal(CAROL_ARN)
                .operations(ops)
                .name("bob-grant"));
  }

  @Test
  void createGrant_thenListGrants_showsEveryField() {
    CreateGrantResponse g =
        alice.createGrant(
            r ->
                r.keyId(keyArn)
                    .granteePrincipal(BOB_ARN)
                    .retiringPrincipal(CAROL_ARN)
                    .operations(GrantOperation.ENCRYPT, GrantOperation.DECRYPT)
                    .constraints(c -> c.encryptionContextSubset(Map.of("tenant", "a")))
                    .name("listed"));
    assertTrue(g.grantId().matches("[0-9a-f]{64}"), g.grantId());
    assertTrue(g.grantToken().length() > 32);
    List<GrantListEntry> grants = alice.listGrants(r -> r.keyId(keyArn)).grants();
    assertEquals(1, grants.size());
    GrantListEntry e = grants.get(0);
    assertEquals(keyArn, e.keyId());
    assertEquals(g.grantId(), e.grantId());
    assertEquals("listed", e.name());
    assertEquals(BOB_ARN, e.granteePrincipal());
    assertEquals(CAROL_ARN, e.retiringPrincipal());
    assertEquals("arn:aws:iam::" + ACCOUNT + ":root", e.issuingAccount());
    assertEquals(
        Set.of(GrantOperation.ENCRYPT, GrantOperation.DECRYPT), Set.copyOf(e.operations()));
    assertEquals(Map.of("tenant", "a"), e.constraints().encryptionContextSubset());
    assertEquals(CLOCK.instant().toEpochMilli(), e.creationDate().toEpochMilli());
  }

  @Test
  void grant_beforePropagation_worksOnlyWithItsToken() {
    assertKmsError(
        "AccessDeniedException",
        () -> bob.generateDataKey(r -> r.keyId(keyArn).keySpec(DataKeySpec.AES_256)));
    CreateGrantResponse g = grantBob(GrantOperation.GENERATE_DATA_KEY, GrantOperation.DECRYPT);
    var denied =
        assertKmsError(
            "AccessDeniedException",
            () -> bob.generateDataKey(r -> r.keyId(keyArn).keySpec(DataKeySpec.AES_256)));
    assertEquals(
        "User: "
            + BOB_ARN
            + " is not authorized to perform: kms:GenerateDataKey on"
            + " resource: "
            + keyArn
            + " because no resource-based policy allows the"
            + " kms:GenerateDataKey action",
        denied.awsErrorDetails().errorMessage());
    var dk =
        bob.generateDataKey(
            r -> r.keyId(keyArn).keySpec(DataKeySpec.AES_256).grantTokens(g.grantToken()));
    assertEquals(
        dk.plaintext(),
        bob.decrypt(r -> r.ciphertextBlob(dk.ciphertextBlob()).grantTokens(g.grantToken()))
            .plaintext());
    assertKmsError(
        "AccessDeniedException",
        () ->
            bob.encrypt(
                r ->
                    r.keyId(keyArn)
                        .plaintext(SdkBytes.fromUtf8String("x"))
                        .grantTokens(g.grantToken())));
    CLOCK.advance(Duration.ofHours(1));
    bob.generateDataKey(r -> r.keyId(keyArn).keySpec(DataKeySpec.AES_256));
  }

  @Test
  void grant_retired_deniesGranteeEvenWithToken() {
    CreateGrantResponse g = grantBob(GrantOperation.GENERATE_DATA_KEY);
    bob.generateDataKey(r -> r.keyId(keyArn).numberOfBytes(32).grantTokens(g.grantToken()));
    carol.retireGrant(r -> r.grantToken(g.grantToken()));
    assertKmsError(
        "AccessDeniedException",
        () ->
            bob.generateDataKey(
                r -> r.keyId(keyArn).numberOfBytes(32).grantTokens(g.grantToken())));
    CLOCK.advance(Duration.ofHours(2));
    assertKmsError(
        "AccessDeniedException", () -> bob.generateDataKey(r -> r.keyId(keyArn).numberOfBytes(32)));
    assertTrue(alice.listGrants(r -> r.keyId(keyArn)).grants().isEmpty());
    assertKmsError("NotFoundException", () -> carol.retireGrant(r -> r.grantToken(g.grantToken())));
  }

  @Test
  void retireGrant_byKeyAndGrantId_onlyRetiringPrincipalGranteeWithRightOrAccountRoot(
      LocalKms kms) {
    CreateGrantResponse plain = grantBob(GrantOperation.ENCRYPT);
    assertKmsError(
        "AccessDeniedException",
        () -> bob.retireGrant(r -> r.keyId(keyArn).grantId(plain.grantId())));
    carol.retireGrant(r -> r.keyId(keyArn).grantId(plain.grantId()));

    CreateGrantResponse selfRetiring =
        alice.createGrant(
            r ->
                r.keyId(keyArn)
                    .granteePrincipal(BOB_ARN)
                    .operations(GrantOperation.ENCRYPT, GrantOperation.RETIRE_GRANT));
    bob.retireGrant(r -> r.keyId(keyArn).grantId(selfRetiring.grantId()));

    CreateGrantResponse third = grantBob(GrantOperation.DECRYPT);
    kms.client().retireGrant(r -> r.keyId(keyArn).grantId(third.grantId()));
    assertTrue(alice.listGrants(r -> r.keyId(keyArn)).grants().isEmpty());
  }

  @Test
  void retireGrant_badArguments_failWithKmsErrors() {
    assertKmsError(
        "InvalidGrantTokenException", () -> carol.retireGrant(r -> r.grantToken("bogus!")));
    assertKmsError(
        "InvalidGrantIdException",
        () -> carol.retireGrant(r -> r.keyId(keyArn).grantId("not-a-grant-id")));
    assertKmsError(
        "NotFoundException", () -> carol.retireGrant(r -> r.keyId(keyArn).grantId("0".repeat(64))));
    assertKmsError("ValidationException", () -> carol.retireGrant(r -> r.keyId(keyArn)));
  }

  @Test
  void revokeGrant_byKeyAdmin_removesGrant_othersDenied() {
    CreateGrantResponse g = grantBob(GrantOperation.ENCRYPT);
    assertKmsError(
        "AccessDeniedException", () -> bob.revokeGrant(r -> r.keyId(keyArn).grantId(g.grantId())));
    alice.revokeGrant(r -> r.keyId(keyArn).grantId(g.grantId()));
    assertKmsError(
        "AccessDeniedException",
        () ->
            bob.encrypt(
                r ->
                    r.keyId(keyArn)
                        .plaintext(SdkBytes.fromUtf8String("x"))
                        .grantTokens(g.grantToken())));
    assertKmsError(
        "NotFoundException", () -> alice.revokeGrant(r -> r.keyId(keyArn).grantId(g.grantId())));
    assertKmsError(
        "InvalidGrantIdException", () -> alice.revokeGrant(r -> r.keyId(keyArn).grantId("xyz")));
  }

  @Test
  void grantTokens_malformedOrTooMany_fail() {
    assertKmsError(
        "InvalidGrantTokenException",
        () -> alice.generateDataKey(r -> r.keyId(keyArn).numberOfBytes(32).grantTokens("AAAA")));
    assertKmsError(
        "ValidationException",
        () ->
            alice.generateDataKey(
                r ->
                    r.keyId(keyArn)
                        .numberOfBytes(32)
                        .grantTokens(java.util.Collections.nCopies(11, "a"))));
  }

  @Test
  void grantConstraints_contextSubsetAndEquals_areEnforced() {
    CreateGrantResponse subset =
        alice.createGrant(
            r ->
                r.keyId(keyArn)
                    .granteePrincipal(BOB_ARN)
                    .operations(GrantOperation.ENCRYPT)
                    .constraints(c -> c.encryptionContextSubset(Map.of("tenant", "a"))));
    String t = subset.grantToken();
    bob.encrypt(
        r ->
            r.keyId(keyArn)
                .plaintext(SdkBytes.fromUtf8String("x"))
                .encryptionContext(Map.of("tenant", "a", "more", "ok"))
                .grantTokens(t));
    assertKmsError(
        "AccessDeniedException",
        () ->
            bob.encrypt(
                r ->
                    r.keyId(keyArn)
                        .plaintext(SdkBytes.fromUtf8String("x"))
                        .encryptionContext(Map.of("tenant", "b"))
                        .grantTokens(t)));
    assertKmsError(
        "AccessDeniedException",
        () ->
            bob.encrypt(
                r -> r.keyId(keyArn).plaintext(SdkBytes.fromUtf8String("x")).grantTokens(t)));

    CreateGrantResponse equals =
        alice.createGrant(
            r ->
                r.keyId(keyArn)
                    .granteePrincipal(BOB_ARN)
                    .operations(GrantOperation.GENERATE_DATA_KEY)
                    .constraints(c -> c.encryptionContextEquals(Map.of("tenant", "a"))));
    String e = equals.grantToken();
    bob.generateDataKey(
        r ->
            r.keyId(keyArn)
                .numberOfBytes(16)
                .encryptionContext(Map.of("tenant", "a"))
                .grantTokens(e));
    assertKmsError(
        "AccessDeniedException",
        () ->
            bob.generateDataKey(
                r ->
                    r.keyId(keyArn)
                        .numberOfBytes(16)
                        .encryptionContext(Map.of("tenant", "a", "more", "no"))
                        .grantTokens(e)));
  }

  @Test
  void createGrant_invalidOperationsOrPrincipals_failValidation() {
    assertKmsError(
        "ValidationException",
        () ->
            alice.createGrant(
                r -> r.keyId(keyArn).granteePrincipal(BOB_ARN).operations(GrantOperation.SIGN)));
    assertKmsError(
        "ValidationException",
        () ->
            alice.createGrant(
                r -> r.keyId(keyArn).granteePrincipal(BOB_ARN).operationsWithStrings("Bogus")));
    assertKmsError(
        "ValidationException",
        () ->
            alice.createGrant(
                r -> r.keyId(keyArn).granteePrincipal("bob").operations(GrantOperation.ENCRYPT)));
    assertKmsError(
        "ValidationException",
        () ->
            alice.createGrant(
                r ->
                    r.keyId(keyArn)
                        .granteePrincipal(BOB_ARN)
                        .operations(GrantOperation.DESCRIBE_KEY)
                        .constraints(c -> c.encryptionContextEquals(Map.of("a", "b")))));
    assertKmsError(
        "ValidationException",
        () -> alice.createGrant(r -> r.keyId(keyArn).granteePrincipal(BOB_ARN)));
  }

  @Test
  void createGrant_disabledPendingOrUnauthorized_failLikeKms() {
    assertKmsError(
        "AccessDeniedException",
        () ->
            bob.createGrant(
                r -> r.keyId(keyArn).granteePrincipal(BOB_ARN).operations(GrantOperation.ENCRYPT)));
    alice.disableKey(r -> r.keyId(keyArn));
    assertKmsError(
        "DisabledException",
        () ->
            alice.createGrant(
                r -> r.keyId(keyArn).granteePrincipal(BOB_ARN).operations(GrantOperation.ENCRYPT)));
    alice.scheduleKeyDeletion(r -> r.keyId(keyArn));
    assertKmsError(
        "KMSInvalidStateException",
        () ->
            alice.createGrant(
                r -> r.keyId(keyArn).granteePrincipal(BOB_ARN).operations(GrantOperation.ENCRYPT)));
  }

  @Test
  void createGrant_sameNameAndParameters_returnsSameGrantWithNewToken() {
    CreateGrantResponse first = grantBob(GrantOperation.ENCRYPT);
    CreateGrantResponse second = grantBob(GrantOperation.ENCRYPT);
    assertEquals(first.grantId(), second.grantId());
    assertNotEquals(first.grantToken(), second.grantToken());
    assertEquals(1, alice.listGrants(r -> r.keyId(keyArn)).grants().size());
  }

  @Test
  void grantWithCreateGrant_letsGranteeDelegateOnlyASubset() {
    CreateGrantResponse parent =
        alice.createGrant(
            r ->
                r.keyId(keyArn)
                    .granteePrincipal(BOB_ARN)
                    .operations(GrantOperation.ENCRYPT, GrantOperation.CREATE_GRANT));
    CreateGrantResponse child =
        bob.createGrant(
            r ->
                r.keyId(keyArn)
                    .granteePrincipal(CAROL_ARN)
                    .operations(GrantOperation.ENCRYPT)
                    .grantTokens(parent.grantToken()));
    carol.encrypt(
        r ->
            r.keyId(keyArn)
                .plaintext(SdkBytes.fromUtf8String("x"))
                .grantTokens(child.grantToken()));
    assertKmsError(
        "AccessDeniedException",
        () ->
            bob.createGrant(
                r ->
                    r.keyId(keyArn)
                        .granteePrincipal(CAROL_ARN)
                        .operations(GrantOperation.DECRYPT)
                        .grantTokens(parent.grantToken())));
  }

  @Test
  void listGrants_filtersByGranteeAndGrantId_andPaginates() {
    CreateGrantResponse toBob = grantBob(GrantOperation.ENCRYPT);
    CreateGrantResponse toCarol =
        alice.createGrant(
            r -> r.keyId(keyArn).granteePrincipal(CAROL_ARN).operations(GrantOperation.DECRYPT));
    alice.createGrant(
        r -> r.keyId(keyArn).granteePrincipal(CAROL_ARN).operations(GrantOperation.ENCRYPT));
    assertEquals(
        List.of(toBob.grantId()),
        alice.listGrants(r -> r.keyId(keyArn).granteePrincipal(BOB_ARN)).grants().stream()
            .map(GrantListEntry::grantId)
            .toList());
    assertEquals(
        List.of(toCarol.grantId()),
        alice.listGrants(r -> r.keyId(keyArn).grantId(toCarol.grantId())).grants().stream()
            .map(GrantListEntry::grantId)
            .toList());
    var page = alice.listGrants(r -> r.keyId(keyArn).limit(2));
    assertTrue(page.truncated());
    var rest = alice.listGrants(r -> r.keyId(keyArn).limit(2).marker(page.nextMarker()));
    assertEquals(1, rest.grants().size());
    Set<String> all =
        page.grants().stream().map(GrantListEntry::grantId).collect(Collectors.toSet());
    all.add(rest.grants().get(0).grantId());
    assertEquals(3, all.size());
    assertKmsError("AccessDeniedException", () -> bob.listGrants(r -> r.keyId(keyArn)));
  }
}
