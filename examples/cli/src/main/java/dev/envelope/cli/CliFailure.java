package dev.envelope.cli;

/**
 * A failure the CLI reports as one line on stderr and an {@link ExitCode}. The message is that
 * line: it says what failed and what to fix, and holds no key material, plaintext or context
 * values.
 */
final class CliFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient ExitCode exitCode;

  CliFailure(ExitCode exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  CliFailure(ExitCode exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  ExitCode exitCode() {
    return exitCode;
  }
}
