package dev.envelope.kms.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.KeyProviderException;
import dev.envelope.kms.KmsProviderException;
import dev.envelope.KeyProviderException.Reason;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kms.model.KmsException;

/** How SDK failures, built by hand as the SDK builds them, become typed KMS failures. */
class KmsErrorsTest {
  private static final String KEY = "arn:aws:kms:us-east-1:111122223333:key/abc";

  private static KmsException service(String code, int status, String message) {
    return (KmsException) KmsException.builder()
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message)
            .serviceName("Kms").build())
        .statusCode(status)
        .requestId("req-" + code)
        .message(message)
        .build();
  }

  @ParameterizedTest
  @CsvSource({
      "AccessDeniedException, 400, User is not authorized, ACCESS_DENIED",
      "UnrecognizedClientException, 400, The security token is invalid, ACCESS_DENIED",
      "InvalidSignatureException, 400, Signature mismatch, ACCESS_DENIED",
      "ThrottlingException, 400, Rate exceeded, THROTTLED",
      "DisabledException, 400, key is disabled, KEY_DISABLED",
      "KMSInvalidStateException, 400, " + KEY + " is pending deletion., KEY_PENDING_DELETION",
      "KMSInvalidStateException, 400, " + KEY + " is pending import., KEY_INVALID_STATE",
      "NotFoundException, 400, Key does not exist, KEY_NOT_FOUND",
      "InvalidCiphertextException, 400, , INVALID_CIPHERTEXT",
      "IncorrectKeyException, 400, wrong key, INCORRECT_KEY",
      "InvalidKeyUsageException, 400, usage, INVALID_REQUEST",
      "InvalidGrantTokenException, 400, bad token, INVALID_REQUEST",
      "ValidationException, 400, bad, INVALID_REQUEST",
      "KMSInternalException, 500, boom, SERVICE_ERROR",
      "KeyUnavailableException, 500, unavailable, SERVICE_ERROR",
      "SomethingNew, 503, later, SERVICE_ERROR",
      "SomethingNew, 429, slow down, THROTTLED",
      "SomethingNew, 400, who knows, OTHER"})
  void fromSdk_serviceError_mapsReasonAndKeepsCodeAndRequestId(
      String code, int status, String message, Reason reason) {
    KmsProviderException e = KmsErrors.fromSdk("Decrypt", KEY, service(code, status, message));
    assertEquals(reason, e.reason());
    assertEquals(Optional.of(code), e.errorCode());
    assertEquals(Optional.of("req-" + code), e.requestId());
    assertEquals(Optional.of("Decrypt"), e.operation());
    assertEquals(Optional.of(KEY), e.keyId());
    assertTrue(e.getMessage().contains("req-" + code), e.getMessage());
    assertTrue(e.getMessage().contains(KEY), e.getMessage());
    assertTrue(e instanceof KeyProviderException);
  }

  @Test
  void fromSdk_accessDenied_tellsWhatToCheck() {
    KmsProviderException e = KmsErrors.fromSdk("GenerateDataKey", KEY,
        service("AccessDeniedException", 400, "not authorized"));
    assertTrue(e.getMessage().contains("kms:GenerateDataKey"), e.getMessage());
    assertTrue(e.getMessage().contains("grant"), e.getMessage());
  }

  @Test
  void fromSdk_connectionRefused_isUnreachable() {
    SdkClientException sdk = SdkClientException.builder()
        .message("Unable to execute HTTP request: Connection refused")
        .cause(new ConnectException("Connection refused")).build();
    KmsProviderException e = KmsErrors.fromSdk("Encrypt", KEY, sdk);
    assertEquals(Reason.UNREACHABLE, e.reason());
    assertEquals(Optional.empty(), e.errorCode());
    assertEquals(Optional.empty(), e.requestId());
    assertSame(sdk, e.getCause());
  }

  @Test
  void fromSdk_droppedConnection_isUnreachable() {
    SdkClientException sdk = SdkClientException.builder().message("Unable to execute HTTP request")
        .cause(new IOException("Unexpected end of file from server")).build();
    assertEquals(Reason.UNREACHABLE, KmsErrors.fromSdk("Encrypt", KEY, sdk).reason());
  }

  @Test
  void fromSdk_timeouts_areTimeout() {
    assertEquals(Reason.TIMEOUT, KmsErrors.fromSdk("Decrypt", KEY,
        ApiCallTimeoutException.create(Duration.ofMillis(500).toMillis())).reason());
    assertEquals(Reason.TIMEOUT, KmsErrors.fromSdk("Decrypt", KEY,
        ApiCallAttemptTimeoutException.create(200)).reason());
    assertEquals(Reason.TIMEOUT, KmsErrors.fromSdk("Decrypt", KEY, SdkClientException.builder()
        .message("Read timed out").cause(new SocketTimeoutException("Read timed out")).build()).reason());
  }

  @Test
  void fromSdk_missingCredentials_isAccessDeniedWithHint() {
    KmsProviderException e = KmsErrors.fromSdk("Decrypt", KEY, SdkClientException.create(
        "Unable to load credentials from any of the providers in the chain"));
    assertEquals(Reason.ACCESS_DENIED, e.reason());
    assertTrue(e.getMessage().contains("credentials"), e.getMessage());
  }

  @Test
  void fromSdk_serviceMessageWithControlCharacters_isSanitizedAndBounded() {
    String hostile = "line1\nline2\r" + "x".repeat(1000);
    KmsProviderException e = KmsErrors.fromSdk("Decrypt", KEY, service("NotFoundException", 400, hostile));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertTrue(e.getMessage().length() < 1000, "message length " + e.getMessage().length());
  }

  @Test
  void fromSdk_kmsProviderException_isReturnedUnchanged() {
    KmsProviderException original = KmsErrors.timeout("Encrypt", KEY, Duration.ofSeconds(1));
    assertSame(original, KmsErrors.fromSdk("Encrypt", KEY, original));
  }

  @Test
  void wrongRegion_namesBothRegions() {
    KmsProviderException e = KmsErrors.wrongRegion("Decrypt", KEY, "us-east-1", "eu-west-1");
    assertEquals(Reason.WRONG_REGION, e.reason());
    assertTrue(e.getMessage().contains("us-east-1") && e.getMessage().contains("eu-west-1"), e.getMessage());
  }
}
