package dev.envelope.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Copies a stream in constant memory, telling read failures ({@link ExitCode#INPUT}) from write
 * failures ({@link ExitCode#OUTPUT}). Library exceptions (a tag that fails, a malformed frame)
 * pass through unchanged.
 */
final class Transfer {
  private static final int CHUNK = 64 * 1024;

  private Transfer() {}

  static long copy(InputStream in, String from, OutputStream out, String to) {
    byte[] buffer = new byte[CHUNK];
    long total = 0;
    try {
      while (true) {
      int n;
      try {
        n = in.read(buffer);
      } catch (IOException e) {
        throw Failures.reading(ExitCode.INPUT, from, e);
      } catch (UncheckedIOException e) {
        throw Failures.readingInput(from, e);
      }
      if (n < 0) {
        return total;
      }
      try {
        out.write(buffer, 0, n);
      } catch (IOException e) {
        throw Failures.writing(to, e);
      } catch (UncheckedIOException e) {
        throw Failures.writing(to, e.getCause());
      }
      total += n;
      }
    } finally {
      Arrays.fill(buffer, (byte) 0); // may hold plaintext
    }
  }

  /** Closes {@code out}, which for an encrypting stream writes the end of the message. */
  static void finish(OutputStream out, String to) {
    try {
      out.close();
    } catch (IOException e) {
      throw Failures.writing(to, e);
    } catch (UncheckedIOException e) {
      throw Failures.writing(to, e.getCause());
    }
  }
}
