package dev.envelope.testkit.arbitraries;

import dev.envelope.AlgorithmSuite;
import dev.envelope.CommitmentPolicy;
import dev.envelope.Envelope;
import dev.envelope.Keyring;
import java.util.Objects;

/**
 * How a message is written: an algorithm suite and a frame size (or non-framed). {@link
 * EnvelopeArbitraries#settings()} generates every suite with interesting frame sizes; {@link
 * #envelope(Keyring)} builds an {@link Envelope} that writes such messages and reads every suite.
 * Immutable.
 */
public final class MessageSettings {
  private final AlgorithmSuite suite;
  private final int frameSize;

  private MessageSettings(AlgorithmSuite suite, int frameSize) {
    this.suite = suite;
    this.frameSize = frameSize;
  }

  /** Framed messages of {@code suite} with frames of {@code frameSize} plaintext bytes. */
  public static MessageSettings framed(AlgorithmSuite suite, int frameSize) {
    Objects.requireNonNull(suite, "suite");
    if (frameSize <= 0) {
      throw new IllegalArgumentException("frameSize must be positive: " + frameSize);
    }
    return new MessageSettings(suite, frameSize);
  }

  /** Non-framed (legacy single-block) messages of {@code suite}. */
  public static MessageSettings nonFramed(AlgorithmSuite suite) {
    return new MessageSettings(Objects.requireNonNull(suite, "suite"), 0);
  }

  public AlgorithmSuite suite() {
    return suite;
  }

  public boolean framed() {
    return frameSize > 0;
  }

  /** The frame size; 0 for non-framed messages. */
  public int frameSize() {
    return frameSize;
  }

  /**
   * The commitment policy that lets an {@link Envelope} write this suite and read every suite:
   * {@code REQUIRE_ENCRYPT_ALLOW_DECRYPT} for committing suites, {@code
   * FORBID_ENCRYPT_ALLOW_DECRYPT} for the others.
   */
  public CommitmentPolicy commitmentPolicy() {
    return suite.isCommitting()
        ? CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT
        : CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT;
  }

  /** An envelope over {@code keyring} that writes messages with these settings. */
  public Envelope envelope(Keyring keyring) {
    Envelope.Builder builder =
        Envelope.builder().keyring(keyring).commitmentPolicy(commitmentPolicy()).algorithmSuite(suite);
    return framed() ? builder.frameSize(frameSize).build() : builder.framed(false).build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MessageSettings s && s.suite == suite && s.frameSize == frameSize;
  }

  @Override
  public int hashCode() {
    return suite.hashCode() * 31 + frameSize;
  }

  @Override
  public String toString() {
    return suite + " (" + suite.idHex() + "), " + (framed() ? "frames of " + frameSize + " bytes" : "non-framed");
  }
}
