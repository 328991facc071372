package dev.envelope.kms;

import dev.envelope.KeyProviderException;
import java.util.Objects;
import java.util.Optional;

/**
 * A call to AWS KMS failed, or KMS answered in a way Envelope does not accept. {@link #reason()}
 * says which kind of failure it was, so callers can react (retry later on {@link
 * Reason#THROTTLED}, alert on {@link Reason#ACCESS_DENIED}); the message says what to check.
 *
 * <p>It carries the KMS operation, the key identifier, the KMS error code and the request id
 * (quote it to AWS support), when KMS returned them. The SDK's exception is the cause.
 *
 * <h2>Security guarantees</h2>
 *
 * Messages and accessors never contain key material, plaintext or encryption-context values; key
 * ARNs, aliases and account ids are not secret and do appear.
 */
public final class KmsProviderException extends KeyProviderException {
  private static final long serialVersionUID = 1L;

  /** The kind of failure. */
  public enum Reason {
    /** The credentials are missing, invalid or expired, or no policy or grant allows the call. */
    ACCESS_DENIED,
    /** KMS throttled the call, and kept throttling through the SDK's retries. */
    THROTTLED,
    /** The key is disabled. */
    KEY_DISABLED,
    /** The key is scheduled for deletion. */
    KEY_PENDING_DELETION,
    /** The key is in another state that forbids the call (pending import, unavailable, ...). */
    KEY_INVALID_STATE,
    /** No such key or alias in the client's account and region. */
    KEY_NOT_FOUND,
    /**
     * KMS could not decrypt the encrypted data key: wrong encryption context, altered ciphertext,
     * or a ciphertext that is not KMS's.
     */
    INVALID_CIPHERTEXT,
    /** The ciphertext was encrypted under a different key than the one named in the call. */
    INCORRECT_KEY,
    /** The key is in a different region than the client that was asked to use it. */
    WRONG_REGION,
    /** The KMS endpoint could not be reached, or dropped the connection. */
    UNREACHABLE,
    /** The call (including the SDK's retries) did not finish within the configured time. */
    TIMEOUT,
    /** KMS answered with a server error (HTTP 5xx) after the SDK's retries. */
    SERVICE_ERROR,
    /** KMS rejected the request as malformed or not allowed for this key (key usage, grant token). */
    INVALID_REQUEST,
    /** KMS answered, but the answer failed Envelope's checks (key id, data key length). */
    INVALID_RESPONSE,
    /** Anything else; see the cause. */
    OTHER
  }

  private final Reason reason;
  private final String operation;
  private final String keyId;
  private final String errorCode;
  private final String requestId;

  /**
   * A failure of one KMS call.
   *
   * @param reason the kind of failure
   * @param message what failed and what to check; no key material
   * @param operation the KMS operation, e.g. {@code GenerateDataKey}
   * @param keyId the key identifier the call named, or {@code null}
   * @param errorCode the KMS error code, e.g. {@code ThrottlingException}, or {@code null}
   * @param requestId the KMS request id, or {@code null}
   * @param cause the SDK's exception, or {@code null}
   */
  public KmsProviderException(
      Reason reason,
      String message,
      String operation,
      String keyId,
      String errorCode,
      String requestId,
      Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.operation = operation;
    this.keyId = keyId;
    this.errorCode = errorCode;
    this.requestId = requestId;
  }

  public Reason reason() {
    return reason;
  }

  /** The KMS operation that failed, e.g. {@code Decrypt}. */
  public Optional<String> operation() {
    return Optional.ofNullable(operation);
  }

  /** The key identifier the failed call named. */
  public Optional<String> keyId() {
    return Optional.ofNullable(keyId);
  }

  /** The error code KMS returned, e.g. {@code AccessDeniedException}; empty if KMS did not answer. */
  public Optional<String> errorCode() {
    return Optional.ofNullable(errorCode);
  }

  /** The request id KMS returned, for AWS support and CloudTrail; empty if KMS did not answer. */
  public Optional<String> requestId() {
    return Optional.ofNullable(requestId);
  }
}
