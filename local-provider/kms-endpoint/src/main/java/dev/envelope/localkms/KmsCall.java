package dev.envelope.localkms;

import java.util.Objects;
import java.util.Optional;

/**
 * One KMS call the endpoint served, as a {@link KmsCallListener} hears it: only authenticated
 * calls of a known {@link KmsOperation} are reported. Holds no payload (no plaintext, data key,
 * ciphertext or encryption context). Immutable.
 */
public final class KmsCall {
  /** Key identifiers longer than this (a malformed request) are not reported. */
  static final int MAX_KEY_ID = 2048;

  private final KmsOperation operation;
  private final String keyId;
  private final String region;
  private final long durationNanos;
  private final int httpStatus;
  private final String errorType;

  KmsCall(KmsOperation operation, String keyId, String region, long durationNanos, int httpStatus,
      String errorType) {
    this.operation = Objects.requireNonNull(operation, "operation");
    this.keyId = keyId == null || keyId.isEmpty() || keyId.length() > MAX_KEY_ID ? null : keyId;
    this.region = Objects.requireNonNull(region, "region");
    this.durationNanos = Math.max(0, durationNanos);
    this.httpStatus = httpStatus;
    this.errorType = errorType;
  }

  public KmsOperation operation() {
    return operation;
  }

  /**
   * The key the request named ({@code KeyId}, or for ReEncrypt {@code DestinationKeyId}), as
   * given: a key id, key ARN, alias name or alias ARN; empty when it named none.
   */
  public Optional<String> keyId() {
    return Optional.ofNullable(keyId);
  }

  /** The Region the call was signed for (and served in). */
  public String region() {
    return region;
  }

  /** From the call's authentication to its answer, in nanoseconds. */
  public long durationNanos() {
    return durationNanos;
  }

  /** The HTTP status answered: 200, a KMS error's status, or 0 when the connection was dropped. */
  public int httpStatus() {
    return httpStatus;
  }

  /** Whether the call was answered 200. */
  public boolean succeeded() {
    return httpStatus == 200;
  }

  /**
   * The KMS error type answered ({@code __type}, e.g. {@code NotFoundException}, {@code
   * ThrottlingException}), or {@code DroppedConnection} for an injected dropped connection; empty
   * on success.
   */
  public Optional<String> errorType() {
    return Optional.ofNullable(errorType);
  }

  @Override
  public String toString() {
    return "KmsCall[" + operation.apiName() + " " + region + (keyId == null ? "" : " " + keyId) + " "
        + (errorType == null ? "" + httpStatus : httpStatus + " " + errorType) + " " + durationNanos + " ns]";
  }
}
