package dev.envelope.internal.format;

import dev.envelope.MalformedMessageException;
import dev.envelope.PolicyViolationException;
import java.io.IOException;
import java.io.InputStream;
import java.security.Signature;
import java.util.Arrays;

/**
 * Decrypts a message from a stream, one frame at a time, in memory bounded by the frame length
 * (spec: client-apis/streaming.md, release rules):
 *
 * <ul>
 *   <li>a regular frame's plaintext is released only after its tag verifies;
 *   <li>the final frame (and a non-framed body) is released only after the stream has been read to
 *       its end with nothing trailing and, for signing suites, after the signature verifies;
 *   <li>a truncated or over-long message throws; it never looks like a short read;
 *   <li>when {@code maxHeld} is not negative and the message is signed, nothing at all is released
 *       before the signature verifies: the plaintext is held, up to {@code maxHeld} bytes.
 * </ul>
 *
 * Buffers grow only as bytes actually arrive, so a header that claims huge frames costs nothing
 * until the data is there. After a failure every read throws and {@link #isComplete()} stays
 * false. Not thread-safe.
 */
public final class DecryptingInput extends InputStream {
  private static final int INITIAL_BUFFER = 64 * 1024;

  private final MessageHeader header;
  private final FrameCodec codec;
  private final Signature verifier;
  private final MessageInput.StreamInput in;
  private final int maxBuffered;
  private final long maxHeld;
  private long expectedSeq = 1;
  private byte[] cipherBuffer = new byte[0];
  private byte[] plain = new byte[0];
  private int pos;
  private int limit;
  private boolean finished;
  private boolean failed;
  private boolean closed;

  /**
   * @param maxHeld for signed messages: -1 to release each regular frame once its tag verifies, or
   *     the most plaintext bytes to hold back until the signature verifies
   */
  DecryptingInput(
      MessageHeader header, FrameCodec codec, Signature verifier, MessageInput.StreamInput in, int maxBuffered,
      long maxHeld) {
    this.header = header;
    this.maxBuffered = maxBuffered;
    this.maxHeld = maxHeld;
    this.codec = codec;
    this.verifier = verifier;
    this.in = in;
    in.feed(verifier);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (closed) {
      throw new IOException("the decrypting stream is closed");
    }
    if (failed) {
      throw new IOException("the decrypting stream failed earlier; discard what it returned");
    }
    if (len == 0) {
      return 0;
    }
    while (pos == limit) {
      if (finished) {
        return -1;
      }
      try {
        if (verifier != null && maxHeld >= 0) {
          advanceToVerifiedEnd();
        } else {
          advance();
        }
      } catch (RuntimeException e) {
        fail();
        throw e;
      }
    }
    int n = Math.min(len, limit - pos);
    System.arraycopy(plain, pos, b, off, n);
    pos += n;
    return n;
  }

  @Override
  public int available() {
    return limit - pos;
  }

  /** Reads and decrypts the next frame into {@link #plain}. */
  private void advance() {
    if (!header.framed()) {
      byte[] iv = in.readBytes(12, "the body IV");
      long length = in.readU64("the body length");
      if (length < 0 || length > FrameCodec.MAX_FRAME_LENGTH) {
        throw new MalformedMessageException("the body length " + length + " is out of range");
      }
      if (length > maxBuffered) {
        throw new PolicyViolationException(
            "the message's non-framed body is " + length + " bytes, more than the " + maxBuffered
                + " a decrypting stream may hold in memory; raise maxFrameLength if you trust the"
                + " sender, or decrypt the message in memory");
      }
      int n = readCiphertext(iv, (int) length, "the body");
      checkEnd();
      decryptInto(FrameCodec.Kind.NON_FRAMED, 1, n);
      finished = true;
      return;
    }
    long first = in.readU32("the sequence number of frame " + expectedSeq);
    if (first != FrameCodec.FINAL_FRAME_MARKER) {
      MessageReader.checkSequence(first, expectedSeq);
      byte[] iv = in.readBytes(12, "the IV of frame " + expectedSeq);
      int n = readCiphertext(iv, header.frameLength(), "frame " + expectedSeq);
      decryptInto(FrameCodec.Kind.REGULAR, expectedSeq++, n);
      return;
    }
    long seq = in.readU32("the sequence number of the final frame");
    MessageReader.checkSequence(seq, expectedSeq);
    byte[] iv = in.readBytes(12, "the IV of the final frame");
    long length = in.readU32("the final frame length");
    if (length > header.frameLength()) {
      throw new MalformedMessageException(
          "the final frame claims " + length + " bytes, more than the frame length "
              + header.frameLength());
    }
    int n = readCiphertext(iv, (int) length, "the final frame");
    checkEnd();
    decryptInto(FrameCodec.Kind.FINAL, seq, n);
    finished = true;
  }

