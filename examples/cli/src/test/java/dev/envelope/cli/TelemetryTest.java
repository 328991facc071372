package dev.envelope.cli;

import static dev.envelope.cli.Cli.assertFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The CLI's telemetry in-process: when it is on, kms-server reports each KMS call it serves as a
 * span and metrics and, with ENVELOPE_OTEL_AUDIT_LOGS=true, the key store's audit events as log
 * records; an exporter the SDK does not know is a usage error; with no exporter variable it is off.
 * The logging exporters' java.util.logging records are captured here (a process writes them to
 * stderr: TelemetryIT).
 */
class TelemetryTest {
  static final String CONTEXT_VALUE = "context-value-never-exported";

  /** Holds the exporters' logger (java.util.logging keeps loggers weakly). */
  private final Logger exporters = Logger.getLogger("io.opentelemetry.exporter.logging");
  private final List<String> exported = new ArrayList<>();
  private final Handler capture = new Handler() {
    private final SimpleFormatter format = new SimpleFormatter();

    @Override
    public synchronized void publish(LogRecord record) {
      exported.add(format.formatMessage(record));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeEach
  void captureExporters() {
    exporters.addHandler(capture);
    exporters.setUseParentHandlers(false);
  }

  @AfterEach
  void release() {
    exporters.removeHandler(capture);
    exporters.setUseParentHandlers(true);
  }

  private synchronized String everything() {
    return String.join("\n", exported);
  }

  @Test
  void requested_onlyWhenAnExporterVariableNamesAnExporter() {
    assertFalse(Telemetry.requested(Map.of()));
    assertFalse(Telemetry.requested(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")));
    assertFalse(Telemetry.requested(Map.of("OTEL_TRACES_EXPORTER", "none", "OTEL_METRICS_EXPORTER", " ")));
    assertFalse(Telemetry.requested(Map.of("OTEL_TRACES_EXPORTER", "logging", "OTEL_SDK_DISABLED", "true")));
    assertFalse(Telemetry.requested(Map.of("ENVELOPE_OTEL_AUDIT_LOGS", "true")));
    assertTrue(Telemetry.requested(Map.of("OTEL_TRACES_EXPORTER", "logging")));
    assertTrue(Telemetry.requested(Map.of("OTEL_METRICS_EXPORTER", "otlp")));
    assertTrue(Telemetry.requested(Map.of("OTEL_LOGS_EXPORTER", "logging")));
    Telemetry off = Telemetry.start(Map.of());
    try {
      assertSame(Telemetry.NONE, off);
      assertEquals(null, off.observer());
    } finally {
      Telemetry.end(off);
    }
  }

  @Test
  void unknownExporter_usageErrorInOneLine() {
    Cli.Result r = Cli.runWithEnv(Map.of("OTEL_TRACES_EXPORTER", "bogus"), "encrypt", "--in", "x", "--out", "y");
    assertFailure(r, ExitCode.USAGE, "OpenTelemetry environment", "bogus");
    assertSame(Telemetry.NONE, Telemetry.current(), "the run's telemetry ends with the run");
  }

  @TempDir Path dir;

  @Test
  void encryptRewrapAndFailedDecrypt_withTracesExporter_spansFlushedOnSuccessAndOnError() throws Exception {
    Path oldKey = TestKeys.aesKeyFile(dir, "old.key", 32);
    Path newKey = TestKeys.aesKeyFile(dir, "new.key", 32);
    Path plain = Files.writeString(dir.resolve("plain.txt"), "plaintext-never-exported");
    Path message = dir.resolve("m.env");
    Path moved = dir.resolve("moved.env");
    Map<String, String> env = Map.of("OTEL_TRACES_EXPORTER", "logging", "OTEL_METRICS_EXPORTER", "logging");
    Cli.assertSuccess(Cli.runWithEnv(env, "encrypt", "--in", plain.toString(), "--out", message.toString(),
        "--context", "tenant=" + CONTEXT_VALUE, "--raw-aes-key", oldKey.toString(), "--key-namespace", "ns",
        "--key-name", "old"));
    Cli.assertSuccess(Cli.runWithEnv(env, "rewrap", "--in", message.toString(), "--out", moved.toString(),
        "--raw-aes-key", oldKey.toString(), "--key-namespace", "ns", "--key-name", "old",
        "--to-raw-aes-key", newKey.toString(), "--to-key-namespace", "ns", "--to-key-name", "new", "--reencrypt"));
    Cli.Result failed = Cli.runWithEnv(env, "decrypt", "--in", moved.toString(), "--out",
        dir.resolve("back.txt").toString(), "--raw-aes-key", oldKey.toString(), "--key-namespace", "ns",
        "--key-name", "old");
    assertTrue(failed.status() != 0, failed::toString);
    assertEquals(1, failed.stderrLines().size(), () -> "still one line on the CLI's stderr: " + failed.stderr());

    String all = everything();
    assertTrue(all.contains("'envelope.encrypt'"), all);
    assertTrue(all.contains("'envelope.rewrap'"), all);
    assertTrue(all.contains("'envelope.decrypt'"), all);
    assertTrue(all.contains("envelope.outcome=failure"), () -> "the failed decrypt was flushed: " + all);
    assertTrue(all.contains("name=envelope.operations"), all);
    assertFalse(all.contains(CONTEXT_VALUE), all);
    assertFalse(all.contains("plaintext-never-exported"), all);
  }

  @Test
  void kmsServer_withLoggingExporters_reportsServedCallsAndAuditRecords_neverContextValues() throws Exception {
    Map<String, String> env = new HashMap<>(KmsServerCommandTest.credentials());
    env.putAll(Map.of(
        "OTEL_TRACES_EXPORTER", "logging",
        "OTEL_METRICS_EXPORTER", "logging",
        "OTEL_LOGS_EXPORTER", "logging",
        Telemetry.AUDIT_LOGS_VARIABLE, "true"));
    Telemetry telemetry = Telemetry.start(env);
    try (KmsServerCommandTest.Running server = new KmsServerCommandTest.Running(env, "--port", "0")) {
      URI endpoint = server.endpoint();
      try (KmsClient client = KmsServerCommandTest.client(endpoint, "us-east-1")) {
        String keyArn = client.createKey(r -> r.description("telemetry")).keyMetadata().arn();
        client.generateDataKey(r -> r.keyId(keyArn).numberOfBytes(32)
            .encryptionContext(Map.of("tenant", CONTEXT_VALUE)));
        client.encrypt(r -> r.keyId(keyArn).plaintext(SdkBytes.fromUtf8String("plaintext-never-exported")));
      }
      assertEquals(0, server.stop());
      assertFalse(server.out().contains("Kms."), "telemetry never goes to stdout");
      assertEquals("", server.stderr.toString(StandardCharsets.UTF_8));
    } finally {
      Telemetry.end(telemetry);
    }
    String all = everything();
    assertTrue(all.contains("'Kms.CreateKey'"), all);
    assertTrue(all.contains("'Kms.GenerateDataKey'"), all);
    assertTrue(all.contains("'Kms.Encrypt'"), all);
    assertTrue(all.contains("SERVER"), all);
    assertTrue(all.contains("rpc.method=GenerateDataKey"), all);
    assertTrue(all.contains("name=envelope.kms_server.calls"), all);
    assertTrue(all.contains("name=envelope.kms_server.duration"), all);
    assertTrue(all.contains("'key store audit: generate success' : INFO [event: envelope.keystore.audit]"), all);
    assertTrue(all.contains("envelope.context.keys=[tenant]"), all);
    assertFalse(all.contains(CONTEXT_VALUE), all);
    assertFalse(all.contains("plaintext-never-exported"), all);
  }
}
