package dev.envelope.cli;

import dev.envelope.local.LocalKeyStore;
import dev.envelope.localkms.KmsCall;
import dev.envelope.localkms.LocalKmsServer;
import dev.envelope.opentelemetry.EnvelopeTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.logging.SystemOutLogRecordExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link Telemetry} on: the OpenTelemetry SDK from its autoconfiguration, the only CLI class (with
 * nothing else) that names the SDK, so the SDK loads only when the environment asks for it.
 *
 * <p>Configuration: the SDK's own rules (system properties, then environment variables), over
 * these defaults: every exporter {@code none}, service name {@code envelope}, OTLP over
 * http/protobuf (the JDK's HTTP client). The CLI's environment ({@link Io#environment()}) wins over
 * both, so in-process tests configure it as a process would.
 */
final class OpenTelemetryRun extends Telemetry {
  private static final String SCOPE = "dev.envelope.cli";
  private static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
  private static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
  private static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  private static final AttributeKey<String> KEY_ID = AttributeKey.stringKey("aws.kms.key_id");
  private static final AttributeKey<String> REGION = AttributeKey.stringKey("cloud.region");
  private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
  private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  private static final AttributeKey<String> M_OPERATION = AttributeKey.stringKey("operation");
  private static final AttributeKey<String> M_OUTCOME = AttributeKey.stringKey("outcome");

  private final OpenTelemetrySdk sdk;
  private final EnvelopeTelemetry telemetry;
  private final boolean auditLogs;
  private final AtomicBoolean closed = new AtomicBoolean();

  private OpenTelemetryRun(OpenTelemetrySdk sdk, boolean auditLogs) {
    this.sdk = sdk;
    this.telemetry = EnvelopeTelemetry.builder(sdk).build();
    this.auditLogs = auditLogs;
  }

  static Telemetry start(Map<String, String> environment) {
    Map<String, String> defaults = Map.of(
        "otel.traces.exporter", "none",
        "otel.metrics.exporter", "none",
        "otel.logs.exporter", "none",
        "otel.service.name", "envelope",
        "otel.exporter.otlp.protocol", "http/protobuf");
    Map<String, String> fromIo = properties(environment);
    OpenTelemetrySdk sdk;
    try {
      sdk = AutoConfiguredOpenTelemetrySdk.builder()
          .addPropertiesSupplier(() -> defaults)
          .addPropertiesCustomizer(config -> fromIo)
          // 'logging' (and 'console') log records would go to stdout: send them to stderr instead.
          .addLogRecordExporterCustomizer((exporter, config) ->
              exporter instanceof SystemOutLogRecordExporter ? new LogRecordsToStderr() : exporter)
          .disableShutdownHook()
          .build()
          .getOpenTelemetrySdk();
    } catch (ConfigurationException e) {
      throw new CliFailure(ExitCode.USAGE, "the OpenTelemetry environment (OTEL_*): "
          + Failures.oneLine(String.valueOf(e.getMessage())) + "; see docs/observability.md", e);
    }
    boolean audit = "true".equalsIgnoreCase(environment.getOrDefault(AUDIT_LOGS_VARIABLE, "").trim());
    return new OpenTelemetryRun(sdk, audit);
  }

  /** {@code OTEL_FOO_BAR=v} as the SDK's property {@code otel.foo.bar=v}, as the SDK itself maps them. */
  private static Map<String, String> properties(Map<String, String> environment) {
    Map<String, String> out = new HashMap<>();
    environment.forEach((name, value) -> {
      if (name.startsWith("OTEL_")) {
        out.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value);
      }
    });
    return out;
  }

  @Override
  EnvelopeTelemetry envelopeTelemetry() {
    return telemetry;
  }

  @Override
  void audit(LocalKeyStore store) {
    if (auditLogs) {
      store.addAuditListener(telemetry.auditListener());
    }
  }

  @Override
  LocalKmsServer.Builder serving(LocalKmsServer.Builder builder) {
    Tracer tracer = sdk.getTracer(SCOPE);
    Meter meter = sdk.getMeter(SCOPE);
    LongCounter calls = meter.counterBuilder("envelope.kms_server.calls")
        .setDescription("KMS calls served by the local endpoint, by operation and outcome")
        .setUnit("{call}")
        .build();
    DoubleHistogram duration = meter.histogramBuilder("envelope.kms_server.duration")
        .setDescription("Duration of KMS calls served by the local endpoint")
        .setUnit("s")
        .build();
    return builder.callListener(call -> served(tracer, calls, duration, call));
  }

  /** One served call: a SERVER span that ended now and began its duration ago, and its metrics. */
  private static void served(Tracer tracer, LongCounter calls, DoubleHistogram duration, KmsCall call) {
    Instant end = Instant.now();
    Span span = tracer.spanBuilder("Kms." + call.operation().apiName())
        .setSpanKind(SpanKind.SERVER)
        .setStartTimestamp(end.minusNanos(call.durationNanos()))
        .setAttribute(RPC_SYSTEM, "aws-api")
        .setAttribute(RPC_SERVICE, "Kms")
        .setAttribute(RPC_METHOD, call.operation().apiName())
        .setAttribute(REGION, call.region())
        .setAttribute(STATUS, (long) call.httpStatus())
        .startSpan();
    call.keyId().ifPresent(id -> span.setAttribute(KEY_ID, id));
    call.errorType().ifPresent(type -> {
      span.setAttribute(ERROR_TYPE, type);
      span.setStatus(StatusCode.ERROR);
    });
    span.end(end);
    Attributes attributes = Attributes.of(
        M_OPERATION, call.operation().apiName(),
        M_OUTCOME, call.succeeded() ? "success" : "failure");
    calls.add(1, attributes);
    duration.record(call.durationNanos() / 1e9, attributes);
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      sdk.shutdown().join(10, TimeUnit.SECONDS);
    }
  }
}
