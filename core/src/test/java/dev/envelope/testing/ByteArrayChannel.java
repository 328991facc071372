package dev.envelope.testing;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/** A read-only channel over an array that counts the bytes read from it. */
public final class ByteArrayChannel implements SeekableByteChannel {
  private final byte[] data;
  private long position;
  private long bytesRead;
  private boolean open = true;

  public ByteArrayChannel(byte[] data) {
    this.data = data;
  }

  /** Bytes handed out by {@link #read} so far. */
  public long bytesRead() {
    return bytesRead;
  }

  @Override
  public int read(ByteBuffer dst) throws ClosedChannelException {
    check();
    if (position >= data.length) {
      return -1;
    }
    int n = (int) Math.min(dst.remaining(), data.length - position);
    dst.put(data, (int) position, n);
    position += n;
    bytesRead += n;
    return n;
  }

  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public long position() throws ClosedChannelException {
    check();
    return position;
  }

  @Override
  public SeekableByteChannel position(long newPosition) throws ClosedChannelException {
    check();
    position = newPosition;
    return this;
  }

  @Override
  public long size() throws ClosedChannelException {
    check();
    return data.length;
  }

  @Override
  public SeekableByteChannel truncate(long size) {
    throw new NonWritableChannelException();
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    open = false;
  }

  private void check() throws ClosedChannelException {
    if (!open) {
      throw new ClosedChannelException();
    }
  }
}
