package dev.envelope.cli;

import dev.envelope.Envelope;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.localkms.LocalKmsServer;
import dev.envelope.observe.EnvelopeObserver;
import dev.envelope.opentelemetry.EnvelopeTelemetry;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The CLI's telemetry, one per run: the OpenTelemetry SDK configured from its standard environment
 * ({@code OTEL_TRACES_EXPORTER}, {@code OTEL_METRICS_EXPORTER}, {@code OTEL_LOGS_EXPORTER}, {@code
 * OTEL_EXPORTER_OTLP_ENDPOINT}, ...), or nothing at all.
 *
 * <p>Off unless one of the three exporter variables names an exporter other than {@code none}: then
 * no OpenTelemetry class is even loaded and every command's output is what it always was. On, the
 * exporters not named are {@code none} (never the SDK's default OTLP), {@code logging} writes
 * through java.util.logging to stderr (never stdout, where plaintext and messages may go), and
 * {@link #close()} flushes and shuts the SDK down before the process exits. {@code
 * ENVELOPE_OTEL_AUDIT_LOGS=true} also sends the key store's audit events as log records.
 *
 * <p>The run's instance is {@link #current()}: commands take the observer and the AWS SDK
 * interceptor from it when they build their envelope and KMS clients.
 */
abstract class Telemetry implements AutoCloseable {
  /** The exporter variables of the OpenTelemetry SDK: one of them must ask for telemetry. */
  static final List<String> EXPORTER_VARIABLES =
      List.of("OTEL_TRACES_EXPORTER", "OTEL_METRICS_EXPORTER", "OTEL_LOGS_EXPORTER");
  /** {@code true}: the key store's audit events also go out as OpenTelemetry log records. */
  static final String AUDIT_LOGS_VARIABLE = "ENVELOPE_OTEL_AUDIT_LOGS";

  /** No telemetry: nothing is loaded, recorded or printed. */
  static final Telemetry NONE = new Telemetry() {
    @Override
    EnvelopeTelemetry envelopeTelemetry() {
      return null;
    }

    @Override
    LocalKmsServer.Builder serving(LocalKmsServer.Builder builder) {
      return builder;
    }

    @Override
    public void close() {}
  };

  private static volatile Telemetry current = NONE;

  /** The telemetry of the running command ({@link #NONE} outside a run). */
  static Telemetry current() {
    return current;
  }

  /**
   * Starts the run's telemetry from {@code environment} and makes it {@link #current()}.
   *
   * @throws CliFailure {@link ExitCode#USAGE} for an exporter or setting the SDK refuses
   */
  static Telemetry start(Map<String, String> environment) {
    Telemetry telemetry = requested(environment) ? OpenTelemetryRun.start(environment) : NONE;
    current = telemetry;
    return telemetry;
  }

  /** Whether an exporter variable names an exporter, and the SDK is not disabled. */
  static boolean requested(Map<String, String> environment) {
    if ("true".equalsIgnoreCase(environment.getOrDefault("OTEL_SDK_DISABLED", "").trim())) {
      return false;
    }
    for (String variable : EXPORTER_VARIABLES) {
      String value = environment.getOrDefault(variable, "").trim().toLowerCase(Locale.ROOT);
      if (!value.isEmpty() && !value.equals("none")) {
        return true;
      }
    }
    return false;
  }

  /** The adapter on the run's SDK, or null when telemetry is off. */
  abstract EnvelopeTelemetry envelopeTelemetry();

  /** The observer to register on each Envelope, or null when telemetry is off. */
  final EnvelopeObserver observer() {
    EnvelopeTelemetry telemetry = envelopeTelemetry();
    return telemetry == null ? null : telemetry.observer();
  }

  /** {@code builder} with the run's observer registered, if telemetry is on. */
  final Envelope.Builder observed(Envelope.Builder builder) {
    EnvelopeObserver observer = observer();
    return observer == null ? builder : builder.observer(observer);
  }

  /** Sends {@code store}'s audit events as log records when asked ({@value #AUDIT_LOGS_VARIABLE}). */
  void audit(LocalKeyStore store) {}

  /** {@code builder}, set to report each KMS call the endpoint serves as a span and metrics. */
  abstract LocalKmsServer.Builder serving(LocalKmsServer.Builder builder);

  /** Flushes and shuts down the SDK (a few seconds at most); idempotent. */
  @Override
  public abstract void close();

  /** Ends the run: flushes, then {@link #current()} is {@link #NONE} again. */
  static void end(Telemetry telemetry) {
    try {
      telemetry.close();
    } finally {
      current = NONE;
    }
  }
}
