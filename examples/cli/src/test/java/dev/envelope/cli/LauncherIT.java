package dev.envelope.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.Envelope;
import dev.envelope.UnauthenticatedHeader;
import dev.envelope.local.AuditLog;
import dev.envelope.local.AuditRecord;
import dev.envelope.testkit.junit.KeyStoreFixture;
import dev.envelope.testkit.junit.SoftHsmFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Runs the real {@code bin/envelope} and the packaged jar as processes (after {@code package}, in
 * {@code mvn verify}). Commands are written to a UTF-8 script and run by bash, so non-ASCII
 * arguments reach the child as UTF-8 bytes whatever the locale of this test JVM.
 */
class LauncherIT {
  static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent().getParent();
  static final Path LAUNCHER = ROOT.resolve("bin/envelope");
  static final Path JAR = ROOT.resolve("examples/cli/target/envelope-cli.jar");
  static final String JAVA_HOME = System.getProperty("java.home");

  @TempDir Path dir;
  Path key;
  Path plain;
  byte[] content;

  record Run(int status, byte[] stdout, String stderr) {
    List<String> stderrLines() {
      return stderr.lines().toList();
    }

    @Override
    public String toString() {
      return "status " + status + ", stderr: " + stderr;
    }
  }

  @BeforeEach
  void files() throws IOException {
    assertTrue(Files.isExecutable(LAUNCHER), LAUNCHER + " must be executable");
    assertTrue(Files.isRegularFile(JAR), JAR + " must have been built by the package phase");
    key = TestKeys.aesKeyFile(dir, "aes.key", 32);
    content = TestKeys.randomBytes(50_000);
    plain = Files.write(dir.resolve("plain.txt"), content);
  }

  /** Runs {@code script} with bash in {@code cwd}, JAVA_HOME set to this JVM's. */
  Run bash(Path cwd, Map<String, String> env, String script) throws IOException, InterruptedException {
    Path file = Files.writeString(dir.resolve("script-" + System.nanoTime() + ".sh"),
        "set -e\n" + script + "\n", StandardCharsets.UTF_8);
    ProcessBuilder pb = new ProcessBuilder("bash", file.toString()).directory(cwd.toFile());
    pb.environment().put("JAVA_HOME", JAVA_HOME);
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
    CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the process must finish");
    return new Run(p.exitValue(), out.join(), new String(err.join(), StandardCharsets.UTF_8));
  }

