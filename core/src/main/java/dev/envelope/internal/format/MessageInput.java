package dev.envelope.internal.format;

import dev.envelope.MalformedMessageException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.Signature;
import java.security.SignatureException;

/**
 * Reads message fields from a byte array or a stream. Running out of input is a {@link
 * MalformedMessageException} naming what was being read. Allocations are bounded by the caller,
 * which checks each length against its limits first.
 *
 * <p>A stream input can feed every byte it consumes to a signature verifier, and record the bytes
 * of the header body for the header-auth AAD.
 */
public abstract class MessageInput {
  private MessageInput() {}

  public static ArrayInput of(byte[] data, int offset, int length) {
    return new ArrayInput(data, offset, length);
  }

  public static StreamInput of(InputStream in) {
    return new StreamInput(in);
  }

  /** Reads {@code len} bytes into {@code dst}. */
  public abstract void readFully(byte[] dst, int off, int len, String what);

  /** Starts capturing the bytes read from now on. */
  abstract void startRecording();

  /** Stops capturing and returns what was read since {@link #startRecording()}. */
  abstract byte[] stopRecording();

  /** How many bytes have been read since {@link #startRecording()}. */
  abstract int recordedLength();

  /** Reads and drops {@code len} bytes (still recorded and fed to a verifier). */
  abstract void discard(int len, String what);

  public byte[] readBytes(int len, String what) {
    byte[] b = new byte[len];
    readFully(b, 0, len, what);
    return b;
  }

  public int readU8(String what) {
    byte[] b = new byte[1];
    readFully(b, 0, 1, what);
    return b[0] & 0xFF;
  }

  public int readU16(String what) {
    byte[] b = new byte[2];
    readFully(b, 0, 2, what);
    return Bytes.getU16(b, 0);
  }

  public long readU32(String what) {
    byte[] b = new byte[4];
    readFully(b, 0, 4, what);
    return Bytes.getU32(b, 0);
  }

  public long readU64(String what) {
    byte[] b = new byte[8];
    readFully(b, 0, 8, what);
    return Bytes.getU64(b, 0);
  }

  static MalformedMessageException truncated(String what) {
    return new MalformedMessageException(
        "the message is truncated: it ends while reading " + what
            + "; check that the whole message was copied");
  }

  /** Input over a byte array; reads never copy more than asked. */
  public static final class ArrayInput extends MessageInput {
    private final byte[] data;
    private final int limit;
    private int pos;
    private int recordStart = -1;

    private ArrayInput(byte[] data, int offset, int length) {
      this.data = data;
      this.pos = offset;
      this.limit = offset + length;
    }

    @Override
    public void readFully(byte[] dst, int off, int len, String what) {
      require(len, what);
      System.arraycopy(data, pos, dst, off, len);
      pos += len;
    }

    @Override
    public int readU16(String what) {
      require(2, what);
      int v = Bytes.getU16(data, pos);
      pos += 2;
      return v;
    }

    @Override
    public long readU32(String what) {
      require(4, what);
      long v = Bytes.getU32(data, pos);
      pos += 4;
      return v;
    }

    @Override
    public int readU8(String what) {
      require(1, what);
      return data[pos++] & 0xFF;
    }

    /** Throws unless {@code len} more bytes are available. */
    public void require(long len, String what) {
      if (len > limit - pos) {
        throw truncated(what);
      }
    }

    /** Skips {@code len} bytes that the caller reads in place. */
    public void skip(int len, String what) {
      require(len, what);
      pos += len;
    }

    public byte[] array() {
      return data;
    }

    public int position() {
      return pos;
    }

    public int remaining() {
      return limit - pos;
    }

    @Override
    void startRecording() {
      recordStart = pos;
    }

    @Override
    byte[] stopRecording() {
      byte[] out = java.util.Arrays.copyOfRange(data, recordStart, pos);
      recordStart = -1;
      return out;
    }

    @Override
    int recordedLength() {
      return pos - recordStart;
    }

    @Override
    void discard(int len, String what) {
      skip(len, what);
    }
  }

  /** Input over a stream, reading exactly what is asked for (no read-ahead past the message). */
  public static final class StreamInput extends MessageInput {
    private final InputStream in;
    private Signature verifier;
    private ByteArrayOutputStream recorder;
    private long consumed;

    private StreamInput(InputStream in) {
      this.in = in;
    }

    /** From now on, feed every byte read to {@code verifier} (null stops feeding). */
    public void feed(Signature verifier) {
      this.verifier = verifier;
    }

    /** Total bytes consumed from the stream. */
    public long consumed() {
      return consumed;
    }

    @Override
    public void readFully(byte[] dst, int off, int len, String what) {
      int n = readAtMost(dst, off, len);
      if (n < len) {
        throw truncated(what);
      }
    }

    /** Reads up to {@code len} bytes, fewer only at end of stream. */
    public int readAtMost(byte[] dst, int off, int len) {
      int total = 0;
      try {
        while (total < len) {
          int n = in.read(dst, off + total, len - total);
          if (n < 0) {
            break;
          }
          total += n;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("reading the message failed: " + e.getMessage(), e);
      }
      consume(dst, off, total);
      return total;
    }

    public void close() throws IOException {
      in.close();
    }

    /** Whether the stream is at its end; reads (and so consumes) at most one byte. */
    public boolean atEnd() {
      try {
        return in.read() < 0;
      } catch (IOException e) {
        throw new UncheckedIOException("reading the message failed: " + e.getMessage(), e);
      }
    }

    private void consume(byte[] b, int off, int len) {
      consumed += len;
      if (recorder != null) {
        recorder.write(b, off, len);
      }
      if (verifier != null && len > 0) {
        try {
          verifier.update(b, off, len);
        } catch (SignatureException e) {
          throw new IllegalStateException("signature verifier not initialized", e);
        }
      }
    }

    @Override
    void startRecording() {
      recorder = new ByteArrayOutputStream(256);
    }

    @Override
    byte[] stopRecording() {
      byte[] out = recorder.toByteArray();
      recorder = null;
      return out;
    }

    @Override
    int recordedLength() {
      return recorder.size();
    }

    @Override
    void discard(int len, String what) {
      readFully(new byte[len], 0, len, what);
    }
  }
}
