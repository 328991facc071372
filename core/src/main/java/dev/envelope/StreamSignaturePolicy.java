package dev.envelope;

import dev.envelope.internal.format.FrameCodec;

/**
 * What a {@link DecryptingStream} does with a <em>signed</em> message (suites 0x0578, 0x0378,
 * 0x0346, 0x0214), whose signature can only be checked at its very end. Set it with {@link
 * Envelope.Builder#streamSignaturePolicy}. Unsigned messages are not affected by the first two:
 * their frames are released as their tags verify.
 *
 * <ul>
 *   <li>{@link #verifyBeforeRelease()} (the default): the stream holds the whole plaintext in memory
 *       until the signature verifies, and releases nothing before. A message whose plaintext
 *       exceeds the bound fails with a {@link PolicyViolationException} naming the bound, before
 *       anything is released.
 *   <li>{@link #releaseFramesBeforeSignature()}: each regular frame is released once its tag
 *       verifies, before the signature is checked; only the final frame waits for the signature.
 *       This is the AWS Encryption SDK's behaviour. What is released is authentic under the data
 *       key but not yet signed: anyone who can decrypt the message could have forged it. Use it
 *       only when you write the output somewhere you discard on failure (a temporary file).
 *   <li>{@link #unsignedOnly()}: signed messages are refused when the header is read, with a
 *       {@link PolicyViolationException}, so a stream never waits for a signature (the ESDK's
 *       {@code createUnsignedMessageDecryptingStream}).
 * </ul>
 *
 * Immutable and thread-safe.
 */
public final class StreamSignaturePolicy {
  /** The default bound of {@link #verifyBeforeRelease()}: 64 MiB of plaintext. */
  public static final long DEFAULT_MAX_HELD_PLAINTEXT = 64L * 1024 * 1024;

  /** The three behaviours. */
  public enum Mode {
    VERIFY_BEFORE_RELEASE,
    RELEASE_FRAMES_BEFORE_SIGNATURE,
    UNSIGNED_ONLY
  }

  private static final StreamSignaturePolicy DEFAULT =
      new StreamSignaturePolicy(Mode.VERIFY_BEFORE_RELEASE, DEFAULT_MAX_HELD_PLAINTEXT);
  private static final StreamSignaturePolicy RELEASE =
      new StreamSignaturePolicy(Mode.RELEASE_FRAMES_BEFORE_SIGNATURE, -1);
  private static final StreamSignaturePolicy UNSIGNED = new StreamSignaturePolicy(Mode.UNSIGNED_ONLY, -1);

  private final Mode mode;
  private final long maxHeldPlaintext;

  private StreamSignaturePolicy(Mode mode, long maxHeldPlaintext) {
    this.mode = mode;
    this.maxHeldPlaintext = maxHeldPlaintext;
  }

  /** Hold a signed message's plaintext until the signature verifies, up to {@value #DEFAULT_MAX_HELD_PLAINTEXT} bytes. */
  public static StreamSignaturePolicy verifyBeforeRelease() {
    return DEFAULT;
  }

  /**
   * Hold a signed message's plaintext until the signature verifies, up to {@code maxHeldPlaintext}
   * bytes of memory.
   *
   * @throws IllegalArgumentException unless 1 ≤ {@code maxHeldPlaintext} ≤ 2,147,482,623 (a Java
   *     array's limit)
   */
  public static StreamSignaturePolicy verifyBeforeRelease(long maxHeldPlaintext) {
    if (maxHeldPlaintext < 1 || maxHeldPlaintext > FrameCodec.MAX_FRAME_LENGTH) {
      throw new IllegalArgumentException(
          "maxHeldPlaintext must be between 1 and " + FrameCodec.MAX_FRAME_LENGTH + ": " + maxHeldPlaintext);
    }
    return new StreamSignaturePolicy(Mode.VERIFY_BEFORE_RELEASE, maxHeldPlaintext);
  }

  /** Release each verified frame before the signature is checked, as the AWS Encryption SDK does. */
  public static StreamSignaturePolicy releaseFramesBeforeSignature() {
    return RELEASE;
  }

  /** Refuse signed messages at the header. */
  public static StreamSignaturePolicy unsignedOnly() {
    return UNSIGNED;
  }

  public Mode mode() {
    return mode;
  }

  /** The bound of {@link Mode#VERIFY_BEFORE_RELEASE}, or -1 for the other modes. */
  public long maxHeldPlaintext() {
    return maxHeldPlaintext;
  }

  @Override
  public String toString() {
    return mode == Mode.VERIFY_BEFORE_RELEASE ? mode + "(" + maxHeldPlaintext + " bytes)" : mode.toString();
  }
}