  /**
   * Decrypts every frame, holding the plaintext, until the message has ended and its signature
   * verified; then releases it all at once.
   */
  private void advanceToVerifiedEnd() {
    byte[] held = new byte[0];
    int heldLength = 0;
    try {
      while (!finished) {
        advance();
        int n = limit - pos;
        if ((long) heldLength + n > maxHeld) {
          throw new PolicyViolationException(
              "the signed message's plaintext exceeds the " + maxHeld + " bytes a decrypting stream"
                  + " may hold until its signature verifies (StreamSignaturePolicy.verifyBeforeRelease);"
                  + " raise that bound, or write the output with releaseFramesBeforeSignature() to a"
                  + " place you discard unless the stream completes");
        }
        if (heldLength + n > held.length) {
          byte[] grown = Arrays.copyOf(held, (int) Math.min(maxHeld, Math.max(heldLength + n, 2L * held.length)));
          Arrays.fill(held, (byte) 0);
          held = grown;
        }
        System.arraycopy(plain, pos, held, heldLength, n);
        heldLength += n;
        Arrays.fill(plain, pos, limit, (byte) 0);
        pos = limit;
      }
    } catch (RuntimeException e) {
      Arrays.fill(held, (byte) 0);
      throw e;
    }
    Arrays.fill(plain, (byte) 0);
    plain = held;
    pos = 0;
    limit = heldLength;
  }

  /** Reads IV ‖ ciphertext ‖ tag into the cipher buffer (IV first), growing it as bytes arrive. */
  private int readCiphertext(byte[] iv, int length, String what) {
    int needed = 12 + length + 16;
    if (cipherBuffer.length < Math.min(needed, INITIAL_BUFFER)) {
      cipherBuffer = new byte[Math.min(needed, INITIAL_BUFFER)];
    }
    System.arraycopy(iv, 0, cipherBuffer, 0, 12);
    int have = 12;
    while (have < needed) {
      if (have == cipherBuffer.length) {
        cipherBuffer = Arrays.copyOf(cipherBuffer, (int) Math.min(needed, 2L * cipherBuffer.length));
      }
      int n = in.readAtMost(cipherBuffer, have, Math.min(cipherBuffer.length, needed) - have);
      if (n == 0) {
        throw MessageInput.truncated(what);
      }
      have += n;
    }
    return length;
  }

  private void decryptInto(FrameCodec.Kind kind, long seq, int length) {
    if (plain.length < length) {
      Arrays.fill(plain, (byte) 0);
      plain = new byte[length];
    }
    codec.open(kind, seq, cipherBuffer, 0, 12, length, plain, 0);
    pos = 0;
    limit = length;
  }

  /** After the last frame's ciphertext: the footer (signing suites), then nothing more. */
  private void checkEnd() {
    in.feed(null);
    if (verifier != null) {
      int sigLength = in.readU16("the signature length");
      byte[] signature = in.readBytes(sigLength, "the signature");
      MessageReader.checkSignature(verifier, signature);
    }
    if (!in.atEnd()) {
      throw new MalformedMessageException(
          "bytes follow the end of the message; a message must be decrypted exactly as it was"
              + " written, with nothing appended");
    }
  }

  private void fail() {
    failed = true;
    Arrays.fill(plain, (byte) 0);
    pos = 0;
    limit = 0;
  }

  /** Closes the underlying stream. Closing before the end is allowed; nothing more is released. */
  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      Arrays.fill(plain, (byte) 0);
      in.close();
    }
  }

  /**
   * Whether the whole message has been read and verified: the last tag, and for signed messages the
   * signature, checked, and every byte released. Never true after a failure.
   */
  public boolean isComplete() {
    return finished && !failed && pos == limit;
  }
}
