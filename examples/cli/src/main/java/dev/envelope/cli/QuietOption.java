package dev.envelope.cli;

import picocli.CommandLine.Option;

/** {@code --quiet}: no progress bar and no warnings; failures still print their one line. */
final class QuietOption {
  @Option(names = {"-q", "--quiet"}, order = 50,
      description = "No progress bar and no warnings. A failure still prints its one line.")
  boolean quiet;
}
