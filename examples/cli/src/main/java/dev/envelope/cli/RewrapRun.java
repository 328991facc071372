package dev.envelope.cli;

import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.PolicyViolationException;
import dev.envelope.RewrapRequest;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Runs {@code rewrap} over one message or a tree of them. Each output goes through a {@link Sink},
 * so it appears only complete; in a tree, a failed file is reported on its own line and the others
 * go on.
 */
final class RewrapRun {
  private final Io io;
  private final boolean quiet;
  private final Envelope envelope;
  private final EncryptionContext expected;
  private final RewrapRequest request;
  private final Function<PolicyViolationException, RuntimeException> refusal;

  /** {@code refusal} turns a policy refusal into what to report (the command's commitment line). */
  RewrapRun(Io io, boolean quiet, Envelope envelope, EncryptionContext expected, RewrapRequest request,
      Function<PolicyViolationException, RuntimeException> refusal) {
    this.io = io;
    this.quiet = quiet;
    this.envelope = envelope;
    this.expected = expected;
    this.request = request;
    this.refusal = refusal;
  }

  /** Rewraps {@code in} (a file, {@code -} or a directory) into {@code out}. */
  ExitCode run(String in, String out) {
    if (!"-".equals(in) && Files.isDirectory(Path.of(in))) {
      return tree(Path.of(in), out);
    }
    try (Source source = Source.open(in, io.stdin());
        Progress progress = Progress.of(io, quiet, "rewrapping", source.size())) {
      one(source, out, progress);
    }
    return ExitCode.OK;
  }

  private void one(Source source, String out, Progress progress) {
    try (Sink sink = Sink.open(out, io.stdout())) {
      InputStream input = reading(progress.counting(source.stream()), source.description());
      OutputStream output = writing(sink.stream(), sink.description());
      try {
        envelope.rewrap(input, output, expected, request);
        output.flush();
      } catch (PolicyViolationException e) {
        throw refusal.apply(e);
      } catch (IllegalArgumentException e) {
        throw new CliFailure(ExitCode.USAGE,
            e.getMessage().replace("(RewrapRequest...reencrypt())", "(add --reencrypt)"), e);
      } catch (UncheckedIOException e) {
        throw Failures.readingInput(source.description(), e);
      } catch (IOException e) {
        throw Failures.writing(sink.description(), e);
      }
      sink.commit();
    }
  }

  private ExitCode tree(Path inDir, String out) {
    if ("-".equals(out)) {
      throw new CliFailure(ExitCode.USAGE, "--in is a directory: give a directory to --out, not -");
    }
    Path outDir = Path.of(out);
    if (Files.exists(outDir) && !Files.isDirectory(outDir)) {
      throw new CliFailure(ExitCode.OUTPUT, "--out '" + out + "' is a file; with --in DIR give a directory");
    }
    Path inReal;
    try {
      inReal = inDir.toRealPath();
      Files.createDirectories(outDir);
      if (outDir.toRealPath().startsWith(inReal)) {
        throw new CliFailure(ExitCode.USAGE,
            "--out '" + out + "' is inside --in; give a directory outside the tree being rewrapped");
      }
    } catch (IOException e) {
      throw Failures.writing("output directory '" + out + "'", e);
    }
    List<Path> files = files(inDir);
    long total = 0;
    for (Path file : files) {
      total += sizeOf(file);
    }
    ExitCode first = ExitCode.OK;
    int failed = 0;
    try (Progress progress = Progress.of(io, quiet, "rewrapping " + files.size() + " files", total)) {
      for (Path file : files) {
        Path relative = inDir.relativize(file);
        Path target = outDir.resolve(relative.toString());
        try {
          Files.createDirectories(target.getParent());
          try (Source source = Source.open(file.toString(), io.stdin())) {
            one(source, target.toString(), progress);
          }
        } catch (IOException | RuntimeException e) {
          CliFailure failure = e instanceof IOException
              ? Failures.writing("directory of '" + target + "'", (IOException) e) : Failures.classify(e);
          failed++;
          if (first == ExitCode.OK) {
            first = failure.exitCode();
          }
          io.stderr().println("envelope: " + relative + ": " + Failures.oneLine(failure.getMessage()));
        }
      }
    }
    io.stderr().println("envelope: rewrapped " + (files.size() - failed) + " of " + files.size()
        + " files" + (failed == 0 ? "" : "; " + failed + " failed (listed above), their outputs were not written"));
    io.stderr().flush();
    return first;
  }

  private static List<Path> files(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      List<Path> files = new ArrayList<>();
      walk.filter(Files::isRegularFile).sorted().forEach(files::add);
      return files;
    } catch (IOException | UncheckedIOException e) {
      throw new CliFailure(ExitCode.INPUT, "cannot list --in '" + dir + "': " + e.getMessage(), e);
    }
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  /** Read failures become {@link ExitCode#INPUT} failures that pass through the library unchanged. */
  private static InputStream reading(InputStream in, String description) {
    return new FilterInputStream(in) {
      @Override
      public int read() {
        try {
          return in.read();
        } catch (IOException e) {
          throw Failures.reading(ExitCode.INPUT, description, e);
        }
      }

      @Override
      public int read(byte[] b, int off, int len) {
        try {
          return in.read(b, off, len);
        } catch (IOException e) {
          throw Failures.reading(ExitCode.INPUT, description, e);
        }
      }
    };
  }

  /** Write failures become {@link ExitCode#OUTPUT} failures that pass through the library unchanged. */
  private static OutputStream writing(OutputStream out, String description) {
    return new FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) {
        try {
          out.write(b, off, len);
        } catch (IOException e) {
          throw Failures.writing(description, e);
        }
      }

      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }
    };
  }
}
