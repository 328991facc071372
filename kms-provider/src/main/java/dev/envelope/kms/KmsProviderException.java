package dev.envelope.kms;

import dev.envelope.KeyProviderException;
import dev.envelope.KeyProviderException.Reason;
import java.util.Optional;

/**
 * A call to AWS KMS failed, or KMS answered in a way Envelope does not accept. {@link #reason()}
 * says which kind of failure it was, in core's {@link KeyProviderException.Reason} vocabulary, so
 * callers can react (retry later on {@link Reason#THROTTLED}, alert on {@link
 * Reason#ACCESS_DENIED}); the message says what to check.
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
    super(reason, message, cause);
    this.operation = operation;
    this.keyId = keyId;
    this.errorCode = errorCode;
    this.requestId = requestId;
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
