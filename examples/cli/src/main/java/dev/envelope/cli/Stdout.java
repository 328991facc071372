package dev.envelope.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Prints a command's text result on stdout, in UTF-8. */
final class Stdout {
  private Stdout() {}

  /** Writes {@code text} and flushes. */
  static void print(Io io, String text) {
    try {
      io.stdout().write(text.getBytes(StandardCharsets.UTF_8));
      io.stdout().flush();
    } catch (IOException e) {
      throw Failures.writing("stdout", e);
    }
  }
}
