package dev.envelope.testing;

import dev.envelope.local.pkcs11.Pkcs11Config;
import dev.envelope.local.pkcs11.Pkcs11Token;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real SoftHSM2 for the examples' PKCS#11 tests, set up once per JVM before anything loads the
 * library (SoftHSM reads its tokens when the library is initialized): its own configuration file
 * at the path in {@code SOFTHSM2_CONF} (examples/pom.xml sets it to {@code target/softhsm/softhsm2.conf};
 * CLI processes started by the tests inherit it) and fresh tokens made with {@code softhsm2-util}.
 *
 * <ul>
 *   <li>{@link #CLI_TOKEN}: an AES key {@link #AES_KEY} and an RSA key pair {@link #RSA_KEY},
 *       generated in the token (non-extractable).
 *   <li>{@link #PIN_TOKEN}: never logged in to with the right PIN. PKCS#11 login state is per
 *       process, so a wrong PIN can only be seen on a token this JVM has not logged in to.
 *   <li>{@link #SAMPLE_TOKEN}, {@link #SAMPLE_MAIN_TOKEN}: empty, for the PKCS#11 sample to create
 *       its own key in (one per test, so neither depends on the other's order).
 * </ul>
 *
 * When SoftHSM2 is missing the tests fail, never skip: with an install hint, and saying so plainly
 * when the {@code CI} variable is set.
 */
public final class SoftHsm {
  public static final String CLI_TOKEN = "cli-main";
  public static final String PIN_TOKEN = "cli-pin";
  public static final String SAMPLE_TOKEN = "sample";
  public static final String SAMPLE_MAIN_TOKEN = "sample-main";
  /** The user PIN of every token (TEST ONLY). */
  public static final String USER_PIN = "test-user-pin-4321";
  private static final String SO_PIN = "test-so-pin-8765";

  public static final String AES_KEY = "cli-aes";
  public static final String RSA_KEY = "cli-rsa";

  private static final List<Path> LIBRARY_CANDIDATES = List.of(
      Path.of("/usr/lib/softhsm/libsofthsm2.so"),
      Path.of("/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"),
      Path.of("/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so"),
      Path.of("/usr/lib64/pkcs11/libsofthsm2.so"),
      Path.of("/usr/local/lib/softhsm/libsofthsm2.so"),
      Path.of("/opt/homebrew/lib/softhsm/libsofthsm2.so"));

  private static final Object SETUP;

  static {
    Object result;
    try {
      result = new SoftHsm();
    } catch (Throwable t) {
      result = t;
    }
    SETUP = result;
  }

  private final Path library;
  private final String softhsmUtil;
  private final Path configuration;

  /** The fixture; fails the calling test (every time) if SoftHSM2 could not be set up. */
  public static SoftHsm get() {
    if (SETUP instanceof SoftHsm) {
      return (SoftHsm) SETUP;
    }
    Throwable failure = (Throwable) SETUP;
    throw new AssertionError(failure.getMessage(), failure);
  }

  private SoftHsm() throws Exception {
    softhsmUtil = findOnPath("softhsm2-util");
    library = findLibrary();
    if (softhsmUtil == null || library == null) {
      String missing = (softhsmUtil == null ? "softhsm2-util is not on the PATH" : "")
          + (softhsmUtil == null && library == null ? " and " : "")
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
          + " Maven (examples/pom.xml points it to target/softhsm/softhsm2.conf), or set it to a scratch path of your own");
    }
    configuration = Path.of(conf).toAbsolutePath();
    if (configuration.startsWith("/etc")) {
      throw new IllegalStateException("SOFTHSM2_CONF points to " + configuration + "; the tests write their own"
          + " configuration and will not touch the system's: point it to a scratch path");
    }
    Path tokens = configuration.resolveSibling("tokens");
    deleteRecursively(tokens);
    Files.createDirectories(tokens);
    Files.writeString(configuration, "directories.tokendir = " + tokens + "\n"
        + "objectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n", StandardCharsets.UTF_8);
    for (String label : List.of(CLI_TOKEN, PIN_TOKEN, SAMPLE_TOKEN, SAMPLE_MAIN_TOKEN)) {
      run(softhsmUtil, "--init-token", "--free", "--label", label, "--so-pin", SO_PIN, "--pin", USER_PIN);
    }
    Pkcs11Token token = Pkcs11Token.open(config(CLI_TOKEN).build());
    token.createAesKey(AES_KEY);
    token.createRsaKeyPair(RSA_KEY, 2048);
  }

  /** The SoftHSM2 PKCS#11 library. */
  public Path library() {
    return library;
  }

  /** The environment a CLI process needs to reach these tokens (their configuration file). */
  public Map<String, String> environment() {
    return Map.of("SOFTHSM2_CONF", configuration.toString());
  }

  /** A configuration for the token labelled {@code label}, with the test user PIN. */
  public Pkcs11Config.Builder config(String label) {
    return Pkcs11Config.builder().library(library).tokenLabel(label).pin(USER_PIN::toCharArray);
  }

  /**
   * The position of the token labelled {@code label} in the library's slot list, as {@code
   * softhsm2-util --show-slots} lists the slots (the order of {@code C_GetSlotList}).
   */
  public int slotIndex(String label) {
    try {
      String[] lines = run(softhsmUtil, "--show-slots").split("\n");
      int index = -1;
      for (String line : lines) {
        String t = line.strip();
        if (t.startsWith("Slot ") && !t.startsWith("Slot info")) {
          index++;
        } else if (t.startsWith("Label:") && t.substring("Label:".length()).strip().equals(label)) {
          return index;
        }
      }
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("softhsm2-util --show-slots failed", e);
    }
    throw new IllegalStateException("no slot holds a token labelled " + label);
  }

  private String run(String... command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("SOFTHSM2_CONF", configuration.toString());
    Process process = pb.start();
    process.getOutputStream().close();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(command[0] + " did not finish in 60 s");
    }
    String text = new String(output, StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      throw new IllegalStateException(command[0] + " " + command[1] + " failed with exit code " + process.exitValue()
          + ": " + text.strip());
    }
    return text;
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
