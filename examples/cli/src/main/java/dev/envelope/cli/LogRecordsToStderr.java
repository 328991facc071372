package dev.envelope.cli;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import java.util.Collection;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The CLI's {@code logging} exporter of log records. The SDK's own ({@code
 * SystemOutLogRecordExporter}) prints on stdout, where {@code --out -} writes plaintext and
 * messages; this one writes through java.util.logging, as the SDK's span and metric {@code logging}
 * exporters do, so the records land on stderr beside the spans.
 */
final class LogRecordsToStderr implements LogRecordExporter {
  /** The java.util.logging logger the records go to. */
  static final String LOGGER = "io.opentelemetry.exporter.logging.LoggingLogRecordExporter";

  private final Logger logger = Logger.getLogger(LOGGER);

  @Override
  public CompletableResultCode export(Collection<LogRecordData> records) {
    for (LogRecordData r : records) {
      String event = r.getEventName() == null ? "" : " [event: " + r.getEventName() + "]";
      logger.log(Level.INFO, "'" + (r.getBodyValue() == null ? "" : r.getBodyValue().asString()) + "' : "
          + r.getSeverity() + event + " " + r.getSpanContext().getTraceId() + " " + r.getSpanContext().getSpanId()
          + " [scope: " + r.getInstrumentationScopeInfo().getName() + "] " + r.getAttributes());
    }
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode flush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    return CompletableResultCode.ofSuccess();
  }
}
