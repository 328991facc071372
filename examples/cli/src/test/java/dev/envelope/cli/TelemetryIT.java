package dev.envelope.cli;

import static dev.envelope.cli.LauncherIT.JAR;
import static dev.envelope.cli.LauncherIT.JAVA_HOME;
import static dev.envelope.cli.LauncherIT.LAUNCHER;
import static dev.envelope.cli.LauncherIT.q;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.testkit.junit.KmsExtension;
import dev.envelope.testkit.junit.KmsFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's "done when": the real {@code bin/envelope}, run as a process against the local KMS
 * endpoint, prints the {@code envelope.encrypt} span, the KMS {@code GenerateDataKey} span and the
 * {@code envelope.operations} metric on stderr when the OpenTelemetry environment asks for the
 * logging exporters, never a context value or the plaintext, and nothing extra without it.
 */
class TelemetryIT {
  @RegisterExtension
  static final KmsExtension KMS = KmsExtension.builder().build();

  static final String CONTEXT_VALUE = "context-value-never-printed";
  static final String PLAINTEXT_MARKER = "plaintext-never-printed";

  static KmsFixture kms;
  static String keyArn;

  @TempDir Path dir;
  Path plain;
  byte[] content;
  final LauncherIT launcher = new LauncherIT();

  @BeforeAll
  static void key(KmsFixture fixture) {
    kms = fixture;
    keyArn = fixture.keyArn();
  }

  @BeforeEach
  void files() throws IOException {
    launcher.dir = dir;
    content = (PLAINTEXT_MARKER + " " + "p".repeat(5000)).getBytes(StandardCharsets.UTF_8);
    plain = Files.write(dir.resolve("plain.txt"), content);
  }

  static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_ACCESS_KEY_ID", kms.localKms().credentials().accessKeyId());
    env.put("AWS_SECRET_ACCESS_KEY", kms.localKms().credentials().secretAccessKey());
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  String kmsKeyring() {
    return " --kms-key " + q(keyArn) + " --kms-endpoint " + q(kms.endpoint());
  }

  String encrypt(Path out) {
    return q(LAUNCHER) + " encrypt --in " + q(plain) + " --out " + q(out)
        + " --context " + q("tenant=" + CONTEXT_VALUE) + kmsKeyring();
  }

  String decrypt(Path in, Path out) {
    return q(LAUNCHER) + " decrypt --in " + q(in) + " --out " + q(out)
        + " --context " + q("tenant=" + CONTEXT_VALUE) + kmsKeyring();
  }

  static void assertNoSecret(LauncherIT.Run run) {
    String stdout = new String(run.stdout(), StandardCharsets.UTF_8);
    for (String secret : List.of(CONTEXT_VALUE, PLAINTEXT_MARKER)) {
      assertFalse(run.stderr().contains(secret), () -> "stderr shows " + secret + ": " + run.stderr());
      assertFalse(stdout.contains(secret), () -> "stdout shows " + secret);
    }
  }

  @Test
  void encrypt_withLoggingExporters_printsSpansAndMetricOnStderr_neverSecrets() throws Exception {
    Path message = dir.resolve("m.env");
    LauncherIT.Run enc = launcher.bash(dir,
        env("OTEL_TRACES_EXPORTER", "logging", "OTEL_METRICS_EXPORTER", "logging"), encrypt(message));
    assertEquals(0, enc.status(), enc::toString);
    assertEquals(0, enc.stdout().length, "telemetry never goes to stdout");
    String err = enc.stderr();
    assertTrue(err.contains("'envelope.encrypt'"), () -> "no envelope.encrypt span: " + err);
    assertTrue(err.contains("'envelope.keyring.wrap'"), () -> "no keyring span: " + err);
    assertTrue(err.contains("GenerateDataKey"), () -> "no KMS GenerateDataKey span: " + err);
    assertTrue(err.contains("name=envelope.operations"), () -> "no envelope.operations metric: " + err);
    assertTrue(err.contains("envelope.context.keys=[aws-crypto-public-key, tenant]"),
        () -> "the context's keys are recorded: " + err);
    assertNoSecret(enc);

    Path back = dir.resolve("back.txt");
    LauncherIT.Run dec = launcher.bash(dir,
        env("OTEL_TRACES_EXPORTER", "logging", "OTEL_METRICS_EXPORTER", "logging"), decrypt(message, back));
    assertEquals(0, dec.status(), dec::toString);
    assertArrayEquals(content, Files.readAllBytes(back));
    assertTrue(dec.stderr().contains("'envelope.decrypt'"), dec::toString);
    assertTrue(dec.stderr().contains("Kms.Decrypt"), dec::toString);
    assertNoSecret(dec);
  }

  @Test
  void encryptToStdout_withLoggingExporters_stdoutIsTheMessageAlone() throws Exception {
    Path message = dir.resolve("m.env");
    LauncherIT.Run enc = launcher.bash(dir,
        env("OTEL_TRACES_EXPORTER", "logging", "OTEL_METRICS_EXPORTER", "logging", "OTEL_LOGS_EXPORTER", "logging"),
        encrypt(Path.of("-")));
    assertEquals(0, enc.status(), enc::toString);
    assertTrue(enc.stderr().contains("'envelope.encrypt'"), enc::toString);
    assertFalse(new String(enc.stdout(), StandardCharsets.ISO_8859_1).contains("envelope."),
        "no span, metric or log record on stdout");
    Files.write(message, enc.stdout());
    Path back = dir.resolve("back.txt");
    LauncherIT.Run dec = launcher.bash(dir, env(), decrypt(message, back));
    assertEquals(0, dec.status(), () -> "stdout held something besides the message: " + dec);
    assertArrayEquals(content, Files.readAllBytes(back));
  }

  @Test
  void encrypt_withoutOtelVariables_printsNothingExtra() throws Exception {
    Path message = dir.resolve("m.env");
    LauncherIT.Run enc = launcher.bash(dir, env(), encrypt(message));
    assertEquals(0, enc.status(), enc::toString);
    assertEquals("", enc.stderr());
    assertEquals(0, enc.stdout().length);

    LauncherIT.Run none = launcher.bash(dir,
        env("OTEL_TRACES_EXPORTER", "none", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9"), encrypt(message));
    assertEquals(0, none.status(), none::toString);
    assertEquals("", none.stderr(), "exporters 'none' (or unset): nothing is exported or printed");
  }

  @Test
  void jar_withoutOtelVariables_loadsNoOpenTelemetryClass() throws Exception {
    Path key = TestKeys.aesKeyFile(dir, "aes.key", 32);
    String java = q(JAVA_HOME + "/bin/java") + " -Xshare:off -Xlog:class+load=info -jar " + q(JAR);
    LauncherIT.Run raw = launcher.bash(dir, Map.of(), java + " encrypt --in " + q(plain) + " --out "
        + q(dir.resolve("m.env")) + " --raw-aes-key " + q(key) + " --key-namespace ns --key-name k");
    assertEquals(0, raw.status(), raw::toString);
    String loaded = new String(raw.stdout(), StandardCharsets.UTF_8);
    assertTrue(loaded.contains("dev.envelope.keyring.RawAesKeyring"), "the class log is on stdout");
    assertFalse(loaded.contains("io.opentelemetry"), "a run without OTEL_* exporters loaded OpenTelemetry");
  }
}
