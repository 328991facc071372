package dev.envelope.testing;

import java.io.InputStream;
import java.util.Objects;

/**
 * An input stream over an array that returns at most one byte per {@code read} call, as a slow
 * network would. Code that assumes {@code read} fills its buffer fails on it.
 */
public final class TrickleInputStream extends InputStream {
  private final byte[] data;
  private int pos;
  private int reads;

  public TrickleInputStream(byte[] data) {
    this.data = Objects.requireNonNull(data, "data");
  }

  @Override
  public int read() {
    reads++;
    return pos < data.length ? data[pos++] & 0xFF : -1;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    reads++;
    if (pos >= data.length) {
      return -1;
    }
    b[off] = data[pos++];
    return 1;
  }

  /** How many bytes have been consumed. */
  public int position() {
    return pos;
  }

  /** How many read calls were made. */
  public int reads() {
    return reads;
  }
}
