package dev.envelope.observe;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a keyring call ended: outcome, duration, the exception's type on failure, and the key
 * provider ids of the encrypted data keys it produced (wrap) or opened (unwrap). Immutable.
 */
public final class KeyringCallResult {
  private final Outcome outcome;
  private final long durationNanos;
  private final String failure;
  private final List<String> keyProviderIds;

  private KeyringCallResult(
      Outcome outcome, long durationNanos, String failure, List<String> keyProviderIds) {
    this.outcome = outcome;
    this.durationNanos = durationNanos;
    this.failure = failure;
    this.keyProviderIds = keyProviderIds;
  }

  /** A successful call that took {@code durationNanos} and involved these key provider ids. */
  public static KeyringCallResult success(long durationNanos, List<String> keyProviderIds) {
    return new KeyringCallResult(
        Outcome.SUCCESS, requireDuration(durationNanos), null, List.copyOf(keyProviderIds));
  }

  /**
   * A failed call; {@code failureType} is the simple name of the exception's class (for example
   * {@code NoMatchingKeyException}), never its message.
   */
  public static KeyringCallResult failure(long durationNanos, String failureType) {
    Objects.requireNonNull(failureType, "failureType");
    return new KeyringCallResult(Outcome.FAILURE, requireDuration(durationNanos), failureType, List.of());
  }

  private static long requireDuration(long nanos) {
    if (nanos < 0) {
      throw new IllegalArgumentException("duration must be >= 0 ns, got " + nanos);
    }
    return nanos;
  }

  public Outcome outcome() {
    return outcome;
  }

  /** Wall-clock duration of the call, in nanoseconds. */
  public long durationNanos() {
    return durationNanos;
  }

  /** The exception type's simple name, when the call failed. */
  public Optional<String> failure() {
    return Optional.ofNullable(failure);
  }

  /** Key provider ids (namespaces such as {@code aws-kms}) of the data keys wrapped or opened. */
  public List<String> keyProviderIds() {
    return keyProviderIds;
  }

  @Override
  public String toString() {
    return "KeyringCallResult[" + outcome.id() + ", " + durationNanos + " ns"
        + (failure == null ? "" : ", " + failure) + ", providers=" + keyProviderIds + "]";
  }
}
