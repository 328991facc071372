package dev.envelope.opentelemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** An OpenTelemetry SDK whose spans, metrics and log records go to the SDK's in-memory exporters. */
final class Recording implements AutoCloseable {
  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  final InMemoryLogRecordExporter logs = InMemoryLogRecordExporter.create();
  final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
      .setLoggerProvider(SdkLoggerProvider.builder()
          .addLogRecordProcessor(SimpleLogRecordProcessor.create(logs)).build())
      .build();
  private Collection<MetricData> collected;

  OpenTelemetry openTelemetry() {
    return sdk;
  }

  List<SpanData> spans() {
    return spans.getFinishedSpanItems();
  }

  List<SpanData> spans(String name) {
    return spans().stream().filter(s -> s.getName().equals(name)).toList();
  }

  SpanData span(String name) {
    List<SpanData> found = spans(name);
    if (found.size() != 1) {
      throw new AssertionError("expected one span " + name + ", got " + spans());
    }
    return found.get(0);
  }

  /** The metrics, collected once per test (a collection resets nothing: cumulative). */
  Collection<MetricData> metrics() {
    if (collected == null) {
      collected = metrics.collectAllMetrics();
    }
    return collected;
  }

  Optional<MetricData> metric(String name) {
    return metrics().stream().filter(m -> m.getName().equals(name)).findFirst();
  }

  List<LogRecordData> logs() {
    return logs.getFinishedLogRecordItems();
  }

  /** Everything exported, as text: every span, metric point and log record with its attributes. */
  String everything() {
    List<String> all = new ArrayList<>();
    spans().forEach(s -> all.add(s.toString()));
    metrics().forEach(m -> all.add(m.toString()));
    logs().forEach(l -> all.add(l.toString()));
    return String.join("\n", all);
  }

  @Override
  public void close() {
    sdk.close();
  }
}
