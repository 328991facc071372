package dev.envelope.testkit.internal;

import dev.envelope.pkcs11.Pkcs11Config;
import dev.envelope.pkcs11.Pkcs11Token;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The test JVM's SoftHSM2: one scratch configuration at the path in {@code SOFTHSM2_CONF} (never
 * under {@code /etc}, never a file the kit did not write), a token directory beside it and one
 * token, {@value #TOKEN_LABEL}, with random PINs, created with {@code softhsm2-util} before this
 * JVM loads the library (SoftHSM reads its tokens when the library is initialized, and SunPKCS11
 * never unloads it) and opened once. Fixtures add and remove keys in that token. A second token,
 * {@value #UNOPENED_TOKEN_LABEL}, with the same PIN, is never opened by the kit.
 */
public final class SoftHsmInstallation {
  /** The system property that makes SoftHSM2 tests fail, instead of skip, when it is missing. */
  public static final String REQUIRED_PROPERTY = "envelope.testkit.softhsm.required";
  /** The label of the kit's token. */
  public static final String TOKEN_LABEL = "envelope-testkit";
  /** The label of the kit's token that it never logs in to (for wrong-PIN tests). */
  public static final String UNOPENED_TOKEN_LABEL = "envelope-testkit-unopened";

  private static final String MARKER = "# written by envelope-testkit; the token directory beside it is deleted on each run";
  private static final List<Path> LIBRARY_CANDIDATES = List.of(
      Path.of("/usr/lib/softhsm/libsofthsm2.so"),
      Path.of("/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"),
      Path.of("/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so"),
      Path.of("/usr/lib64/pkcs11/libsofthsm2.so"),
      Path.of("/usr/lib64/softhsm/libsofthsm2.so"),
      Path.of("/usr/local/lib/softhsm/libsofthsm2.so"),
      Path.of("/opt/homebrew/lib/softhsm/libsofthsm2.so"));
  private static final String INSTALL_HINT = "install SoftHSM2 (apt-get install softhsm2 on Debian/Ubuntu,"
      + " dnf install softhsm on Fedora, brew install softhsm on macOS)";

  private static Object instance; // the installation, or the Throwable that prevented it

  private final Path library;
  private final Path configuration;
  private final char[] pin;
  private final Pkcs11Token token;
  private final AtomicLong labels = new AtomicLong();
  private Integer slotIndex; // guarded by this

  private SoftHsmInstallation(Path library, Path configuration, char[] pin, Pkcs11Token token) {
    this.library = library;
    this.configuration = configuration;
    this.pin = pin;
    this.token = token;
  }

  /**
   * Why SoftHSM2 cannot be used in this JVM (not installed, or {@code SOFTHSM2_CONF} unset), or
   * empty if it can.
   */
  public static Optional<String> unavailableReason() {
    String util = findOnPath("softhsm2-util");
    Path library = findLibrary();
    if (util == null || library == null) {
      String missing = (util == null ? "softhsm2-util is not on the PATH" : "")
          + (util == null && library == null ? " and " : "")
          + (library == null ? "libsofthsm2.so is in none of " + LIBRARY_CANDIDATES + " (set SOFTHSM2_LIB to its path)" : "");
      return Optional.of("SoftHSM2 is not installed: " + missing + "; " + INSTALL_HINT);
    }
    String conf = System.getenv("SOFTHSM2_CONF");
    if (conf == null || conf.isBlank()) {
      return Optional.of("SOFTHSM2_CONF is not set in the test JVM's environment. SoftHSM2 reads it when"
          + " its library loads, so the build must set it: in Maven, maven-surefire-plugin"
          + " <configuration><environmentVariables><SOFTHSM2_CONF>${project.build.directory}/softhsm/softhsm2.conf"
          + "</SOFTHSM2_CONF></environmentVariables>; the kit writes that file and its token beside it");
    }
    return Optional.empty();
  }

  /**
   * Whether the build says SoftHSM2 tests must run: the system property {@value
   * #REQUIRED_PROPERTY} is {@code true}, or it is unset and the environment variable {@code CI} is
   * set (and not {@code false}).
   */
  public static boolean required() {
    return required(System.getProperty(REQUIRED_PROPERTY), System.getenv("CI"));
  }

  /** {@link #required()} for a value of the property and of {@code CI} (either may be null). */
  public static boolean required(String property, String ci) {
    if (property != null && !property.isBlank()) {
      return Boolean.parseBoolean(property.strip());
    }
    return ci != null && !ci.isBlank() && !ci.strip().equalsIgnoreCase("false");
  }

  /** Why {@link #required()} holds, for messages. */
  public static String whyRequired() {
    String property = System.getProperty(REQUIRED_PROPERTY);
    return property != null && !property.isBlank()
        ? "the system property " + REQUIRED_PROPERTY + " is " + property.strip()
        : "the environment variable CI is set (set -D" + REQUIRED_PROPERTY + "=false to allow skipping)";
  }

  /**
   * The installation, set up on first call.
   *
   * @throws IllegalStateException if SoftHSM2 is unavailable or could not be set up (every call)
   */
  public static synchronized SoftHsmInstallation get() {
    if (instance == null) {
      try {
        instance = setUp();
      } catch (Exception | Error e) {
        instance = e;
      }
    }
    if (instance instanceof SoftHsmInstallation) {
      return (SoftHsmInstallation) instance;
    }
    Throwable failure = (Throwable) instance;
    throw new IllegalStateException(failure.getMessage(), failure);
  }

  private static SoftHsmInstallation setUp() throws IOException, InterruptedException {
    Optional<String> unavailable = unavailableReason();
    if (unavailable.isPresent()) {
      throw new IllegalStateException(unavailable.get());
    }
    Path configuration = Path.of(System.getenv("SOFTHSM2_CONF")).toAbsolutePath().normalize();
    if (configuration.startsWith("/etc")) {
      throw new IllegalStateException("SOFTHSM2_CONF points to " + configuration + "; the test kit writes its own"
          + " configuration and will not touch the system's: point it to a scratch path such as"
          + " target/softhsm/softhsm2.conf");
    }
    if (Files.exists(configuration) && !isOurs(configuration)) {
      throw new IllegalStateException("SOFTHSM2_CONF points to " + configuration + ", which the test kit did not"
          + " write; it will not overwrite it or the tokens beside it: point SOFTHSM2_CONF to a scratch path"
          + " such as target/softhsm/softhsm2.conf");
    }
    Path tokens = configuration.resolveSibling("tokens");
    Directories.deleteRecursively(tokens);
    Files.createDirectories(tokens);
    Files.writeString(configuration, MARKER + "\ndirectories.tokendir = " + tokens + "\n"
        + "objectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n", StandardCharsets.UTF_8);

    SecureRandom random = new SecureRandom();
    String userPin = randomPin(random);
    String soPin = randomPin(random);
    run(configuration, "--init-token", "--free", "--label", TOKEN_LABEL, "--so-pin", soPin, "--pin", userPin);
    run(configuration, "--init-token", "--free", "--label", UNOPENED_TOKEN_LABEL, "--so-pin", soPin, "--pin", userPin);
    char[] pin = userPin.toCharArray();
    Path library = findLibrary();
    Pkcs11Token token;
    try {
      token = Pkcs11Token.open(config(library, pin));
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot open the test kit's SoftHSM2 token '" + TOKEN_LABEL + "' (" + e.getMessage()
          + "); if something in this JVM loaded " + library + " before the kit created its token, SoftHSM2"
          + " cannot see the token: let the kit's fixture be the first to use SoftHSM2", e);
    }
    return new SoftHsmInstallation(library, configuration, pin, token);
  }

  private static boolean isOurs(Path configuration) throws IOException {
    List<String> lines = Files.readAllLines(configuration, StandardCharsets.UTF_8);
    return !lines.isEmpty() && lines.get(0).equals(MARKER);
  }

  private static String randomPin(SecureRandom random) {
    byte[] bytes = new byte[8];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static Pkcs11Config config(Path library, char[] pin) {
    return Pkcs11Config.builder().library(library).tokenLabel(TOKEN_LABEL).pin(pin::clone).build();
  }

  /** What {@code softhsm2-util} printed (stdout and stderr); fails unless it exits with 0. */
  private static String run(Path configuration, String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(findOnPath("softhsm2-util"));
    command.addAll(List.of(arguments));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("SOFTHSM2_CONF", configuration.toString());
    Process process = pb.start();
    process.getOutputStream().close();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("softhsm2-util " + arguments[0] + " did not finish in 60 s");
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException("softhsm2-util " + arguments[0] + " failed with exit code "
          + process.exitValue() + ": " + new String(output, StandardCharsets.UTF_8).strip());
    }
    return new String(output, StandardCharsets.UTF_8);
  }

  /**
   * The position of the token labelled {@code label} in the library's slot list, in the order of
   * {@code C_GetSlotList} as {@code softhsm2-util --show-slots} lists it.
   */
  static int slotIndex(String showSlots, String label) {
    int index = -1;
    for (String line : showSlots.split("\n")) {
      String t = line.strip();
      if (t.startsWith("Slot ") && !t.startsWith("Slot info")) {
        index++;
      } else if (index >= 0 && t.startsWith("Label:") && t.substring("Label:".length()).strip().equals(label)) {
        return index;
      }
    }
    throw new IllegalStateException("softhsm2-util --show-slots lists no token labelled " + label);
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
    List<Path> candidates = new ArrayList<>();
    String override = System.getenv("SOFTHSM2_LIB");
    if (override != null && !override.isBlank()) {
      candidates.add(Path.of(override));
    }
    candidates.addAll(LIBRARY_CANDIDATES);
    return candidates.stream().filter(Files::isRegularFile).findFirst().orElse(null);
  }

  /** The SoftHSM2 PKCS#11 library. */
  public Path library() {
    return library;
  }

  /** The configuration file, the value of {@code SOFTHSM2_CONF}. */
  public Path configuration() {
    return configuration;
  }

  /** A copy of the token's user PIN. */
  public char[] pin() {
    return pin.clone();
  }

  /** The token, opened and logged in once for the JVM. */
  public Pkcs11Token token() {
    return token;
  }

  /**
   * The position of the kit's token in the library's slot list (the order of {@code
   * C_GetSlotList}), read once from {@code softhsm2-util --show-slots}.
   */
  public synchronized int slotIndex() {
    if (slotIndex == null) {
      try {
        slotIndex = slotIndex(run(configuration, "--show-slots"), TOKEN_LABEL);
      } catch (IOException e) {
        throw new IllegalStateException("softhsm2-util --show-slots failed: " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while running softhsm2-util --show-slots", e);
      }
    }
    return slotIndex;
  }

  /** A configuration that opens the token; each PIN request gets a fresh copy. */
  public Pkcs11Config config() {
    return config(library, pin);
  }

  /** A key label not used before in this JVM, e.g. {@code testkit-aes-3}. */
  public String newLabel(String kind) {
    return "testkit-" + kind + "-" + labels.incrementAndGet();
  }
}
