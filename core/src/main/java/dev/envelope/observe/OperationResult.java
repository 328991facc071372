package dev.envelope.observe;

import dev.envelope.AlgorithmSuite;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How an operation ended, as its observer is told: no plaintext, no key material, and no
 * encryption-context value except those the observer allow-listed. Immutable; built by Envelope
 * (and by tests of observers) with {@link #builder}.
 */
public final class OperationResult {
  private final Operation operation;
  private final boolean streaming;
  private final AlgorithmSuite suite;
  private final long plaintextBytes;
  private final long messageBytes;
  private final List<String> contextKeys;
  private final Map<String, String> contextValues;
  private final int encryptedDataKeys;
  private final List<String> keyProviderIds;
  private final Outcome outcome;
  private final String failure;
  private final long durationNanos;

  private OperationResult(Builder b) {
    this.operation = b.operation;
    this.streaming = b.streaming;
    this.suite = b.suite;
    this.plaintextBytes = b.plaintextBytes;
    this.messageBytes = b.messageBytes;
    this.contextKeys = b.contextKeys;
    this.contextValues = b.contextValues;
    this.encryptedDataKeys = b.encryptedDataKeys;
    this.keyProviderIds = b.keyProviderIds;
    this.outcome = b.failure == null ? Outcome.SUCCESS : Outcome.FAILURE;
    this.failure = b.failure;
    this.durationNanos = b.durationNanos;
  }

  /** A builder for the result of {@code operation}. */
  public static Builder builder(Operation operation, boolean streaming) {
    return new Builder(Objects.requireNonNull(operation, "operation"), streaming);
  }

  public Operation operation() {
    return operation;
  }

  /** Whether this was the stream (or channel) form of the operation. */
  public boolean streaming() {
    return streaming;
  }

  /** The algorithm suite, once it was known (a message that failed to parse has none). */
  public Optional<AlgorithmSuite> suite() {
    return Optional.ofNullable(suite);
  }

  /** Plaintext bytes encrypted or released, when known. */
  public OptionalLong plaintextBytes() {
    return plaintextBytes < 0 ? OptionalLong.empty() : OptionalLong.of(plaintextBytes);
  }

  /** Message (ciphertext) bytes written or read, when known. */
  public OptionalLong messageBytes() {
    return messageBytes < 0 ? OptionalLong.empty() : OptionalLong.of(messageBytes);
  }

  /** The encryption context's keys, sorted (never its values: see {@link #contextValues}). */
  public List<String> contextKeys() {
    return contextKeys;
  }

  /** Values of the allow-listed context keys only ({@link EnvelopeObserver#recordedContextKeys}). */
  public Map<String, String> contextValues() {
    return contextValues;
  }

  /** Number of encrypted data keys in the message written or read (0 when not known). */
  public int encryptedDataKeys() {
    return encryptedDataKeys;
  }

  /** Distinct key provider ids of the message's encrypted data keys, in message order. */
  public List<String> keyProviderIds() {
    return keyProviderIds;
  }

  public Outcome outcome() {
    return outcome;
  }

  /** The simple name of the exception's type when the operation failed; never its message. */
  public Optional<String> failure() {
    return Optional.ofNullable(failure);
  }

  /** Wall-clock time from start to end, in nanoseconds. */
  public long durationNanos() {
    return durationNanos;
  }

  @Override
  public String toString() {
    return "OperationResult[" + operation.id() + (streaming ? " stream" : "") + ", "
        + outcome.id() + (failure == null ? "" : " " + failure)
        + (suite == null ? "" : ", " + suite) + ", " + durationNanos + " ns, context keys="
        + contextKeys + "]";
  }

  /** Builds an {@link OperationResult}; unset sizes are unknown, unset lists empty. */
  public static final class Builder {
    private final Operation operation;
    private final boolean streaming;
    private AlgorithmSuite suite;
    private long plaintextBytes = -1;
    private long messageBytes = -1;
    private List<String> contextKeys = List.of();
    private Map<String, String> contextValues = Map.of();
    private int encryptedDataKeys;
    private List<String> keyProviderIds = List.of();
    private String failure;
    private long durationNanos;

    private Builder(Operation operation, boolean streaming) {
      this.operation = operation;
      this.streaming = streaming;
    }

    public Builder suite(AlgorithmSuite suite) {
      this.suite = suite;
      return this;
    }

    public Builder plaintextBytes(long bytes) {
      this.plaintextBytes = requireSize(bytes, "plaintextBytes");
      return this;
    }

    public Builder messageBytes(long bytes) {
      this.messageBytes = requireSize(bytes, "messageBytes");
      return this;
    }

    /** The context's keys; sorted here. */
    public Builder contextKeys(List<String> keys) {
      this.contextKeys = keys.stream().sorted().toList();
      return this;
    }

    /** Values of allow-listed keys only: the caller filters. */
    public Builder contextValues(Map<String, String> values) {
      this.contextValues = Map.copyOf(values);
      return this;
    }

    public Builder encryptedDataKeys(int count) {
      if (count < 0) {
        throw new IllegalArgumentException("encryptedDataKeys must be >= 0, got " + count);
      }
      this.encryptedDataKeys = count;
      return this;
    }

    public Builder keyProviderIds(List<String> ids) {
      this.keyProviderIds = List.copyOf(ids);
      return this;
    }

    /** Marks the result failed with this exception type's simple name. */
    public Builder failure(String failureType) {
      this.failure = Objects.requireNonNull(failureType, "failureType");
      return this;
    }

    public Builder durationNanos(long nanos) {
      this.durationNanos = requireSize(nanos, "durationNanos");
      return this;
    }

    private static long requireSize(long value, String name) {
      if (value < 0) {
        throw new IllegalArgumentException(name + " must be >= 0, got " + value);
      }
      return value;
    }

    public OperationResult build() {
      return new OperationResult(this);
    }
  }
}