  static byte[] readAll(InputStream in) {
    try (in; ByteArrayOutputStream b = new ByteArrayOutputStream()) {
      in.transferTo(b);
      return b.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String q(Object path) {
    return "'" + path.toString().replace("'", "'\\''") + "'";
  }

  String aes() {
    return " --raw-aes-key " + q(key) + " --key-namespace 'ns ☂/1' --key-name 'ключ 1'";
  }

  @Test
  void launcher_underLcAllC_roundTripsNonAsciiContextUnchanged() throws Exception {
    Path message = dir.resolve("m.env");
    Path back = dir.resolve("back.txt");
    Run enc = bash(dir, Map.of(), "env LC_ALL=C LANG= " + q(LAUNCHER) + " encrypt --in " + q(plain) + " --out " + q(message)
        + " --context 'city=Zürich ✓' --context '名前=値=x'" + aes());
    assertEquals(0, enc.status(), enc::toString);
    assertEquals("", enc.stderr());

    UnauthenticatedHeader header = Envelope.inspectUnauthenticated(Files.readAllBytes(message));
    assertEquals("Zürich ✓", header.storedContext().get("city").orElseThrow(), "stored exactly as typed");
    assertEquals("値=x", header.storedContext().get("名前").orElseThrow());
    assertEquals("ns ☂/1", header.encryptedDataKeys().get(0).providerId());

    Run dec = bash(dir, Map.of(), "env LC_ALL=C LANG= " + q(LAUNCHER) + " decrypt --in " + q(message) + " --out " + q(back)
        + " --context 'city=Zürich ✓'" + aes());
    assertEquals(0, dec.status(), dec::toString);
    assertArrayEquals(content, Files.readAllBytes(back));
  }

  @Test
  void jar_underLcAllC_refusesNonAsciiArguments() throws Exception {
    Path message = dir.resolve("m.env");
    Run r = bash(dir, Map.of(), "env LC_ALL=C LANG= " + q(JAVA_HOME + "/bin/java") + " -jar " + q(JAR)
        + " encrypt --in " + q(plain) + " --out " + q(message) + " --context 'city=Zürich'" + aes()
        + " || exit $?");
    assertEquals(ExitCode.ARGUMENT_ENCODING.code(), r.status(), r::toString);
    assertEquals(1, r.stderrLines().size(), r::stderr);
    assertTrue(r.stderr().startsWith("envelope: argument "), r::stderr);
    assertTrue(r.stderr().contains("LC_ALL=C.UTF-8"), r::stderr);
    assertFalse(Files.exists(message));
  }

  @Test
  void launcher_fromAnotherDirectoryWithRelativePaths_works() throws Exception {
    Path sub = Files.createDirectory(dir.resolve("work dir"));
    Files.copy(plain, sub.resolve("in.txt"));
    Files.copy(key, sub.resolve("k"));
    Run enc = bash(sub, Map.of(), q(LAUNCHER) + " encrypt --in in.txt --out out.env --suite 0x0478"
        + " --raw-aes-key k --key-namespace ns --key-name n");
    assertEquals(0, enc.status(), enc::toString);
    Run dec = bash(sub, Map.of(), q(LAUNCHER) + " decrypt --in out.env --out back.txt"
        + " --raw-aes-key k --key-namespace ns --key-name n");
    assertEquals(0, dec.status(), dec::toString);
    assertArrayEquals(content, Files.readAllBytes(sub.resolve("back.txt")));
  }

  @Test
  void launcher_pipeline_encryptsAndDecryptsThroughStdinAndStdout() throws Exception {
    Run r = bash(dir, Map.of(), "cat " + q(plain) + " | " + q(LAUNCHER) + " encrypt --in - --out - --context a=b" + aes()
        + " | " + q(LAUNCHER) + " decrypt --in - --out - --context a=b" + aes());
    assertEquals(0, r.status(), r::toString);
    assertArrayEquals(content, r.stdout());
  }

  @Test
  void launcher_tamperedMessage_failsWithOneLineAndLeavesNoFile() throws Exception {
    Path message = dir.resolve("m.env");
    assertEquals(0, bash(dir, Map.of(), q(LAUNCHER) + " encrypt --in " + q(plain) + " --out " + q(message) + aes()).status());
    byte[] m = Files.readAllBytes(message);
    m[m.length / 2] ^= 1;
    Files.write(message, m);
    Path back = dir.resolve("back.txt");
    Run r = bash(dir, Map.of(), q(LAUNCHER) + " decrypt --in " + q(message) + " --out " + q(back) + aes() + " || exit $?");
    assertEquals(ExitCode.AUTHENTICATION.code(), r.status(), r::toString);
    assertEquals(1, r.stderrLines().size(), r::stderr);
    assertFalse(Files.exists(back));
    try (Stream<Path> files = Files.list(dir)) {
      assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith(".envelope-")), "no temporary file left");
    }
  }

  @Test
  void launcher_largeFileWithASmallHeap_streamsInConstantMemory() throws Exception {
    Path large = dir.resolve("large.bin");
    byte[] chunk = TestKeys.randomBytes(1 << 20);
    try (var out = Files.newOutputStream(large)) {
      for (int i = 0; i < 64; i++) {
        out.write(chunk);
      }
    }
    Map<String, String> smallHeap = Map.of("ENVELOPE_JAVA_OPTS", "-Xmx24m");
    Path message = dir.resolve("large.env");
    Path back = dir.resolve("large.back");
    Run enc = bash(dir, smallHeap, q(LAUNCHER) + " encrypt --in " + q(large) + " --out " + q(message) + aes());
    assertEquals(0, enc.status(), enc::toString);
    Run dec = bash(dir, smallHeap, q(LAUNCHER) + " decrypt --in " + q(message) + " --out " + q(back) + aes());
    assertEquals(0, dec.status(), dec::toString);
    assertEquals(Files.size(large), Files.size(back));
    assertEquals(StreamingDigest.of(large), StreamingDigest.of(back));
  }

