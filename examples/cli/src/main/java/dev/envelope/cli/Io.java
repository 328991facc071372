package dev.envelope.cli;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What the CLI talks to: binary stdin and stdout (for {@code -}), a text stderr, whether stderr is
 * a terminal (for the progress bar), and the charset the JVM decoded the arguments with. Tests
 * build one around in-memory streams.
 *
 * @param stdin read by {@code --in -}
 * @param stdout written by {@code --out -} and by commands that print (inspect, help)
 * @param stderr the one line of a failure, warnings, the progress bar
 * @param stderrIsTerminal whether a progress bar may be drawn
 * @param argumentEncoding the value of {@code sun.jnu.encoding} the arguments were decoded with
 * @param progressThreshold inputs of at least this many bytes get a progress bar
 * @param environment the process environment, where secrets such as the key store passphrase
 *     ({@code ENVELOPE_KEYSTORE_PASSPHRASE}) and the PKCS#11 PIN ({@code ENVELOPE_PKCS11_PIN}) are
 *     read from
 */
record Io(
    InputStream stdin,
    OutputStream stdout,
    PrintWriter stderr,
    boolean stderrIsTerminal,
    String argumentEncoding,
    long progressThreshold,
    Map<String, String> environment) {

  /** Inputs this large get a progress bar when stderr is a terminal. */
  static final long DEFAULT_PROGRESS_THRESHOLD = 64L << 20;

  Io {
    Objects.requireNonNull(stdin, "stdin");
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
    environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
  }

  /** Never shows the environment: it may hold the passphrase or the PIN. */
  @Override
  public String toString() {
    return "Io[stderrIsTerminal=" + stderrIsTerminal + ", argumentEncoding=" + argumentEncoding + "]";
  }

  /**
   * The process's own streams. Uses the raw file descriptors, so binary data on stdout is not
   * touched by any charset, and writes stderr in UTF-8 (key names and paths can be any Unicode).
   */
  static Io system() {
    return new Io(
        new FileInputStream(FileDescriptor.in),
        new FileOutputStream(FileDescriptor.out),
        new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8), true),
        detectStderrTerminal(),
        System.getProperty("sun.jnu.encoding"),
        DEFAULT_PROGRESS_THRESHOLD,
        System.getenv());
  }

  /**
   * Whether file descriptor 2 is a terminal. bin/envelope tells us ({@code -Denvelope.stderr.tty},
   * from the shell's {@code [ -t 2 ]}); otherwise Linux's /proc says where fd 2 points.
   */
  private static boolean detectStderrTerminal() {
    String told = System.getProperty("envelope.stderr.tty");
    if (told != null) {
      return Boolean.parseBoolean(told);
    }
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (Exception e) {
      return false;
    }
  }
}
