package dev.envelope.localkms;

import dev.envelope.localkms.junit.LocalKms;
import dev.envelope.localkms.junit.LocalKmsExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The JSON 1.1 protocol layer: targets, bodies and the error shapes. */
@ExtendWith(LocalKmsExtension.class)
class KmsProtocolTest {

  @Test
  void unknownTarget_failsUnknownOperation(LocalKms kms) {
    RawKms.Response r = RawKms.to(kms, "MakeCoffee").send();
    assertEquals(400, r.status());
    assertEquals("UnknownOperationException", r.errorType());
  }

  @Test
  void missingTarget_failsUnknownOperation(LocalKms kms) {
    assertEquals("UnknownOperationException", RawKms.to(kms, null).send().errorType());
  }

  @Test
  void realKmsOperationNotImplementedHere_failsUnsupportedOperation(LocalKms kms) {
    RawKms.Response r = RawKms.to(kms, "Sign").send();
    assertEquals("UnsupportedOperationException", r.errorType());
    assertTrue(r.message().contains("Sign"));
  }

  @Test
  void getInsteadOfPost_failsUnknownOperation(LocalKms kms) {
    RawKms.Response r = RawKms.to(kms, "ListKeys").method("GET").body("").send();
    assertEquals("UnknownOperationException", r.errorType());
  }

  @Test
  void malformedJson_failsSerialization(LocalKms kms) {
    for (String body :
        new String[] {
          "{", "[]", "{\"Limit\":1} trailing", "{Limit:1}", "{\"Limit\":1,}", "\"string\""
        }) {
      RawKms.Response r = RawKms.to(kms, "ListKeys").body(body).send();
      assertEquals(400, r.status(), body);
      assertEquals("SerializationException", r.errorType(), body);
    }
  }

  @Test
  void memberOfWrongType_failsSerialization(LocalKms kms) {
    for (String body :
        new String[] {
          "{\"KeyId\":5}",
          "{\"KeyId\":\"k\",\"EncryptionContext\":[]}",
          "{\"KeyId\":\"k\",\"NumberOfBytes\":1.5}",
          "{\"KeyId\":\"k\",\"NumberOfBytes\":\"32\"}",
          "{\"KeyId\":\"k\",\"GrantTokens\":\"t\"}",
          "{\"KeyId\":\"k\",\"DryRun\":\"yes\"}"
        }) {
      RawKms.Response r = RawKms.to(kms, "GenerateDataKey").body(body).send();
      assertEquals("SerializationException", r.errorType(), body);
    }
    assertEquals(
        "SerializationException",
        RawKms.to(kms, "Decrypt").body("{\"CiphertextBlob\":\"not base64!\"}").send().errorType());
  }

  @Test
  void missingRequiredMember_failsValidationNamingIt(LocalKms kms) {
    RawKms.Response r = RawKms.to(kms, "DescribeKey").body("{}").send();
    assertEquals("ValidationException", r.errorType());
    assertEquals(
        "1 validation error detected: Value null at 'keyId' failed to satisfy"
            + " constraint: Member must not be null",
        r.message());
  }

  @Test
  void emptyBody_isAnEmptyRequest(LocalKms kms) {
    assertEquals(200, RawKms.to(kms, "ListKeys").body("").send().status());
  }

  @Test
  void bodyOverOneMebibyte_isRejected(LocalKms kms) {
    String big = "{\"Description\":\"" + "x".repeat(1024 * 1024) + "\"}";
    RawKms.Response r = RawKms.to(kms, "CreateKey").body(big).send();
    assertEquals(413, r.status());
    assertEquals("RequestEntityTooLargeException", r.errorType());
  }

  @Test
  void deeplyNestedJson_failsSerializationWithoutBlowingTheStack(LocalKms kms) {
    String body = "{\"Tags\":" + "[".repeat(200_000) + "]".repeat(200_000) + "}";
    RawKms.Response r = RawKms.to(kms, "CreateKey").body(body).send();
    assertEquals(400, r.status());
    assertEquals("SerializationException", r.errorType());
  }

  @Test
  void unknownMembers_areIgnored(LocalKms kms) {
    assertEquals(
        200,
        RawKms.to(kms, "ListKeys").body("{\"Limit\":5,\"Future\":{\"a\":[1]}}").send().status());
  }
}
