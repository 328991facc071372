package dev.envelope.cli;

import dev.envelope.AuthenticationFailedException;
import dev.envelope.ContextMismatchException;
import dev.envelope.KeyProviderException;
import dev.envelope.MalformedMessageException;
import dev.envelope.NoMatchingKeyException;
import dev.envelope.PolicyViolationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Turns whatever went wrong into one {@link CliFailure}: the exit status and the single stderr
 * line. The one place that maps library exceptions and I/O problems to what the user should do.
 */
final class Failures {
  private Failures() {}

  /** The failure to report for {@code t}. */
  static CliFailure classify(Throwable t) {
    if (t instanceof CliFailure) {
      return (CliFailure) t;
    }
    // Subtypes before their parents: ContextMismatchException is an AuthenticationFailedException.
    if (t instanceof ContextMismatchException) {
      return new CliFailure(ExitCode.CONTEXT_MISMATCH,
          "wrong encryption context: " + t.getMessage()
              + "; give with --context the pairs used at encryption (see 'envelope inspect')", t);
    }
    if (t instanceof AuthenticationFailedException) {
      return new CliFailure(ExitCode.AUTHENTICATION,
          "the message does not verify, so nothing was released: " + t.getMessage()
              + "; the file was altered or damaged, restore it from a good copy", t);
    }
    if (t instanceof MalformedMessageException) {
      return new CliFailure(ExitCode.MALFORMED,
          "not a valid message: " + t.getMessage()
              + "; check that --in is a complete, unmodified file written by 'envelope encrypt' or an ESDK", t);
    }
    if (t instanceof NoMatchingKeyException) {
      return new CliFailure(ExitCode.NO_MATCHING_KEY,
          "no key can decrypt this message: " + t.getMessage()
              + "; check the key file, --key-namespace and --key-name (see 'envelope inspect')", t);
    }
    if (t instanceof PolicyViolationException) {
      return new CliFailure(ExitCode.POLICY, "refused by policy: " + t.getMessage(), t);
    }
    if (t instanceof KeyProviderException) {
      return new CliFailure(ExitCode.KEY_PROVIDER, "the key provider failed: " + t.getMessage(), t);
    }
    if (t instanceof OutOfMemoryError) {
      return new CliFailure(ExitCode.INTERNAL,
          "out of memory; raise the heap with ENVELOPE_JAVA_OPTS=-Xmx...", t);
    }
    return new CliFailure(ExitCode.INTERNAL,
        "internal error " + t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage())
            + "; please report it", t);
  }

  /** A failure to read {@code what} (e.g. "input file 'a.txt'"). */
  static CliFailure reading(ExitCode code, String what, IOException e) {
    return new CliFailure(code, "cannot read " + what + ": " + reason(e), e);
  }

  /** A failure to write {@code what}. */
  static CliFailure writing(String what, IOException e) {
    return new CliFailure(ExitCode.OUTPUT, "cannot write " + what + ": " + reason(e), e);
  }

  /** A failure to read the message being decrypted or inspected. */
  static CliFailure readingInput(String what, UncheckedIOException e) {
    return reading(ExitCode.INPUT, what, e.getCause());
  }

  /** What an I/O exception means, in words (NIO messages are often just the path). */
  static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "it does not exist";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NotDirectoryException) {
      return "a parent is not a directory";
    }
    if (e instanceof FileSystemException) {
      String reason = ((FileSystemException) e).getReason();
      return reason != null ? reason : e.getClass().getSimpleName();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  /** {@code message} on one line: line breaks and other control characters become spaces. */
  static String oneLine(String message) {
    if (message == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(message.length());
    message.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
    return b.toString().strip();
  }
}