  @Test
  void launcher_help_listsTheCommandsAndExitsZero() throws Exception {
    Run r = bash(dir, Map.of(), q(LAUNCHER) + " --help");
    assertEquals(0, r.status(), r::toString);
    String help = new String(r.stdout(), StandardCharsets.UTF_8);
    assertTrue(help.contains("encrypt") && help.contains("decrypt") && help.contains("inspect")
        && help.contains("keys") && help.contains("kms-server") && help.contains("demo"), help);
    assertTrue(help.contains("Exit status:"), help);
  }

  @Test
  void launcher_demo_exitsZeroWithTenStepsAndRemovesItsDirectory() throws Exception {
    Run r = bash(dir, Map.of(), q(LAUNCHER) + " demo");
    assertEquals(0, r.status(), r::toString);
    assertEquals("", r.stderr());
    List<String> lines = new String(r.stdout(), StandardCharsets.UTF_8).lines().toList();
    assertEquals(11, lines.size(), () -> String.join("\n", lines));
    for (int i = 1; i <= 10; i++) {
      assertTrue(lines.get(i - 1).startsWith("[" + i + "/10] "), lines.get(i - 1));
    }
    assertTrue(lines.get(9).contains("hash chain verified"), lines.get(9));
    String removed = lines.get(10);
    assertTrue(removed.startsWith("removed "), removed);
    Path temp = Path.of(removed.substring("removed ".length(), removed.indexOf(" (run")));
    assertFalse(Files.exists(temp), temp + " must be gone");
  }

  @Test
  void launcher_keyStorePassphraseFromTheEnvironment_roundTrips() throws Exception {
    try (KeyStoreFixture keys = KeyStoreFixture.start(CliKeyStore.KEY, CliKeyStore.PASSPHRASE, b -> {})) {
      Path store = keys.directory();
      Map<String, String> env = CliKeyStore.env();
      Path message = dir.resolve("m.env");
      Path back = dir.resolve("back.txt");
      String keyring = " --keystore " + q(store) + " --key orders";
      Run enc = bash(dir, env, q(LAUNCHER) + " encrypt --in " + q(plain) + " --out " + q(message) + " --context tenant=acme" + keyring);
      assertEquals(0, enc.status(), enc::toString);
      Run dec = bash(dir, env, q(LAUNCHER) + " decrypt --in " + q(message) + " --out " + q(back) + " --context tenant=acme" + keyring);
      assertEquals(0, dec.status(), dec::toString);
      assertArrayEquals(content, Files.readAllBytes(back));
      Run list = bash(dir, env, q(LAUNCHER) + " keys list --keystore " + q(store));
      assertEquals(0, list.status(), list::toString);
      assertTrue(new String(list.stdout(), StandardCharsets.UTF_8).contains("orders"));

      Run wrong = bash(dir, Map.of(KeyStores.PASSPHRASE_VARIABLE, "wrong passphrase"),
          q(LAUNCHER) + " decrypt --in " + q(message) + " --out " + q(dir.resolve("x")) + keyring + " || exit $?");
      assertEquals(ExitCode.KEY_PROVIDER.code(), wrong.status(), wrong::toString);
      assertEquals(1, wrong.stderrLines().size(), wrong::stderr);
      assertFalse(Files.exists(dir.resolve("x")));
    }
  }

