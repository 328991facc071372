package dev.envelope.kms.internal;

import dev.envelope.KeyProviderException;
import dev.envelope.kms.KmsProviderException;
import dev.envelope.KeyProviderException.Reason;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Turns what the SDK throws into one {@link KmsProviderException} with a {@link Reason}, the KMS
 * error code and request id, and a message that says what to check. The one place that knows KMS
 * error codes.
 */
public final class KmsErrors {
  private static final int MAX_SERVICE_MESSAGE = 300;

  private static final Set<String> ACCESS_CODES = Set.of(
      "AccessDeniedException", "UnrecognizedClientException", "InvalidSignatureException",
      "IncompleteSignature", "IncompleteSignatureException", "ExpiredTokenException",
      "MissingAuthenticationToken", "MissingAuthenticationTokenException", "InvalidClientTokenId",
      "SignatureDoesNotMatch");
  private static final Set<String> INVALID_REQUEST_CODES = Set.of(
      "ValidationException", "InvalidKeyUsageException", "InvalidGrantTokenException",
      "InvalidArnException", "UnsupportedOperationException", "InvalidParameterValue",
      "InvalidParameterCombination", "MissingParameter", "SerializationException");
  private static final Set<String> SERVICE_CODES = Set.of(
      "KMSInternalException", "DependencyTimeoutException", "KeyUnavailableException",
      "ServiceUnavailable", "ServiceUnavailableException", "InternalFailure", "InternalError");

  private KmsErrors() {}

