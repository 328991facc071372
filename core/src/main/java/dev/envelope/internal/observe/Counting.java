package dev.envelope.internal.observe;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Byte counters around a message's source or sink, for observed streams only. */
public final class Counting {
  private Counting() {}

  /** Counts the bytes written through it. */
  public static final class Output extends FilterOutputStream {
    private long count;

    public Output(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    public long count() {
      return count;
    }
  }

  /** Counts the bytes read (or skipped) through it. */
  public static final class Input extends FilterInputStream {
    private long count;

    public Input(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = in.skip(n);
      count += Math.max(0, skipped);
      return skipped;
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    public long count() {
      return count;
    }
  }
}
