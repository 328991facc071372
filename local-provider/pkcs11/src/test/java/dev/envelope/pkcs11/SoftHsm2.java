package dev.envelope.pkcs11;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A scratch SoftHSM2 installation for tests, shared by every module that tests against a real token
 * (through local-provider's test jar): finds {@code softhsm2-util} and the library, writes a
 * configuration at the path in the JVM's {@code SOFTHSM2_CONF} (never under {@code /etc}) with an
 * empty token directory beside it, and creates tokens. SoftHSM reads its tokens when the library is
 * first initialized, so prepare it, and create every token, before anything loads the library.
 *
 * <p>When SoftHSM2 is missing it fails, never skips: with an install hint, and saying so plainly
 * when the {@code CI} variable is set.
 */
public final class SoftHsm2 {
  private static final List<Path> LIBRARY_CANDIDATES = List.of(
      Path.of("/usr/lib/softhsm/libsofthsm2.so"),
      Path.of("/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"),
      Path.of("/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so"),
      Path.of("/usr/lib64/pkcs11/libsofthsm2.so"),
      Path.of("/usr/local/lib/softhsm/libsofthsm2.so"),
      Path.of("/opt/homebrew/lib/softhsm/libsofthsm2.so"));

  private final String util;
  private final Path library;
  private final Path configuration;
  private final Path tokenDirectory;

  private SoftHsm2(String util, Path library, Path configuration, Path tokenDirectory) {
    this.util = util;
    this.library = library;
    this.configuration = configuration;
    this.tokenDirectory = tokenDirectory;
  }

  /**
   * Writes a fresh configuration with an empty token directory.
   *
   * @param pom the module whose surefire configuration sets {@code SOFTHSM2_CONF}, for the message
   *     when it is missing
   * @throws IllegalStateException if SoftHSM2 or {@code SOFTHSM2_CONF} is missing or unsafe
   */
  public static SoftHsm2 prepare(String pom) throws IOException {
    String util = findOnPath("softhsm2-util");
    Path library = findLibrary();
    if (util == null || library == null) {
      String missing = (util == null ? "softhsm2-util is not on the PATH" : "")
          + (util == null && library == null ? " and " : "")
          + (library == null ? "libsofthsm2.so is in none of " + LIBRARY_CANDIDATES + " (or set SOFTHSM2_LIB)" : "");
      String hint = "install SoftHSM2: apt-get install softhsm2 (Debian/Ubuntu), dnf install softhsm (Fedora),"
          + " brew install softhsm (macOS); scripts/test installs it when missing";
      if (System.getenv("CI") != null) {
        throw new IllegalStateException("CI: the PKCS#11 tests need SoftHSM2 and must run here, but " + missing + "; " + hint);
      }
      throw new IllegalStateException("the PKCS#11 tests need SoftHSM2, but " + missing + "; " + hint);
    }
    String conf = System.getenv("SOFTHSM2_CONF");
    if (conf == null || conf.isBlank()) {
      throw new IllegalStateException("SOFTHSM2_CONF is not set in the test JVM's environment: run the tests through"
          + " Maven (" + pom + " points it to target/softhsm/softhsm2.conf), or set it to a scratch path of your own"
          + " (the tests overwrite that file and the tokens beside it)");
    }
    Path configuration = Path.of(conf).toAbsolutePath();
    if (configuration.startsWith("/etc")) {
      throw new IllegalStateException("SOFTHSM2_CONF points to " + configuration + "; the tests write their own"
          + " configuration and will not touch the system's: point it to a scratch path");
    }
    Path tokens = configuration.resolveSibling("tokens");
    deleteRecursively(tokens);
    Files.createDirectories(tokens);
    Files.writeString(configuration, "directories.tokendir = " + tokens + "\n"
        + "objectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n", StandardCharsets.UTF_8);
    return new SoftHsm2(util, library, configuration, tokens);
  }

  /** Creates a token in the first free slot. */
  public void initToken(String label, String soPin, String userPin) throws IOException, InterruptedException {
    run("--init-token", "--free", "--label", label, "--so-pin", soPin, "--pin", userPin);
  }

  /** Runs {@code softhsm2-util} with this configuration and returns its output. */
  public String run(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(util);
    command.addAll(List.of(arguments));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("SOFTHSM2_CONF", configuration.toString());
    Process process = pb.start();
    process.getOutputStream().close();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("softhsm2-util did not finish in 60 s");
    }
    String text = new String(output, StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      throw new IllegalStateException("softhsm2-util " + arguments[0] + " failed with exit code "
          + process.exitValue() + ": " + text.strip());
    }
    return text;
  }

  /** The SoftHSM2 PKCS#11 library. */
  public Path library() {
    return library;
  }

  /** The configuration file (the value of {@code SOFTHSM2_CONF}). */
  public Path configuration() {
    return configuration;
  }

  /** The directory holding the tokens. */
  public Path tokenDirectory() {
    return tokenDirectory;
  }

  private static String findOnPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }

  private static Path findLibrary() {
    String override = System.getenv("SOFTHSM2_LIB");
    List<Path> candidates = new ArrayList<>();
    if (override != null && !override.isBlank()) {
      candidates.add(Path.of(override));
    }
    candidates.addAll(LIBRARY_CANDIDATES);
    return candidates.stream().filter(Files::isRegularFile).findFirst().orElse(null);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}
