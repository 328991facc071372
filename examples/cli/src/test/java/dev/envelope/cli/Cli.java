package dev.envelope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Runs the CLI in-process, as {@code main} would, against in-memory stdin, stdout and stderr. */
final class Cli {
  private Cli() {}

  /** What one run produced. */
  record Result(int status, byte[] stdout, String stderr) {
    String stdoutText() {
      return new String(stdout, StandardCharsets.UTF_8);
    }

    List<String> stderrLines() {
      return stderr.lines().toList();
    }

    @Override
    public String toString() {
      return "status " + status + ", stderr: " + stderr;
    }
  }

  static Result run(String... args) {
    return run(new byte[0], args);
  }

  static Result run(byte[] stdin, String... args) {
    return run(stdin, false, "UTF-8", Io.DEFAULT_PROGRESS_THRESHOLD, args);
  }

  static Result run(byte[] stdin, boolean tty, String argumentEncoding, long progressThreshold, String... args) {
    return run(stdin, tty, argumentEncoding, progressThreshold, Map.of(), args);
  }

  /** Runs with {@code environment} as the process environment (for passphrases and PINs). */
  static Result runWithEnv(Map<String, String> environment, String... args) {
    return run(new byte[0], false, "UTF-8", Io.DEFAULT_PROGRESS_THRESHOLD, environment, args);
  }

  static Result run(byte[] stdin, boolean tty, String argumentEncoding, long progressThreshold,
      Map<String, String> environment, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintWriter errWriter = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    Io io = new Io(new ByteArrayInputStream(stdin), out, errWriter, tty, argumentEncoding, progressThreshold,
        environment);
    int status = EnvelopeCli.run(args, io);
    errWriter.flush();
    return new Result(status, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
  }

  /** Asserts success with nothing on stderr. */
  static void assertSuccess(Result r) {
    assertEquals(0, r.status(), () -> "expected success, got " + r);
    assertEquals("", r.stderr(), "a successful run prints nothing on stderr");
  }

  /**
   * Asserts a failure: the exit status, exactly one stderr line that starts with "envelope: " and
   * contains each fragment, and nothing on stdout.
   */
  static void assertFailure(Result r, ExitCode expected, String... fragments) {
    assertEquals(expected.code(), r.status(), () -> "expected " + expected + ", got " + r);
    List<String> lines = r.stderrLines();
    assertEquals(1, lines.size(), () -> "expected exactly one stderr line, got: " + r.stderr());
    String line = lines.get(0);
    assertTrue(line.startsWith("envelope: "), () -> "stderr line: " + line);
    for (String fragment : fragments) {
      assertTrue(line.contains(fragment), () -> "stderr line lacks '" + fragment + "': " + line);
    }
    assertEquals(0, r.stdout().length, "a failure writes nothing on stdout");
  }

  /** Asserts that neither {@code out} nor any temporary file of the CLI is left in its directory. */
  static void assertNoOutputLeft(Path out) {
    assertFalse(Files.exists(out), () -> out + " must not exist after a failure");
    try (Stream<Path> files = Files.list(out.toAbsolutePath().getParent())) {
      List<Path> partial = files.filter(p -> p.getFileName().toString().startsWith(".envelope-")).toList();
      assertTrue(partial.isEmpty(), () -> "temporary files left behind: " + partial);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
