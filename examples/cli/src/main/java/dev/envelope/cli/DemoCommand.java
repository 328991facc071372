package dev.envelope.cli;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code envelope demo}: the whole idea in a few seconds, on a local key store in a temporary directory. */
@Command(
    name = "demo",
    sortOptions = false,
    header = "Show envelope encryption end to end on a local key store: no cloud, no HSM.",
    mixinStandardHelpOptions = true,
    versionProvider = EnvelopeCli.Version.class,
    description = {
        "In a new temporary directory: creates a key store and a key, encrypts a sample file with an"
            + " encryption context, shows the message header, decrypts it, shows that a wrong context, a"
            + " flipped byte and a context the key's policy forbids are refused (leaving no output file),"
            + " rotates the key, decrypts the old message, and verifies the audit trail's hash chain. One"
            + " line per step; every line reports what actually happened.",
        "",
        "The directory is removed at the end unless --keep or --dir is given. The demo key store's"
            + " passphrase is fixed and printed: it is for the demo only.",
        ""
    })
final class DemoCommand implements Callable<Integer> {
  private final Io io;

  @Option(names = "--keep", order = 1, description = "Keep the temporary directory, to look at the files and"
      + " try the other commands on the demo key store.")
  boolean keep;

  @Option(names = "--dir", paramLabel = "DIR", order = 2,
      description = "Run in DIR (absent or empty) instead of a temporary directory; DIR is kept.")
  Path dir;

  DemoCommand(Io io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    Path work = workDirectory();
    boolean remove = !keep && dir == null;
    PrintWriter out = new PrintWriter(new OutputStreamWriter(io.stdout(), StandardCharsets.UTF_8), true);
    try {
      Demo.run(work, out);
    } finally {
      if (remove) {
        deleteRecursively(work);
      }
    }
    if (remove) {
      out.println("removed " + work + " (run 'envelope demo --keep' to keep it and try the other commands)");
    } else {
      Path store = work.resolve("keystore");
      out.println("kept " + work + "; try: " + KeyStores.PASSPHRASE_VARIABLE + "='" + Demo.PASSPHRASE
          + "' bin/envelope keys list --keystore " + store);
    }
    out.flush();
    return ExitCode.OK.code();
  }

  private Path workDirectory() {
    if (dir == null) {
      try {
        return Files.createTempDirectory("envelope-demo-");
      } catch (IOException e) {
        throw Failures.writing("a temporary directory", e);
      }
    }
    if (Files.exists(dir)) {
      if (!Files.isDirectory(dir)) {
        throw new CliFailure(ExitCode.USAGE, "--dir '" + dir + "' is a file; give an absent or empty directory");
      }
      try (Stream<Path> entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          throw new CliFailure(ExitCode.USAGE, "--dir '" + dir + "' is not empty; give an absent or empty directory");
        }
      } catch (IOException e) {
        throw Failures.reading(ExitCode.OUTPUT, "--dir '" + dir + "'", e);
      }
    }
    return dir.toAbsolutePath();
  }

  private static void deleteRecursively(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // Best effort: the directory is under the system's temporary directory and named envelope-demo-*.
    }
  }
}
