package dev.envelope.localkms.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyPolicyDocumentTest {
  private static final String ME = "arn:aws:iam::111122223333:user/me";
  private static final String KEY = "arn:aws:kms:us-east-1:111122223333:key/k";

  private static KeyPolicyDocument.Request request(String action, Map<String, String> context) {
    return new KeyPolicyDocument.Request(ME, "111122223333", action, KEY, context, null, false, null);
  }

  private static KeyPolicyDocument policy(String statements) {
    return KeyPolicyDocument.parse("{\"Version\":\"2012-10-17\",\"Statement\":[" + statements + "]}");
  }

  private static String statement(
      String effect, String principal, String action, String condition) {
    return "{\"Effect\":\""
        + effect
        + "\",\"Principal\":"
        + principal
        + ",\"Action\":"
        + action
        + ",\"Resource\":\"*\""
        + (condition == null ? "" : ",\"Condition\":" + condition)
        + "}";
  }

  @Test
  void glob_matchesIamWildcards() {
    assertTrue(KeyPolicyDocument.glob("kms:*", "kms:Encrypt", true));
    assertTrue(KeyPolicyDocument.glob("KMS:generate*", "kms:GenerateDataKey", true));
    assertTrue(KeyPolicyDocument.glob("kms:?ecrypt", "kms:Decrypt", true));
    assertFalse(KeyPolicyDocument.glob("kms:Generate*", "kms:Encrypt", true));
    assertFalse(KeyPolicyDocument.glob("a*b*c", "a-b-", false));
    assertTrue(KeyPolicyDocument.glob("*", "", false));
    assertFalse(KeyPolicyDocument.glob("Tenant", "tenant", false));
  }

  @Test
  void evaluate_allowDenyOrNoDecision() {
    KeyPolicyDocument p =
        policy(
            statement("Allow", "{\"AWS\":\"" + ME + "\"}", "\"kms:*\"", null)
                + ","
                + statement("Deny", "\"*\"", "\"kms:Decrypt\"", null));
    assertEquals(KeyPolicyDocument.Decision.ALLOW, p.evaluate(request("kms:Encrypt", Map.of())));
    assertEquals(KeyPolicyDocument.Decision.DENY, p.evaluate(request("kms:Decrypt", Map.of())));
    KeyPolicyDocument other =
        policy(
            statement(
                "Allow", "{\"AWS\":\"arn:aws:iam::111122223333:user/x\"}", "\"kms:*\"", null));
    assertEquals(KeyPolicyDocument.Decision.NO_DECISION, other.evaluate(request("kms:Encrypt", Map.of())));
  }

  @Test
  void principals_accountIdRootArnOrExactArn() {
    for (String principal :
        List.of(
            "{\"AWS\":\"111122223333\"}",
            "{\"AWS\":\"arn:aws:iam::111122223333:root\"}",
            "{\"AWS\":[\"x\",\"" + ME + "\"]}",
            "{\"AWS\":\"*\"}",
            "\"*\"")) {
      if (principal.contains("\"x\"")) {
        assertThrows(
            KmsException.class, () -> policy(statement("Allow", principal, "\"kms:*\"", null)));
        continue;
      }
      assertEquals(
          KeyPolicyDocument.Decision.ALLOW,
          policy(statement("Allow", principal, "\"kms:*\"", null))
              .evaluate(request("kms:Encrypt", Map.of())),
          principal);
    }
    assertEquals(
        KeyPolicyDocument.Decision.NO_DECISION,
        policy(statement("Allow", "{\"AWS\":\"444455556666\"}", "\"kms:*\"", null))
            .evaluate(request("kms:Encrypt", Map.of())));
    assertEquals(
        KeyPolicyDocument.Decision.NO_DECISION,
        policy(statement("Allow", "{\"Service\":\"s3.amazonaws.com\"}", "\"kms:*\"", null))
            .evaluate(request("kms:Encrypt", Map.of())));
  }

  @Test
  void notAction_matchesEverythingElse() {
    KeyPolicyDocument p =
        KeyPolicyDocument.parse(
            "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\","
                + "\"NotAction\":\"kms:Decrypt\",\"Resource\":\"*\"}}");
    assertEquals(KeyPolicyDocument.Decision.ALLOW, p.evaluate(request("kms:Encrypt", Map.of())));
    assertEquals(KeyPolicyDocument.Decision.NO_DECISION, p.evaluate(request("kms:Decrypt", Map.of())));
  }

  @Test
  void conditions_stringOperatorsIfExistsAndNegation() {
    KeyPolicyDocument ifExists =
        policy(
            statement(
                "Allow",
                "\"*\"",
                "\"kms:*\"",
                "{\"StringEqualsIfExists\":{\"kms:EncryptionContext:tenant\":\"a\"}}"));
    assertEquals(KeyPolicyDocument.Decision.ALLOW, ifExists.evaluate(request("kms:Encrypt", Map.of())));
    assertEquals(
        KeyPolicyDocument.Decision.NO_DECISION,
        ifExists.evaluate(request("kms:Encrypt", Map.of("tenant", "b"))));
    KeyPolicyDocument notEquals =
        policy(
            statement(
                "Allow",
                "\"*\"",
                "\"kms:*\"",
                "{\"StringNotEquals\":{\"kms:EncryptionContext:tenant\":\"a\"}}"));
    assertEquals(
        KeyPolicyDocument.Decision.ALLOW,
        notEquals.evaluate(request("kms:Encrypt", Map.of("tenant", "b"))));
    assertEquals(
        KeyPolicyDocument.Decision.NO_DECISION,
        notEquals.evaluate(request("kms:Encrypt", Map.of("tenant", "a"))));
    KeyPolicyDocument account =
        policy(
            statement(
                "Allow",
                "\"*\"",
                "\"kms:*\"",
                "{\"StringEquals\":{\"kms:CallerAccount\":\"111122223333\","
                    + "\"aws:PrincipalArn\":\""
                    + ME
                    + "\"}}"));
    assertEquals(KeyPolicyDocument.Decision.ALLOW, account.evaluate(request("kms:Encrypt", Map.of())));
    KeyPolicyDocument anyValue =
        policy(
            statement(
                "Allow",
                "\"*\"",
                "\"kms:*\"",
                "{\"ForAnyValue:StringEquals\":{\"kms:EncryptionContextKeys\":\"needle\"}}"));
    assertEquals(
        KeyPolicyDocument.Decision.ALLOW,
        anyValue.evaluate(request("kms:Encrypt", Map.of("hay", "1", "needle", "2"))));
    assertEquals(
        KeyPolicyDocument.Decision.NO_DECISION,
        anyValue.evaluate(request("kms:Encrypt", Map.of("hay", "1"))));
  }

  @Test
  void unknownConditionOperator_neverAllows_butAlwaysDenies() {
    String unknown = "{\"DateGreaterThan\":{\"aws:CurrentTime\":\"2020-01-01T00:00:00Z\"}}";
    assertEquals(
        KeyPolicyDocument.Decision.NO_DECISION,
        policy(statement("Allow", "\"*\"", "\"kms:*\"", unknown))
            .evaluate(request("kms:Encrypt", Map.of())));
    assertEquals(
        KeyPolicyDocument.Decision.DENY,
        policy(
                statement("Allow", "\"*\"", "\"kms:*\"", null)
                    + ","
                    + statement("Deny", "\"*\"", "\"kms:*\"", unknown))
            .evaluate(request("kms:Encrypt", Map.of())));
  }

  @Test
  void parse_rejectsWhatIsNotAPolicy() {
    for (String bad :
        List.of(
            "",
            "[]",
            "{\"Statement\":[]}",
            "{\"Statement\":[1]}",
            "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Resource\":\"*\"}]}",
            "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"kms:*\",\"Resource\":\"*\"}]}",
            "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:*\"}]}",
            "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":[],"
                + "\"Resource\":\"*\"}]}",
            "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:*\","
                + "\"Resource\":\"*\",\"Condition\":[]}]}",
            "x".repeat(KeyPolicyDocument.MAX_CHARS + 1))) {
      KmsException e = assertThrows(KmsException.class, () -> KeyPolicyDocument.parse(bad), bad);
      assertEquals("MalformedPolicyDocumentException", e.errorType());
    }
  }

  @Test
  void deniedToEveryone_onlyUnconditionalDenyForAllPrincipalsOnAllResources() {
    List<String> actions = List.of("kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey");
    KeyPolicyDocument p =
        policy(
            statement("Allow", "{\"AWS\":\"" + ME + "\"}", "\"kms:*\"", null)
                + ","
                + statement("Deny", "\"*\"", "\"kms:Decrypt\"", null)
                + ","
                + statement("Deny", "{\"AWS\":[\"" + ME + "\",\"*\"]}", "\"kms:gen*\"", null));
    assertEquals(
        java.util.Set.of("kms:Decrypt", "kms:GenerateDataKey"), p.deniedToEveryone(actions));
    assertEquals(
        java.util.Set.of("kms:Decrypt", "kms:GenerateDataKey"),
        policy(statement("Deny", "\"*\"", "\"kms:*\"", null).replace("\"Action\"", "\"NotAction\"")
                .replace("\"kms:*\"", "\"kms:Encrypt\""))
            .deniedToEveryone(actions),
        "NotAction denies everything it does not name");
    for (String notEveryone :
        List.of(
            statement("Deny", "{\"AWS\":\"" + ME + "\"}", "\"kms:*\"", null),
            statement("Deny", "\"*\"", "\"kms:*\"", "{\"Bool\":{\"kms:MultiRegion\":\"true\"}}"),
            statement("Deny", "{\"Service\":\"x.amazonaws.com\"}", "\"kms:*\"", null),
            statement("Deny", "\"*\"", "\"kms:*\"", null).replace("\"Resource\":\"*\"",
                "\"Resource\":\"" + KEY + "\""),
            statement("Allow", "\"*\"", "\"kms:*\"", null))) {
      assertTrue(policy(notEveryone).deniedToEveryone(actions).isEmpty(), notEveryone);
    }
  }
}
