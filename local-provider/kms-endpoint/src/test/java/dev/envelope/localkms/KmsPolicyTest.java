package dev.envelope.localkms;

import dev.envelope.localkms.junit.LocalKms;
import dev.envelope.localkms.junit.LocalKmsExtension;

import static dev.envelope.localkms.KmsAssertions.assertKmsError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;

/** GetKeyPolicy / PutKeyPolicy, and key policies deciding who may do what. */
class KmsPolicyTest {
  static final String ACCOUNT = "111122223333";
  static final KmsCredentials ADMIN = KmsCredentials.random("user/admin");
  static final KmsCredentials APP = KmsCredentials.random("role/app");

  @RegisterExtension
  static final LocalKmsExtension KMS = new LocalKmsExtension(b -> b.credentials(ADMIN, APP));

  private KmsClient admin;
  private KmsClient app;
  private String keyId;

  @BeforeEach
  void setUp(LocalKms kms) {
    admin = kms.client(kms.region(), ADMIN);
    app = kms.client(kms.region(), APP);
    keyId = admin.createKey(r -> {}).keyMetadata().keyId();
  }

  private static String policy(String appStatement) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"admin\",\"Effect\":\"Allow\","
        + "\"Principal\":{\"AWS\":\"arn:aws:iam::"
        + ACCOUNT
        + ":user/admin\"},"
        + "\"Action\":\"kms:*\",\"Resource\":\"*\"},"
        + appStatement
        + "]}";
  }

  private static String app(String effect, String actions, String condition) {
    return "{\"Effect\":\""
        + effect
        + "\",\"Principal\":{\"AWS\":\"arn:aws:iam::"
        + ACCOUNT
        + ":role/app\"},\"Action\":"
        + actions
        + ",\"Resource\":\"*\""
        + (condition == null ? "" : ",\"Condition\":" + condition)
        + "}";
  }

  @Test
  void getKeyPolicy_newKey_returnsDefaultPolicyTrustingTheAccount() {
    var r = admin.getKeyPolicy(b -> b.keyId(keyId).policyName("default"));
    assertEquals("default", r.policyName());
    JsonObject statement =
        JsonParser.parseString(r.policy())
            .getAsJsonObject()
            .getAsJsonArray("Statement")
            .get(0)
            .getAsJsonObject();
    assertEquals("Allow", statement.get("Effect").getAsString());
    assertEquals(
        "arn:aws:iam::" + ACCOUNT + ":root",
        statement.getAsJsonObject("Principal").get("AWS").getAsString());
    assertEquals("kms:*", statement.get("Action").getAsString());
    assertKmsError(
        "NotFoundException", () -> admin.getKeyPolicy(b -> b.keyId(keyId).policyName("other")));
  }

  @Test
  void putKeyPolicy_thenGetKeyPolicy_returnsNewPolicy() {
    String p = policy(app("Allow", "\"kms:Encrypt\"", null));
    admin.putKeyPolicy(b -> b.keyId(keyId).policyName("default").policy(p));
    assertEquals(p, admin.getKeyPolicy(b -> b.keyId(keyId)).policy());
  }

  @Test
  void putKeyPolicy_malformedOrLockingOut_fails() {
    assertKmsError(
        "MalformedPolicyDocumentException",
        () -> admin.putKeyPolicy(b -> b.keyId(keyId).policy("{\"Statement\":[]}")));
    assertKmsError(
        "MalformedPolicyDocumentException",
        () ->
            admin.putKeyPolicy(
                b ->
                    b.keyId(keyId)
                        .policy(
                            "{\"Statement\":[{\"Effect\":\"Allow\","
                                + "\"Principal\":\"*\",\"Resource\":\"*\"}]}")));
    String appOnly = "{\"Statement\":[" + app("Allow", "\"kms:*\"", null) + "]}";
    var e =
        assertKmsError(
            "MalformedPolicyDocumentException",
            () -> admin.putKeyPolicy(b -> b.keyId(keyId).policy(appOnly)));
    assertTrue(e.awsErrorDetails().errorMessage().contains("will not allow you to update"));
    admin.putKeyPolicy(b -> b.keyId(keyId).policy(appOnly).bypassPolicyLockoutSafetyCheck(true));
    assertKmsError("AccessDeniedException", () -> admin.getKeyPolicy(b -> b.keyId(keyId)));
    assertEquals(appOnly, app.getKeyPolicy(b -> b.keyId(keyId)).policy());
  }

  @Test
  void policy_allowsOnlyListedActions_withWildcards() {
    admin.putKeyPolicy(
        b ->
            b.keyId(keyId)
                .policy(policy(app("Allow", "[\"kms:Generate*\",\"kms:describekey\"]", null))));
    app.generateDataKey(b -> b.keyId(keyId).numberOfBytes(32));
    app.generateDataKeyWithoutPlaintext(b -> b.keyId(keyId).numberOfBytes(32));
    app.describeKey(b -> b.keyId(keyId));
    var e =
        assertKmsError(
            "AccessDeniedException",
            () -> app.encrypt(b -> b.keyId(keyId).plaintext(SdkBytes.fromUtf8String("x"))));
    assertTrue(
        e.awsErrorDetails()
            .errorMessage()
            .contains("role/app is not authorized to perform:" + " kms:Encrypt"),
        e.awsErrorDetails().errorMessage());
  }

  @Test
  void policy_explicitDeny_winsOverAllow() {
    admin.putKeyPolicy(
        b ->
            b.keyId(keyId)
                .policy(
                    policy(
                        app("Allow", "\"kms:*\"", null)
                            + ","
                            + app("Deny", "\"kms:Decrypt\"", null))));
    var blob =
        app.encrypt(b -> b.keyId(keyId).plaintext(SdkBytes.fromUtf8String("x"))).ciphertextBlob();
    var e = assertKmsError("AccessDeniedException", () -> app.decrypt(b -> b.ciphertextBlob(blob)));
    assertTrue(
        e.awsErrorDetails()
            .errorMessage()
            .endsWith("with an explicit deny in a" + " resource-based policy"));
    admin.decrypt(b -> b.ciphertextBlob(blob));
  }

  @Test
  void policy_encryptionContextCondition_allowsOnlyMatchingContext() {
    admin.putKeyPolicy(
        b ->
            b.keyId(keyId)
                .policy(
                    policy(
                        app(
                            "Allow",
                            "\"kms:Encrypt\"",
                            "{\"StringEquals\":"
                                + "{\"kms:EncryptionContext:tenant\":[\"a\",\"b\"]}}"))));
    app.encrypt(
        b ->
            b.keyId(keyId)
                .plaintext(SdkBytes.fromUtf8String("x"))
                .encryptionContext(Map.of("tenant", "b")));
    assertKmsError(
        "AccessDeniedException",
        () ->
            app.encrypt(
                b ->
                    b.keyId(keyId)
                        .plaintext(SdkBytes.fromUtf8String("x"))
                        .encryptionContext(Map.of("tenant", "c"))));
    assertKmsError(
        "AccessDeniedException",
        () -> app.encrypt(b -> b.keyId(keyId).plaintext(SdkBytes.fromUtf8String("x"))));
  }

  @Test
  void policy_contextKeysConditionAndNullCheck_requireAContext() {
    admin.putKeyPolicy(
        b ->
            b.keyId(keyId)
                .policy(
                    policy(
                        app(
                            "Allow",
                            "\"kms:GenerateDataKey\"",
                            "{\"ForAllValues:StringLike\":"
                                + "{\"kms:EncryptionContextKeys\":\"app-*\"},"
                                + "\"Null\":{\"kms:EncryptionContextKeys\":\"false\"}}"))));
    app.generateDataKey(
        b ->
            b.keyId(keyId)
                .numberOfBytes(16)
                .encryptionContext(Map.of("app-id", "1", "app-user", "2")));
    assertKmsError(
        "AccessDeniedException",
        () ->
            app.generateDataKey(
                b ->
                    b.keyId(keyId)
                        .numberOfBytes(16)
                        .encryptionContext(Map.of("app-id", "1", "other", "2"))));
    assertKmsError(
        "AccessDeniedException", () -> app.generateDataKey(b -> b.keyId(keyId).numberOfBytes(16)));
  }

  @Test
  void policy_unknownConditionOperator_neverAllows() {
    admin.putKeyPolicy(
        b ->
            b.keyId(keyId)
                .policy(
                    policy(
                        app(
                            "Allow",
                            "\"kms:Encrypt\"",
                            "{\"IpAddress\":{\"aws:SourceIp\":\"127.0.0.1/32\"}}"))));
    assertKmsError(
        "AccessDeniedException",
        () -> app.encrypt(b -> b.keyId(keyId).plaintext(SdkBytes.fromUtf8String("x"))));
  }

  @Test
  void policy_accountIdPrincipal_allowsEveryPrincipalOfTheAccount() {
    admin.putKeyPolicy(
        b ->
            b.keyId(keyId)
                .policy(
                    "{\"Statement\":[{\"Effect\":\"Allow\","
                        + "\"Principal\":{\"AWS\":\""
                        + ACCOUNT
                        + "\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}"));
    app.encrypt(b -> b.keyId(keyId).plaintext(SdkBytes.fromUtf8String("x")));
  }
}
