package dev.envelope.internal.format;

import dev.envelope.AuthenticationFailedException;
import dev.envelope.MalformedMessageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;

/**
 * The plaintext of a framed message, read at any position (spec: data-format/message-body.md).
 * Frames have a fixed stride, so frame {@code i} (from 0) starts at {@code body + i × (32 + F)} and
 * holds plaintext bytes {@code i × F} to {@code (i + 1) × F}:
 *
 * <pre>
 * header | frame 1 | frame 2 | … | frame k | final frame (40 + L bytes) | [footer: u16 length, signature]
 * plaintext size = k × F + L
 * </pre>
 *
 * On open the final frame is located from the message size (for signed messages, the footer's
 * length field must end exactly at the end), and authenticated: its tag covers its sequence number,
 * its length and that it is final, so the count of regular frames, and hence the plaintext size,
 * is verified before the first read, and a truncated or extended message fails then. Each read
 * decrypts the frames it touches, checking sequence number and tag before copying any byte. After a
 * failure every call throws. The signature of a signed message is never checked.
 *
 * <p>Read-only. Thread-safe (calls are serialized); it owns the source channel and moves its
 * position.
 */
public final class PlaintextChannel implements SeekableByteChannel {
  private final SeekableByteChannel source;
  private final FrameCodec codec;
  private final long bodyStart;
  private final int frameLength;
  private final long regularFrames;
  private final long size;
  private final byte[] finalPlain;
  private final byte[] cipher;
  private final byte[] plain;
  private long cachedFrame = -1;
  private long position;
  private boolean failed;
  private boolean closed;

  private PlaintextChannel(
      SeekableByteChannel source, FrameCodec codec, long bodyStart, long regularFrames, byte[] finalPlain) {
    this.source = source;
    this.codec = codec;
    this.bodyStart = bodyStart;
    this.frameLength = codec.frameLength();
    this.regularFrames = regularFrames;
    this.finalPlain = finalPlain;
    this.size = regularFrames * frameLength + finalPlain.length;
    this.cipher = new byte[FrameCodec.REGULAR_OVERHEAD + frameLength];
    this.plain = new byte[frameLength];
  }

  /** Parses the header at the start of {@code source}, reading no further. */
  public static MessageHeader readHeader(
      SeekableByteChannel source, java.util.function.Function<MessageInput, MessageHeader> parser) {
    try {
      source.position(0);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the message failed: " + e.getMessage(), e);
    }
    return parser.apply(MessageInput.of(Channels.newInputStream(source)));
  }

  /**
   * Locates and authenticates the final frame of a framed message whose header was verified with
   * {@code codec}.
   *
   * @throws MalformedMessageException if the message's length does not fit its frames
   * @throws AuthenticationFailedException if the final frame does not verify
   */
  public static PlaintextChannel open(
      SeekableByteChannel source, MessageHeader header, FrameCodec codec) {
    if (!header.framed()) {
      throw new IllegalArgumentException("random access needs a framed message");
    }
    long bodyStart = header.length();
    long stride = FrameCodec.REGULAR_OVERHEAD + (long) header.frameLength();
    long total = size(source);
    long span = total - bodyStart - FrameCodec.FINAL_OVERHEAD;
    if (span < 0) {
      throw truncated();
    }
    byte[] finalHeader = new byte[24];
    long lowest = header.suite().isSigned() ? Math.max(0, (span - header.frameLength() - 2 - 0xFFFF) / stride) : span / stride;
    for (long k = span / stride; k >= lowest; k--) {
      long off = bodyStart + k * stride;
      readAt(source, off, finalHeader, 24);
      if (Bytes.getU32(finalHeader, 0) != FrameCodec.FINAL_FRAME_MARKER || Bytes.getU32(finalHeader, 4) != k + 1) {
        continue;
      }
      long length = Bytes.getU32(finalHeader, 20);
      long end = off + FrameCodec.FINAL_OVERHEAD + length;
      if (length > header.frameLength() || !endsAt(source, header, end, total)) {
        continue;
      }
      if (k + 1 > FrameCodec.MAX_FRAMES) {
        throw new MalformedMessageException("the message has more than 2^32 - 1 frames");
      }
      byte[] frame = new byte[FrameCodec.FINAL_OVERHEAD + (int) length];
      readAt(source, off, frame, frame.length);
      byte[] finalPlain = new byte[(int) length];
      codec.open(FrameCodec.Kind.FINAL, k + 1, frame, 8, 24, (int) length, finalPlain, 0);
      return new PlaintextChannel(source, codec, bodyStart, k, finalPlain);
    }
    throw truncated();
  }

