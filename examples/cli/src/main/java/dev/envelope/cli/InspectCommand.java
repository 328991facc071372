package dev.envelope.cli;

import dev.envelope.Envelope;
import dev.envelope.UnauthenticatedHeader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code envelope inspect}: a message header as JSON, read without any key and not verified. */
@Command(
    name = "inspect",
    sortOptions = false,
    header = "Print a message header as JSON, unauthenticated.",
    mixinStandardHelpOptions = true,
    versionProvider = EnvelopeCli.Version.class,
    customSynopsis = {"envelope inspect --in PATH"},
    description = {
        "Prints a message's header as JSON on stdout: format version, suite, message id, the stored"
            + " encryption context, who can decrypt (each encrypted data key's provider id and"
            + " provider info: key name; for raw AES keys also tag and IV length) and frame length.",
        "",
        "UNAUTHENTICATED: the header is read without any key and nothing is verified, so anyone can"
            + " forge what it shows. Use it to find which key and context to decrypt with, never to"
            + " decide whether to trust a message.",
        ""
    })
final class InspectCommand implements Callable<Integer> {
  private final Io io;

  @Option(names = "--in", required = true, paramLabel = "PATH", order = 1,
      description = "The message; - for stdin. Only the header is read.")
  String in;

  InspectCommand(Io io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    UnauthenticatedHeader header;
    try (Source source = Source.open(in, io.stdin())) {
      try {
        header = Envelope.inspectUnauthenticated(source.stream());
      } catch (UncheckedIOException e) {
        throw Failures.readingInput(source.description(), e);
      }
    }
    try {
      io.stdout().write(HeaderJson.render(header).getBytes(StandardCharsets.UTF_8));
      io.stdout().flush();
    } catch (IOException e) {
      throw Failures.writing("stdout", e);
    }
    return ExitCode.OK.code();
  }
}
