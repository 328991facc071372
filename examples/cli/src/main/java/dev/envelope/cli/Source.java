package dev.envelope.cli;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code --in} of a command: a file, or stdin for {@code -}. Opening checks the file up front,
 * so a missing or unreadable input is reported before any key is used.
 */
final class Source implements Closeable {
  private static final int BUFFER = 64 * 1024;

  private final InputStream stream;
  private final long size;
  private final String description;

  private Source(InputStream stream, long size, String description) {
    this.stream = stream;
    this.size = size;
    this.description = description;
  }

  /**
   * Opens {@code spec}: {@code -} for stdin (which is never closed), otherwise a file path.
   *
   * @throws CliFailure with {@link ExitCode#INPUT} if the file is missing, a directory or unreadable
   */
  static Source open(String spec, InputStream stdin) {
    if ("-".equals(spec)) {
      InputStream unclosable = new FilterInputStream(stdin) {
        @Override
        public void close() {
          // stdin belongs to the process
        }
      };
      return new Source(new BufferedInputStream(unclosable, BUFFER), -1, "stdin");
    }
    Path path = Path.of(spec);
    String description = "input file '" + spec + "'";
    if (Files.isDirectory(path)) {
      throw new CliFailure(ExitCode.INPUT, description + " is a directory; give a file to --in");
    }
    if (!Files.exists(path)) {
      throw new CliFailure(ExitCode.INPUT, description + " does not exist; check the --in path");
    }
    try {
      long size = Files.isRegularFile(path) ? Files.size(path) : -1;
      return new Source(new BufferedInputStream(Files.newInputStream(path), BUFFER), size, description);
    } catch (IOException e) {
      throw Failures.reading(ExitCode.INPUT, description, e);
    }
  }

  InputStream stream() {
    return stream;
  }

  /** The size in bytes if known up front (a regular file), else -1. */
  long size() {
    return size;
  }

  /** How to name this input in a message, e.g. {@code input file 'a.txt'} or {@code stdin}. */
  String description() {
    return description;
  }

  @Override
  public void close() {
    try {
      stream.close();
    } catch (IOException ignored) {
      // Nothing was written through it; a failed close of an input loses nothing.
    }
  }
}
