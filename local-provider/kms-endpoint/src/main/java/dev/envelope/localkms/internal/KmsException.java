package dev.envelope.localkms.internal;

/**
 * An error the endpoint returns to the client, named exactly as AWS KMS names it: the type goes to
 * the {@code __type} member of the JSON error body, the message to {@code message}, with the HTTP
 * status KMS uses (400 for client errors, 500 for {@code KMSInternalException}).
 *
 * <p>Messages never contain key material, plaintext or encryption-context values.
 */
public final class KmsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String errorType;
  private final int httpStatus;

  public KmsException(String errorType, String message) {
    this(errorType, message, 400);
  }

  public KmsException(String errorType, String message, int httpStatus) {
    super(message, null, false, false);
    this.errorType = errorType;
    this.httpStatus = httpStatus;
  }

  public String errorType() {
    return errorType;
  }

  public int httpStatus() {
    return httpStatus;
  }

  // Factories for the errors used in more than one place.

  public static KmsException notFound(String message) {
    return new KmsException("NotFoundException", message);
  }

  public static KmsException keyNotFound(String keyArnOrId) {
    return notFound("Key '" + keyArnOrId + "' does not exist");
  }

  public static KmsException invalidKeyId(String keyId) {
    return notFound("Invalid keyId '" + keyId + "'");
  }

  public static KmsException disabled(String keyArn) {
    return new KmsException("DisabledException", keyArn + " is disabled.");
  }

  public static KmsException pendingDeletion(String keyArn) {
    return invalidState(keyArn + " is pending deletion.");
  }

  public static KmsException invalidState(String message) {
    return new KmsException("KMSInvalidStateException", message);
  }

  public static KmsException validation(String message) {
    return new KmsException("ValidationException", message);
  }

  /** A constraint violation, worded as the AWS request validator words it. */
  public static KmsException constraint(String value, String member, String constraint) {
    String shown = value == null ? "null" : "'" + value + "'";
    return validation(
        "1 validation error detected: Value "
            + shown
            + " at '"
            + member
            + "' failed to satisfy constraint: "
            + constraint);
  }

  /** A constraint violation on a member whose value must not be echoed (plaintext, blobs). */
  public static KmsException hiddenConstraint(String member, String constraint) {
    return validation(
        "1 validation error detected: Value at '"
            + member
            + "' failed to satisfy constraint: "
            + constraint);
  }

  public static KmsException serialization(String message) {
    return new KmsException("SerializationException", message);
  }

  public static KmsException accessDenied(String message) {
    return new KmsException("AccessDeniedException", message);
  }

  public static KmsException invalidCiphertext() {
    return new KmsException("InvalidCiphertextException", null);
  }

  public static KmsException unsupported(String message) {
    return new KmsException("UnsupportedOperationException", message);
  }

  public static KmsException internal(String message) {
    return new KmsException("KMSInternalException", message, 500);
  }

  @Override
  public String toString() {
    return errorType + (getMessage() == null ? "" : ": " + getMessage());
  }
}
