package dev.envelope;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What the {@link Envelope} asks a {@link MaterialsManager} for when it encrypts a message.
 * Immutable.
 */
public final class EncryptionMaterialsRequest {
  private final EncryptionContext context;
  private final CommitmentPolicy commitmentPolicy;
  private final AlgorithmSuite suite;
  private final Set<String> requiredContextKeys;
  private final long maxPlaintextLength;

  private EncryptionMaterialsRequest(Builder b) {
    this.context = b.context;
    this.commitmentPolicy = b.commitmentPolicy;
    this.suite = b.suite;
    this.requiredContextKeys = b.requiredContextKeys;
    this.maxPlaintextLength = b.maxPlaintextLength;
  }

  public static Builder builder(EncryptionContext context, CommitmentPolicy commitmentPolicy) {
    return new Builder(context, commitmentPolicy);
  }

  public Builder toBuilder() {
    Builder b = new Builder(context, commitmentPolicy);
    b.suite = suite;
    b.requiredContextKeys = requiredContextKeys;
    b.maxPlaintextLength = maxPlaintextLength;
    return b;
  }

  /** The caller's encryption context. */
  public EncryptionContext encryptionContext() {
    return context;
  }

  public CommitmentPolicy commitmentPolicy() {
    return commitmentPolicy;
  }

  /** The suite the caller asked for, if any; otherwise the manager picks the policy's default. */
  public Optional<AlgorithmSuite> algorithmSuite() {
    return Optional.ofNullable(suite);
  }

  /** Context keys to authenticate without storing them in the message. */
  public Set<String> requiredContextKeys() {
    return requiredContextKeys;
  }

  /**
   * The most plaintext this message will hold: the exact length for byte arrays, the caller's
   * bound for streams, empty when a stream's length is unknown.
   */
  public OptionalLong maxPlaintextLength() {
    return maxPlaintextLength < 0 ? OptionalLong.empty() : OptionalLong.of(maxPlaintextLength);
  }

  @Override
  public String toString() {
    return "EncryptionMaterialsRequest[context=" + context + ", policy=" + commitmentPolicy
        + ", suite=" + (suite == null ? "default" : suite.idHex()) + ", maxPlaintextLength="
        + (maxPlaintextLength < 0 ? "unknown" : Long.toString(maxPlaintextLength)) + "]";
  }

  public static final class Builder {
    private final EncryptionContext context;
    private final CommitmentPolicy commitmentPolicy;
    private AlgorithmSuite suite;
    private Set<String> requiredContextKeys = Set.of();
    private long maxPlaintextLength = -1;

    private Builder(EncryptionContext context, CommitmentPolicy commitmentPolicy) {
      this.context = Objects.requireNonNull(context, "context");
      this.commitmentPolicy = Objects.requireNonNull(commitmentPolicy, "commitmentPolicy");
    }

    public Builder algorithmSuite(AlgorithmSuite suite) {
      this.suite = suite;
      return this;
    }

    public Builder requiredContextKeys(Set<String> keys) {
      this.requiredContextKeys = Set.copyOf(keys);
      return this;
    }

    public Builder maxPlaintextLength(long length) {
      if (length < 0) {
        throw new IllegalArgumentException("maxPlaintextLength cannot be negative: " + length);
      }
      this.maxPlaintextLength = length;
      return this;
    }

    /** Marks the plaintext length as unknown. */
    public Builder unknownPlaintextLength() {
      this.maxPlaintextLength = -1;
      return this;
    }

    public EncryptionMaterialsRequest build() {
      return new EncryptionMaterialsRequest(this);
    }
  }
}