  @Test
  void launcher_pkcs11PinFromTheEnvironment_roundTripsAndAWrongPinFails() throws Exception {
    try (SoftHsmFixture hsm = SoftHsmFixture.start()) {
      Map<String, String> env = new java.util.HashMap<>(Map.of("SOFTHSM2_CONF", hsm.softHsmConfiguration().toString()));
      env.put(Pkcs11KeyringOptions.PIN_VARIABLE, new String(hsm.pin()));
      String keyring = " --pkcs11-library " + q(hsm.library()) + " --pkcs11-token " + q(hsm.tokenLabel())
          + " --pkcs11-key " + q(hsm.aesKeyLabel());
      Path message = dir.resolve("m.env");
      Path back = dir.resolve("back.txt");
      Run enc = bash(dir, env, q(LAUNCHER) + " encrypt --in " + q(plain) + " --out " + q(message) + keyring);
      assertEquals(0, enc.status(), enc::toString);
      Run dec = bash(dir, env, q(LAUNCHER) + " decrypt --in " + q(message) + " --out " + q(back) + keyring);
      assertEquals(0, dec.status(), dec::toString);
      assertArrayEquals(content, Files.readAllBytes(back));

      env.put(Pkcs11KeyringOptions.PIN_VARIABLE, "wrong-pin-0000");
      Run wrong = bash(dir, env, q(LAUNCHER) + " decrypt --in " + q(message) + " --out " + q(dir.resolve("x")) + keyring
          + " || exit $?");
      assertEquals(ExitCode.KEY_PROVIDER.code(), wrong.status(), wrong::toString);
      assertEquals(1, wrong.stderrLines().size(), wrong::stderr);
      assertTrue(wrong.stderr().contains("refused the login"), wrong::stderr);
      assertFalse(Files.exists(dir.resolve("x")));
    }
  }

  @Test
  void launcher_kmsServer_servesSignedCallsAndTheCliThenStopsCleanlyOnSigterm() throws Exception {
    Path store = dir.resolve("kms store");
    Map<String, String> env = Map.of(KeyStores.PASSPHRASE_VARIABLE, "the endpoint's passphrase",
        KmsServerSettings.ACCESS_KEY_VARIABLE, "AKIALOCAL0000000001", KmsServerSettings.SECRET_KEY_VARIABLE,
        "local-secret", "AWS_ACCESS_KEY_ID", "AKIALOCAL0000000001", "AWS_SECRET_ACCESS_KEY", "local-secret");
    ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "kms-server", "--port", "0", "--keystore",
        store.toString()).directory(dir.toFile());
    pb.environment().put("JAVA_HOME", JAVA_HOME);
    pb.environment().putAll(env);
    Path stdout = dir.resolve("server.out");
    Path stderr = dir.resolve("server.err");
    pb.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
    Process server = pb.start(); // bin/envelope execs java: SIGTERM reaches the JVM itself
    try {
      server.getOutputStream().close();
      String first = null;
      for (long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2); first == null && System.nanoTime() < deadline; ) {
        String text = Files.readString(stdout);
        if (text.indexOf('\n') >= 0) {
          first = text.substring(0, text.indexOf('\n'));
        } else {
          assertTrue(server.isAlive(), () -> "kms-server ended: " + readQuietly(stderr));
          Thread.sleep(50);
        }
      }
      String line = first;
      assertTrue(line != null && line.startsWith(LocalKmsEndpoint.LISTENING), () -> "first line: " + line);
      String url = line.substring(LocalKmsEndpoint.LISTENING.length(), line.indexOf(' ', LocalKmsEndpoint.LISTENING.length()));

