package dev.envelope.localkms;

import dev.envelope.localkms.junit.LocalKms;
import dev.envelope.localkms.junit.LocalKmsExtension;

import static dev.envelope.localkms.KmsAssertions.assertKmsError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.services.kms.KmsClient;

/** SigV4: the endpoint accepts what the SDK signs and rejects everything else with KMS errors. */
class KmsSignatureTest {
  static final KmsCredentials ROOT = KmsCredentials.random("root");
  static final KmsCredentials SESSION =
      KmsCredentials.builder()
          .accessKeyId("ASIASESSIONKEY")
          .secretAccessKey("session-secret")
          .sessionToken("the-session-token")
          .principal("assumed-role/app/session")
          .build();

  @RegisterExtension
  static final LocalKmsExtension KMS =
      new LocalKmsExtension(b -> b.regions("us-east-1", "eu-west-1").credentials(ROOT, SESSION));

  private static Clock at(Instant instant) {
    return Clock.fixed(instant, ZoneOffset.UTC);
  }

  @Test
  void sdkClient_wrongSecret_failsInvalidSignature(LocalKms kms) {
    KmsCredentials wrong = KmsCredentials.of(ROOT.accessKeyId(), "not-the-secret");
    try (KmsClient c =
        kms.clientBuilder(kms.region(), wrong)
            .overrideConfiguration(
                o ->
                    o.retryStrategy(
                        software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry()))
            .build()) {
      var e = assertKmsError("InvalidSignatureException", () -> c.listKeys(r -> {}));
      assertTrue(
          e.awsErrorDetails()
              .errorMessage()
              .startsWith(
                  "The request signature we calculated does not match the signature you"
                      + " provided."));
    }
  }

  @Test
  void sdkClient_unknownAccessKey_failsUnrecognizedClient(LocalKms kms) {
    KmsClient c = kms.client(kms.region(), KmsCredentials.of("AKIAUNKNOWN000000000", "secret"));
    var e = assertKmsError("UnrecognizedClientException", () -> c.listKeys(r -> {}));
    assertEquals(
        "The security token included in the request is invalid.",
        e.awsErrorDetails().errorMessage());
  }

  @Test
  void sdkClient_anonymous_failsMissingAuthenticationToken(LocalKms kms) {
    try (KmsClient c =
        kms.clientBuilder(kms.region(), ROOT)
            .credentialsProvider(AnonymousCredentialsProvider.create())
            .overrideConfiguration(
                o ->
                    o.retryStrategy(
                        software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry()))
            .build()) {
      var e = assertKmsError("MissingAuthenticationTokenException", () -> c.listKeys(r -> {}));
      assertEquals("Missing Authentication Token", e.awsErrorDetails().errorMessage());
    }
  }

  @Test
  void sdkClient_sessionCredentials_needTheirToken(LocalKms kms) {
    kms.client(kms.region(), SESSION).listKeys(r -> {});
    KmsCredentials noToken = KmsCredentials.of(SESSION.accessKeyId(), SESSION.secretAccessKey());
    assertKmsError(
        "UnrecognizedClientException", () -> kms.client(kms.region(), noToken).listKeys(r -> {}));
    KmsCredentials otherToken =
        KmsCredentials.builder()
            .accessKeyId(SESSION.accessKeyId())
            .secretAccessKey(SESSION.secretAccessKey())
            .sessionToken("another-token")
            .build();
    assertKmsError(
        "UnrecognizedClientException",
        () -> kms.client(kms.region(), otherToken).listKeys(r -> {}));
  }

  @Test
  void raw_signedBySdkSigner_succeeds(LocalKms kms) {
    RawKms.Response r = RawKms.to(kms, "ListKeys").send();
    assertEquals(200, r.status());
    assertTrue(r.json().has("Keys"));
    assertEquals(List.of("application/x-amz-json-1.1"), r.headers().get("Content-Type"));
    assertTrue(r.headers().containsKey("x-amzn-RequestId"));
  }

  @Test
  void raw_requestSignedSixMinutesAgo_failsSignatureExpired(LocalKms kms) {
    RawKms.Response r =
        RawKms.to(kms, "ListKeys")
            .signingClock(at(Instant.now().minus(Duration.ofMinutes(6))))
            .send();
    assertEquals(400, r.status());
    assertEquals("InvalidSignatureException", r.errorType());
    assertTrue(r.message().startsWith("Signature expired: "), r.message());
    assertTrue(r.message().endsWith(" - 5 min.)"), r.message());
  }

  @Test
  void raw_requestDatedSixMinutesAhead_failsSignatureNotYetCurrent(LocalKms kms) {
    RawKms.Response r =
        RawKms.to(kms, "ListKeys")
            .signingClock(at(Instant.now().plus(Duration.ofMinutes(6))))
            .send();
    assertEquals("InvalidSignatureException", r.errorType());
    assertTrue(r.message().startsWith("Signature not yet current: "), r.message());
  }