  /** Maps a failed SDK call of {@code operation} on {@code keyId}. */
  public static KmsProviderException fromSdk(String operation, String keyId, RuntimeException e) {
    if (e instanceof KmsProviderException) {
      return (KmsProviderException) e;
    }
    if (e instanceof AwsServiceException) {
      return fromService(operation, keyId, (AwsServiceException) e);
    }
    if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException
        || hasCause(e, SocketTimeoutException.class)) {
      return new KmsProviderException(Reason.TIMEOUT,
          head(operation, keyId) + " timed out" + clientDetail(e) + ". Check the network path to"
              + " the KMS endpoint and its latency, or raise the keyring's callTimeout and the"
              + " client's timeouts",
          operation, keyId, null, null, e);
    }
    if (e instanceof SdkClientException) {
      String text = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
      if (text.contains("credentials")) {
        return new KmsProviderException(Reason.ACCESS_DENIED,
            head(operation, keyId) + " was not sent: the client found no usable AWS credentials"
                + clientDetail(e) + ". Configure credentials for the client (environment, profile,"
                + " or a credentials provider on the KmsClient builder)",
            operation, keyId, null, null, e);
      }
      if (hasCause(e, ConnectException.class) || hasCause(e, UnknownHostException.class)
          || hasCause(e, NoRouteToHostException.class) || hasCause(e, IOException.class)) {
        return new KmsProviderException(Reason.UNREACHABLE,
            head(operation, keyId) + " could not reach the KMS endpoint, or the connection was"
                + " dropped, after the SDK's retries" + clientDetail(e) + ". Check the endpoint"
                + " (region, endpoint override), DNS, proxy and firewall, and that the service is up",
            operation, keyId, null, null, e);
      }
    }
    return new KmsProviderException(Reason.OTHER,
        head(operation, keyId) + " failed" + clientDetail(e) + "; see the cause",
        operation, keyId, null, null, e);
  }

  private static KmsProviderException fromService(
      String operation, String keyId, AwsServiceException e) {
    AwsErrorDetails details = e.awsErrorDetails();
    String code = details == null ? null : details.errorCode();
    String serviceMessage = details == null ? null : details.errorMessage();
    int status = e.statusCode();
    String requestId = e.requestId();
    Reason reason = classify(code, serviceMessage, status, e.isThrottlingException());
    String what;
    switch (reason) {
      case ACCESS_DENIED:
        what = " was denied. Check that the credentials are valid and that the key policy, IAM"
            + " policy or a grant (pass its grant token until it is in effect) allows kms:"
            + operation + " on this key, including any encryption-context conditions";
        break;
      case THROTTLED:
        what = " was throttled by KMS and still throttled after the SDK's retries. Lower the call"
            + " rate (a CachingMaterialsManager reuses data keys across messages), give the client"
            + " a larger retry budget, or ask for a higher KMS request quota";
        break;
      case KEY_DISABLED:
        what = " failed because the key is disabled. Enable it (EnableKey) or use another key";
        break;
      case KEY_PENDING_DELETION:
        what = " failed because the key is scheduled for deletion. Cancel the deletion"
            + " (CancelKeyDeletion) while the waiting period lasts, or use another key";
        break;
      case KEY_INVALID_STATE:
        what = " failed because the key is not in a usable state. Check its KeyState with"
            + " DescribeKey";
        break;
      case KEY_NOT_FOUND:
        what = " failed: KMS has no such key or alias in this account and region. Check the key"
            + " identifier, the account of the credentials and the client's region";
        break;
      case INVALID_CIPHERTEXT:
        what = " could not decrypt the encrypted data key. Check that the encryption context is"
            + " the one the message was encrypted with and that the message was not altered";
        break;
      case INCORRECT_KEY:
        what = " failed: the encrypted data key was not encrypted under this key";
        break;
      case SERVICE_ERROR:
        what = " failed with a KMS server error after the SDK's retries. Retry later; if it"
            + " persists, check the service health and quote the request id to support";
        break;
      case INVALID_REQUEST:
        what = " was rejected as invalid. Check that the key is a symmetric ENCRYPT_DECRYPT key,"
            + " the grant tokens, and the key identifier";
        break;
      default:
        what = " failed";
        break;
    }
    StringBuilder message = new StringBuilder(head(operation, keyId)).append(what)
        .append(" (KMS error ").append(code == null ? "unknown" : code)
        .append(", HTTP ").append(status)
        .append(", request id ").append(requestId == null ? "none" : requestId);
    if (serviceMessage != null && !serviceMessage.isBlank()) {
      message.append(", KMS says: \"").append(sanitize(serviceMessage)).append('"');
    }
    message.append(')');
    return new KmsProviderException(reason, message.toString(), operation, keyId, code, requestId, e);
  }

  static Reason classify(String code, String serviceMessage, int status, boolean throttling) {
    if (code != null) {
      if (ACCESS_CODES.contains(code)) {
        return Reason.ACCESS_DENIED;
      }
      switch (code) {
        case "DisabledException":
          return Reason.KEY_DISABLED;
        case "KMSInvalidStateException":
          String m = serviceMessage == null ? "" : serviceMessage.toLowerCase(Locale.ROOT);
          return m.contains("pending deletion") || m.contains("pendingdeletion")
              ? Reason.KEY_PENDING_DELETION : Reason.KEY_INVALID_STATE;
        case "NotFoundException":
          return Reason.KEY_NOT_FOUND;
        case "InvalidCiphertextException":
          return Reason.INVALID_CIPHERTEXT;
        case "IncorrectKeyException":
          return Reason.INCORRECT_KEY;
        default:
          break;
      }
    }
    if (throttling || status == 429) {
      return Reason.THROTTLED;
    }
    if (code != null && INVALID_REQUEST_CODES.contains(code)) {
      return Reason.INVALID_REQUEST;
    }
    if ((code != null && SERVICE_CODES.contains(code)) || status >= 500) {
      return Reason.SERVICE_ERROR;
    }
    if (status == 401 || status == 403) {
      return Reason.ACCESS_DENIED;
    }
    return Reason.OTHER;
  }

  /** The key's region and the client's differ; the call was not sent. */
  public static KmsProviderException wrongRegion(
      String operation, String keyId, String keyRegion, String clientRegion) {
    return new KmsProviderException(Reason.WRONG_REGION,
        head(operation, keyId) + " was not sent: the key is in region " + keyRegion
            + " but the KmsClient given for it is for region " + clientRegion + ". Make the client"
            + " supplier return a client for the key's region, or use a multi-Region-aware"
            + " keyring with a multi-Region key",
        operation, keyId, null, null, null);
  }

  /** The call did not finish within the keyring's own deadline. */
  public static KmsProviderException timeout(String operation, String keyId, Duration limit) {
    return new KmsProviderException(Reason.TIMEOUT,
        head(operation, keyId) + " did not finish within the keyring's callTimeout of "
            + limit.toMillis() + " ms. Check the network path to KMS, or raise callTimeout",
        operation, keyId, null, null, null);
  }

  /** KMS answered but the answer failed a check; {@code problem} says which, with no secret. */
  public static KmsProviderException invalidResponse(
      String operation, String keyId, String problem, String requestId) {
    return new KmsProviderException(Reason.INVALID_RESPONSE,
        head(operation, keyId) + " returned a response Envelope rejects: " + problem
            + " (request id " + (requestId == null ? "none" : requestId) + "). The endpoint does"
            + " not behave like AWS KMS, or the call went to another key than configured",
        operation, keyId, null, requestId, null);
  }

  private static String head(String operation, String keyId) {
    return "KMS " + operation + (keyId == null ? "" : " with key " + keyId);
  }

  private static String clientDetail(RuntimeException e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage();
    return " (" + root.getClass().getSimpleName() + (m == null ? "" : ": " + sanitize(m)) + ")";
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** Bounds a service-supplied text and strips control characters (it ends up in logs). */
  static String sanitize(String text) {
    StringBuilder b = new StringBuilder(Math.min(text.length(), MAX_SERVICE_MESSAGE) + 3);
    for (int i = 0; i < text.length() && b.length() < MAX_SERVICE_MESSAGE; i++) {
      char c = text.charAt(i);
      b.append(Character.isISOControl(c) ? ' ' : c);
    }
    if (text.length() > MAX_SERVICE_MESSAGE) {
      b.append("...");
    }
    return b.toString();
  }
}