      // One signed call with the AWS SDK's KmsClient...
      String keyArn;
      try (KmsClient kms = KmsClient.builder()
          .endpointOverride(URI.create(url))
          .region(Region.US_EAST_1)
          .credentialsProvider(StaticCredentialsProvider.create(
              AwsBasicCredentials.create("AKIALOCAL0000000001", "local-secret")))
          .httpClientBuilder(UrlConnectionHttpClient.builder())
          .build()) {
        keyArn = kms.createKey(r -> r.description("LauncherIT")).keyMetadata().arn();
      }
      // ...and the CLI's KMS keyring, process to process.
      Path message = dir.resolve("m.env");
      Path back = dir.resolve("back.txt");
      String keyring = " --kms-endpoint " + url + " --kms-key " + keyArn;
      Run enc = bash(dir, env, q(LAUNCHER) + " encrypt --in " + q(plain) + " --out " + q(message)
          + " --context tenant=acme" + keyring);
      assertEquals(0, enc.status(), enc::toString);
      assertEquals("", enc.stderr(), "no SLF4J or SDK chatter on stderr");
      Run dec = bash(dir, env, q(LAUNCHER) + " decrypt --in " + q(message) + " --out " + q(back)
          + " --context tenant=acme" + keyring);
      assertEquals(0, dec.status(), dec::toString);
      assertArrayEquals(content, Files.readAllBytes(back));

      server.destroy(); // SIGTERM
      assertTrue(server.waitFor(1, TimeUnit.MINUTES), "the endpoint stops on SIGTERM");
      String printed = Files.readString(stdout);
      assertEquals(143, server.exitValue(), "the shell's status for SIGTERM: " + printed);
      assertTrue(printed.endsWith(LocalKmsEndpoint.STOPPED + "\n"), printed);
      assertEquals("", Files.readString(stderr));
    } finally {
      server.destroyForcibly();
    }
    // Stopped cleanly: every call is in the store's intact audit log (create, its intent first;
    // generate, decrypt).
    List<AuditRecord> audit = AuditLog.read(store.resolve(AuditLog.FIRST_SEGMENT));
    assertEquals(List.of("CREATE/INTENT", "CREATE/SUCCESS", "GENERATE/SUCCESS", "DECRYPT/SUCCESS"),
        audit.stream().map(r -> r.event().operation().name() + "/" + r.event().outcome().name()).toList());
  }

  @Test
  void jar_rawKeyCommand_loadsNoAwsSdkClassButAKmsCommandDoes() throws Exception {
    Path message = dir.resolve("m.env");
    String java = q(JAVA_HOME + "/bin/java") + " -Xshare:off -Xlog:class+load=info -jar " + q(JAR);
    Run raw = bash(dir, Map.of(), java + " encrypt --in " + q(plain) + " --out " + q(message) + aes());
    assertEquals(0, raw.status(), raw::toString);
    String loaded = new String(raw.stdout(), StandardCharsets.UTF_8);
    assertTrue(loaded.contains("dev.envelope.keyring.RawAesKeyring"), "the class log is on stdout");
    assertFalse(loaded.contains("software.amazon.awssdk"), "a raw-key command loaded AWS SDK classes");
    assertFalse(loaded.contains("dev.envelope.kms."), "a raw-key command loaded the KMS keyrings");
    assertFalse(loaded.contains("dev.envelope.localkms."), "a raw-key command loaded the KMS endpoint");

    Run kms = bash(dir, Map.of("AWS_ACCESS_KEY_ID", "AKIAX", "AWS_SECRET_ACCESS_KEY", "x"), java + " encrypt --in "
        + q(plain) + " --out " + q(dir.resolve("k.env")) + " --kms-endpoint http://127.0.0.1:0 --kms-key"
        + " arn:aws:kms:us-east-1:111122223333:key/0b6e6a8c-0000-4000-8000-000000000000 || exit $?");
    assertEquals(ExitCode.KEY_PROVIDER.code(), kms.status(), kms::toString);
    assertTrue(new String(kms.stdout(), StandardCharsets.UTF_8).contains("software.amazon.awssdk.services.kms.KmsClient"),
        "the check above would see SDK classes");
  }

  static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** SHA-256 of a file, streamed. */
  static final class StreamingDigest {
    static String of(Path file) throws Exception {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      try (InputStream in = Files.newInputStream(file)) {
        byte[] buffer = new byte[1 << 16];
        for (int n; (n = in.read(buffer)) > 0; ) {
          sha.update(buffer, 0, n);
        }
      }
      return java.util.HexFormat.of().formatHex(sha.digest());
    }
  }
}