  @Test
  void raw_requestWithinSkew_succeeds(LocalKms kms) {
    assertEquals(
        200,
        RawKms.to(kms, "ListKeys")
            .signingClock(at(Instant.now().minus(Duration.ofMinutes(4))))
            .send()
            .status());
  }

  @Test
  void raw_bodyChangedAfterSigning_failsInvalidSignature(LocalKms kms) {
    RawKms.Response r =
        RawKms.to(kms, "ListKeys").body("{\"Limit\":1}").sendBody("{\"Limit\":2}").send();
    assertEquals(400, r.status());
    assertEquals("InvalidSignatureException", r.errorType());
  }

  @Test
  void raw_signedHeaderChangedAfterSigning_failsInvalidSignature(LocalKms kms) {
    RawKms.Response r =
        RawKms.to(kms, "ListKeys")
            .tamper(
                h -> {
                  h.keySet().removeIf(k -> k.equalsIgnoreCase("X-Amz-Target"));
                  h.put("X-Amz-Target", List.of("TrentService.ListAliases"));
                })
            .send();
    assertEquals("InvalidSignatureException", r.errorType());
  }

  @Test
  void raw_signatureBitFlipped_failsInvalidSignature(LocalKms kms) {
    RawKms.Response r =
        RawKms.to(kms, "ListKeys")
            .tamper(
                h ->
                    h.replaceAll(
                        (k, v) ->
                            k.equalsIgnoreCase("Authorization")
                                ? List.of(
                                    v.get(0).substring(0, v.get(0).length() - 1)
                                        + (v.get(0).endsWith("0") ? "1" : "0"))
                                : v))
            .send();
    assertEquals("InvalidSignatureException", r.errorType());
  }

  @Test
  void raw_authorizationWithoutSignature_failsIncompleteSignature(LocalKms kms) {
    RawKms.Response r =
        RawKms.to(kms, "ListKeys")
            .tamper(
                h ->
                    h.replaceAll(
                        (k, v) ->
                            k.equalsIgnoreCase("Authorization")
                                ? List.of(v.get(0).replaceAll(", ?Signature=[0-9a-f]+", ""))
                                : v))
            .send();
    assertEquals(400, r.status());
    assertEquals("IncompleteSignatureException", r.errorType());
    assertTrue(r.message().contains("requires 'Signature' parameter"), r.message());
  }

  @Test
  void raw_otherAlgorithm_failsIncompleteSignature(LocalKms kms) {
    RawKms.Response r =
        RawKms.to(kms, "ListKeys")
            .tamper(
                h ->
                    h.replaceAll(
                        (k, v) -> k.equalsIgnoreCase("Authorization") ? List.of("Bearer abc") : v))
            .send();
    assertEquals("IncompleteSignatureException", r.errorType());
  }

  @Test
  void raw_withoutAmzDate_failsIncompleteSignature(LocalKms kms) {
    RawKms.Response r =
        RawKms.to(kms, "ListKeys")
            .tamper(h -> h.keySet().removeIf(k -> k.equalsIgnoreCase("X-Amz-Date")))
            .send();
    assertEquals("IncompleteSignatureException", r.errorType());
    assertTrue(r.message().contains("X-Amz-Date"), r.message());
  }

  @Test
  void raw_unsigned_failsMissingAuthenticationToken(LocalKms kms) {
    RawKms.Response r = RawKms.to(kms, "ListKeys").unsigned().send();
    assertEquals(400, r.status());
    assertEquals("MissingAuthenticationTokenException", r.errorType());
  }

  @Test
  void raw_scopedToUnservedRegion_failsInvalidSignature(LocalKms kms) {
    RawKms.Response r = RawKms.to(kms, "ListKeys").region("ap-south-1").send();
    assertEquals("InvalidSignatureException", r.errorType());
    assertTrue(r.message().startsWith("Credential should be scoped to a valid region"));
  }

  @Test
  void raw_scopedToOtherService_failsInvalidSignature(LocalKms kms) {
    RawKms.Response r = RawKms.to(kms, "ListKeys").service("s3").send();
    assertEquals("InvalidSignatureException", r.errorType());
    assertTrue(r.message().startsWith("Credential should be scoped to correct service: 'kms'"));
  }

  @Test
  void raw_signedForSecondRegion_isServedAsThatRegion(LocalKms kms) {
    RawKms.Response r = RawKms.to(kms, "CreateKey").region("eu-west-1").send();
    assertEquals(200, r.status());
    assertTrue(
        r.json()
            .getAsJsonObject("KeyMetadata")
            .get("Arn")
            .getAsString()
            .startsWith("arn:aws:kms:eu-west-1:111122223333:key/"));
  }

  @Test
  void unauthenticatedCalls_areNotCounted(LocalKms kms) {
    RawKms.to(kms, "GenerateDataKey").unsigned().send();
    RawKms.to(kms, "GenerateDataKey").service("s3").send();
    assertEquals(0, kms.server().callCount(KmsOperation.GENERATE_DATA_KEY));
  }
}