  private static boolean endsAt(SeekableByteChannel source, MessageHeader header, long end, long total) {
    if (!header.suite().isSigned()) {
      return end == total;
    }
    if (end + 2 > total) {
      return false;
    }
    byte[] sigLength = new byte[2];
    readAt(source, end, sigLength, 2);
    return end + 2 + Bytes.getU16(sigLength, 0) == total;
  }

  private static MalformedMessageException truncated() {
    return new MalformedMessageException(
        "the message's length does not fit its frames: it is truncated, or bytes were appended;"
            + " check that the whole message was copied");
  }

  private static long size(SeekableByteChannel source) {
    try {
      return source.size();
    } catch (IOException e) {
      throw new UncheckedIOException("reading the message failed: " + e.getMessage(), e);
    }
  }

  private static void readAt(SeekableByteChannel source, long offset, byte[] dst, int length) {
    try {
      source.position(offset);
      ByteBuffer buffer = ByteBuffer.wrap(dst, 0, length);
      while (buffer.hasRemaining()) {
        if (source.read(buffer) < 0) {
          throw MessageInput.truncated("a frame");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading the message failed: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized int read(ByteBuffer dst) throws IOException {
    check();
    if (position >= size) {
      return -1;
    }
    int total = 0;
    try {
      while (dst.hasRemaining() && position < size) {
        long frame = position / frameLength;
        int inFrame = (int) (position - frame * frameLength);
        byte[] source = frame == regularFrames ? finalPlain : load(frame);
        int n = Math.min(dst.remaining(), (frame == regularFrames ? finalPlain.length : frameLength) - inFrame);
        dst.put(source, inFrame, n);
        position += n;
        total += n;
      }
    } catch (RuntimeException e) {
      fail();
      throw e;
    }
    return total;
  }

  /** Decrypts regular frame {@code index} (from 0) into {@link #plain}, unless it is already there. */
  private byte[] load(long index) {
    if (cachedFrame == index) {
      return plain;
    }
    cachedFrame = -1;
    readAt(source, bodyStart + index * cipher.length, cipher, cipher.length);
    long seq = Bytes.getU32(cipher, 0);
    if (seq != index + 1) {
      throw new MalformedMessageException(
          "frame sequence number " + seq + " found where " + (index + 1) + " was expected: frames"
              + " are missing, repeated or out of order");
    }
    codec.open(FrameCodec.Kind.REGULAR, index + 1, cipher, 4, 16, frameLength, plain, 0);
    cachedFrame = index;
    return plain;
  }

  private void check() throws IOException {
    if (closed) {
      throw new ClosedChannelException();
    }
    if (failed) {
      throw new IOException("the plaintext channel failed earlier; discard what it returned");
    }
  }

  private void fail() {
    failed = true;
    cachedFrame = -1;
    Arrays.fill(plain, (byte) 0);
  }

  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public synchronized long position() throws IOException {
    check();
    return position;
  }

  @Override
  public synchronized SeekableByteChannel position(long newPosition) throws IOException {
    check();
    if (newPosition < 0) {
      throw new IllegalArgumentException("position cannot be negative: " + newPosition);
    }
    position = newPosition;
    return this;
  }

  /** The plaintext size, verified on open. */
  @Override
  public synchronized long size() throws IOException {
    check();
    return size;
  }

  @Override
  public SeekableByteChannel truncate(long newSize) {
    throw new NonWritableChannelException();
  }

  @Override
  public synchronized boolean isOpen() {
    return !closed;
  }

  /** Zeroes the plaintext held and closes the source channel. */
  @Override
  public synchronized void close() throws IOException {
    if (!closed) {
      closed = true;
      cachedFrame = -1;
      Arrays.fill(plain, (byte) 0);
      Arrays.fill(finalPlain, (byte) 0);
      source.close();
    }
  }
}
