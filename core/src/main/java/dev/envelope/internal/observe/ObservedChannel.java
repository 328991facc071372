package dev.envelope.internal.observe;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/**
 * An observed plaintext channel: counts the plaintext read, and ends its operation when it is
 * closed, or when a read fails (a tampered frame). Delegates everything else.
 */
public final class ObservedChannel implements SeekableByteChannel {
  private final SeekableByteChannel plaintext;
  private final Observation observation;
  private long read;

  public ObservedChannel(SeekableByteChannel plaintext, Observation observation) {
    this.plaintext = plaintext;
    this.observation = observation;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    int n;
    try {
      n = plaintext.read(dst);
    } catch (IOException | RuntimeException | Error e) {
      if (!observation.hasEnded()) {
        observation.plaintextBytes(read);
        observation.failed(e);
      }
      throw e;
    }
    if (n > 0) {
      read += n;
    }
    return n;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    return plaintext.write(src);
  }

  @Override
  public long position() throws IOException {
    return plaintext.position();
  }

  @Override
  public SeekableByteChannel position(long newPosition) throws IOException {
    plaintext.position(newPosition);
    return this;
  }

  @Override
  public long size() throws IOException {
    return plaintext.size();
  }

  @Override
  public SeekableByteChannel truncate(long size) throws IOException {
    plaintext.truncate(size);
    return this;
  }

  @Override
  public boolean isOpen() {
    return plaintext.isOpen();
  }

  @Override
  public void close() throws IOException {
    try {
      plaintext.close();
    } finally {
      if (!observation.hasEnded()) {
        observation.plaintextBytes(read);
        observation.succeeded();
      }
    }
  }
}
