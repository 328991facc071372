package dev.envelope.cli;

import picocli.CommandLine.Option;

/** {@code --json}: print the result as JSON instead of a readable table. */
final class JsonOption {
  @Option(names = "--json", order = 40, description = "Print JSON instead of a readable table.")
  boolean json;
}
