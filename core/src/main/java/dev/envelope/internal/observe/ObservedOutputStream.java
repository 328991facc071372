package dev.envelope.internal.observe;

import java.io.IOException;
import java.io.OutputStream;

/**
 * An observed encrypting stream: counts the plaintext written, and ends its operation when it is
 * closed (successfully once the message's end was written) or when a write or the close fails.
 */
public final class ObservedOutputStream extends OutputStream {
  private final OutputStream encrypting;
  private final Observation observation;
  private final Counting.Output message;
  private long plaintext;

  /**
   * @param message the counter around the caller's sink, which the encrypting stream writes to
   */
  public ObservedOutputStream(OutputStream encrypting, Observation observation, Counting.Output message) {
    this.encrypting = encrypting;
    this.observation = observation;
    this.message = message;
  }

  @Override
  public void write(int b) throws IOException {
    try {
      encrypting.write(b);
    } catch (IOException | RuntimeException | Error e) {
      fail(e);
      throw e;
    }
    plaintext++;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    try {
      encrypting.write(b, off, len);
    } catch (IOException | RuntimeException | Error e) {
      fail(e);
      throw e;
    }
    plaintext += len;
  }

  @Override
  public void flush() throws IOException {
    try {
      encrypting.flush();
    } catch (IOException | RuntimeException | Error e) {
      fail(e);
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      encrypting.close();
    } catch (IOException | RuntimeException | Error e) {
      fail(e);
      throw e;
    }
    if (!observation.hasEnded()) {
      observation.plaintextBytes(plaintext);
      observation.messageBytes(message.count());
      observation.succeeded();
    }
  }

  private void fail(Throwable e) {
    if (!observation.hasEnded()) {
      observation.plaintextBytes(plaintext);
      observation.messageBytes(message.count());
      observation.failed(e);
    }
  }
}
