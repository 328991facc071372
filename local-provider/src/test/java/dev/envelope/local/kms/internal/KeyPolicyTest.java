package dev.envelope.local.kms.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyPolicyTest {
  private static final String ME = "arn:aws:iam::111122223333:user/me";
  private static final String KEY = "arn:aws:kms:us-east-1:111122223333:key/k";

  private static KeyPolicy.Request request(String action, Map<String, String> context) {
    return new KeyPolicy.Request(ME, "111122223333", action, KEY, context, null, false, null);
  }

  private static KeyPolicy policy(String statements) {
    return KeyPolicy.parse("{\"Version\":\"2012-10-17\",\"Statement\":[" + statements + "]}");
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
    assertTrue(KeyPolicy.glob("kms:*", "kms:Encrypt", true));
    assertTrue(KeyPolicy.glob("KMS:generate*", "kms:GenerateDataKey", true));
    assertTrue(KeyPolicy.glob("kms:?ecrypt", "kms:Decrypt", true));
    assertFalse(KeyPolicy.glob("kms:Generate*", "kms:Encrypt", true));
    assertFalse(KeyPolicy.glob("a*b*c", "a-b-", false));
    assertTrue(KeyPolicy.glob("*", "", false));
    assertFalse(KeyPolicy.glob("Tenant", "tenant", false));
  }

  @Test
  void evaluate_allowDenyOrNoDecision() {
    KeyPolicy p =
        policy(
            statement("Allow", "{\"AWS\":\"" + ME + "\"}", "\"kms:*\"", null)
                + ","
                + statement("Deny", "\"*\"", "\"kms:Decrypt\"", null));
    assertEquals(KeyPolicy.Decision.ALLOW, p.evaluate(request("kms:Encrypt", Map.of())));
    assertEquals(KeyPolicy.Decision.DENY, p.evaluate(request("kms:Decrypt", Map.of())));
    KeyPolicy other =
        policy(
            statement(
                "Allow", "{\"AWS\":\"arn:aws:iam::111122223333:user/x\"}", "\"kms:*\"", null));
    assertEquals(KeyPolicy.Decision.NO_DECISION, other.evaluate(request("kms:Encrypt", Map.of())));
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
          KeyPolicy.Decision.ALLOW,
          policy(statement("Allow", principal, "\"kms:*\"", null))
              .evaluate(request("kms:Encrypt", Map.of())),
          principal);
    }
    assertEquals(
        KeyPolicy.Decision.NO_DECISION,
        policy(statement("Allow", "{\"AWS\":\"444455556666\"}", "\"kms:*\"", null))
            .evaluate(request("kms:Encrypt", Map.of())));
    assertEquals(
        KeyPolicy.Decision.NO_DECISION,
        policy(statement("Allow", "{\"Service\":\"s3.amazonaws.com\"}", "\"kms:*\"", null))
            .evaluate(request("kms:Encrypt", Map.of())));
  }

  @Test
  void notAction_matchesEverythingElse() {
    KeyPolicy p =
        KeyPolicy.parse(
            "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\","
                + "\"NotAction\":\"kms:Decrypt\",\"Resource\":\"*\"}}");
    assertEquals(KeyPolicy.Decision.ALLOW, p.evaluate(request("kms:Encrypt", Map.of())));
    assertEquals(KeyPolicy.Decision.NO_DECISION, p.evaluate(request("kms:Decrypt", Map.of())));
  }

  @Test
  void conditions_stringOperatorsIfExistsAndNegation() {
    KeyPolicy ifExists =
        policy(
            statement(
                "Allow",
                "\"*\"",
                "\"kms:*\"",
                "{\"StringEqualsIfExists\":{\"kms:EncryptionContext:tenant\":\"a\"}}"));
    assertEquals(KeyPolicy.Decision.ALLOW, ifExists.evaluate(request("kms:Encrypt", Map.of())));
    assertEquals(
        KeyPolicy.Decision.NO_DECISION,
        ifExists.evaluate(request("kms:Encrypt", Map.of("tenant", "b"))));
    KeyPolicy notEquals =
        policy(
            statement(
                "Allow",
                "\"*\"",
                "\"kms:*\"",
                "{\"StringNotEquals\":{\"kms:EncryptionContext:tenant\":\"a\"}}"));
    assertEquals(
        KeyPolicy.Decision.ALLOW,
        notEquals.evaluate(request("kms:Encrypt", Map.of("tenant", "b"))));
    assertEquals(
        KeyPolicy.Decision.NO_DECISION,
        notEquals.evaluate(request("kms:Encrypt", Map.of("tenant", "a"))));
    KeyPolicy account =
        policy(
            statement(
                "Allow",
                "\"*\"",
                "\"kms:*\"",
                "{\"StringEquals\":{\"kms:CallerAccount\":\"111122223333\","
                    + "\"aws:PrincipalArn\":\""
                    + ME
                    + "\"}}"));
    assertEquals(KeyPolicy.Decision.ALLOW, account.evaluate(request("kms:Encrypt", Map.of())));
    KeyPolicy anyValue =
        policy(
            statement(
                "Allow",
                "\"*\"",
                "\"kms:*\"",
                "{\"ForAnyValue:StringEquals\":{\"kms:EncryptionContextKeys\":\"needle\"}}"));
    assertEquals(
        KeyPolicy.Decision.ALLOW,
        anyValue.evaluate(request("kms:Encrypt", Map.of("hay", "1", "needle", "2"))));
    assertEquals(
        KeyPolicy.Decision.NO_DECISION,
        anyValue.evaluate(request("kms:Encrypt", Map.of("hay", "1"))));
  }

  @Test
  void unknownConditionOperator_neverAllows_butAlwaysDenies() {
    String unknown = "{\"DateGreaterThan\":{\"aws:CurrentTime\":\"2020-01-01T00:00:00Z\"}}";
    assertEquals(
        KeyPolicy.Decision.NO_DECISION,
        policy(statement("Allow", "\"*\"", "\"kms:*\"", unknown))
            .evaluate(request("kms:Encrypt", Map.of())));
    assertEquals(
        KeyPolicy.Decision.DENY,
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
            "x".repeat(KeyPolicy.MAX_CHARS + 1))) {
      KmsException e = assertThrows(KmsException.class, () -> KeyPolicy.parse(bad), bad);
      assertEquals("MalformedPolicyDocumentException", e.errorType());
    }
  }

  @Test
  void deniedToEveryone_onlyUnconditionalDenyForAllPrincipalsOnAllResources() {
    List<String> actions = List.of("kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey");
    KeyPolicy p =
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
