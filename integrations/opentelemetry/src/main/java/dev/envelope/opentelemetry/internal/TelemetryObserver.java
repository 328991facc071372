package dev.envelope.opentelemetry.internal;

import dev.envelope.observe.CacheEvent;
import dev.envelope.observe.EnvelopeObserver;
import dev.envelope.observe.KeyringCall;
import dev.envelope.observe.KeyringCallObservation;
import dev.envelope.observe.KeyringCallResult;
import dev.envelope.observe.Operation;
import dev.envelope.observe.OperationObservation;
import dev.envelope.observe.OperationResult;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@link EnvelopeObserver} of {@code EnvelopeTelemetry}: a span per operation (a child of the
 * current span), a child span per keyring call made current while the call runs (so the AWS SDK
 * instrumentation's KMS spans nest under it), and the operation, keyring and cache metrics.
 * Thread-safe; allocates only what a span needs.
 */
public final class TelemetryObserver implements EnvelopeObserver {
  private static final double NANOS_PER_SECOND = 1e9;

  private final Tracer tracer;
  private final Set<String> recordedContextKeys;
  private final LongCounter operations;
  private final DoubleHistogram operationDuration;
  private final DoubleHistogram keyringDuration;
  private final Map<CacheEvent.Kind, LongCounter> cacheCounters = new EnumMap<>(CacheEvent.Kind.class);
  private final Map<CacheEvent, Attributes> cacheAttributes = new EnumMap<>(CacheEvent.class);

  public TelemetryObserver(OpenTelemetry openTelemetry, Set<String> recordedContextKeys) {
    this.tracer = openTelemetry.getTracer(Names.SCOPE);
    this.recordedContextKeys = Set.copyOf(recordedContextKeys);
    Meter meter = openTelemetry.getMeter(Names.SCOPE);
    this.operations = meter.counterBuilder(Names.OPERATIONS)
        .setDescription("Envelope operations, by operation, algorithm suite and outcome")
        .setUnit("{operation}")
        .build();
    this.operationDuration = meter.histogramBuilder(Names.OPERATION_DURATION)
        .setDescription("Duration of Envelope operations (streams: from open to close)")
        .setUnit("s")
        .build();
    this.keyringDuration = meter.histogramBuilder(Names.KEYRING_DURATION)
        .setDescription("Duration of keyring calls (wrap and unwrap), by keyring type and outcome")
        .setUnit("s")
        .build();
    for (CacheEvent.Kind kind : CacheEvent.Kind.values()) {
      String plural = kind == CacheEvent.Kind.MISS ? "misses"
          : kind == CacheEvent.Kind.BYPASS ? "bypasses" : kind.id() + "s";
      cacheCounters.put(kind, meter.counterBuilder(Names.CACHE_PREFIX + plural)
          .setDescription("Caching materials manager: " + plural + ", by side (encrypt or decrypt)")
          .setUnit("{event}")
          .build());
    }
    for (CacheEvent event : CacheEvent.values()) {
      cacheAttributes.put(event, Attributes.of(Names.M_SIDE, event.side().id()));
    }
  }

  @Override
  public Set<String> recordedContextKeys() {
    return recordedContextKeys;
  }

  @Override
  public OperationObservation started(Operation operation, boolean streaming) {
    Span span = tracer.spanBuilder(Names.SPAN_PREFIX + operation.id())
        .setSpanKind(SpanKind.INTERNAL)
        .setAttribute(Names.OPERATION, operation.id())
        .setAttribute(Names.STREAMING, streaming)
        .startSpan();
    return new OperationSpan(span);
  }

  @Override
  public void cacheEvent(CacheEvent event) {
    cacheCounters.get(event.kind()).add(1, cacheAttributes.get(event));
  }

  /** One operation's span; keyring-call spans are its children. */
  private final class OperationSpan implements OperationObservation {
    private final Span span;
    private final Context context;

    OperationSpan(Span span) {
      this.span = span;
      this.context = Context.current().with(span);
    }

    @Override
    public KeyringCallObservation keyringCallStarted(KeyringCall call) {
      Span child = tracer.spanBuilder(Names.KEYRING_SPAN_PREFIX + call.direction().id())
          .setParent(context)
          .setSpanKind(SpanKind.INTERNAL)
          .setAttribute(Names.KEYRING, call.keyring())
          .setAttribute(Names.DIRECTION, call.direction().id())
          .startSpan();
      Scope scope = child.makeCurrent();
      return result -> keyringCallEnded(call, child, scope, result);
    }

    private void keyringCallEnded(KeyringCall call, Span child, Scope scope, KeyringCallResult result) {
      scope.close();
      child.setAttribute(Names.OUTCOME, result.outcome().id());
      if (!result.keyProviderIds().isEmpty()) {
        child.setAttribute(Names.KEY_PROVIDER_IDS, result.keyProviderIds());
      }
      result.failure().ifPresent(type -> {
        child.setAttribute(Names.ERROR_TYPE, type);
        child.setStatus(StatusCode.ERROR);
      });
      child.end();
      keyringDuration.record(result.durationNanos() / NANOS_PER_SECOND, Attributes.of(
          Names.M_KEYRING, call.keyring(),
          Names.M_DIRECTION, call.direction().id(),
          Names.M_OUTCOME, result.outcome().id()));
    }

    @Override
    public void ended(OperationResult result) {
      String suite = result.suite().map(s -> s.idHex()).orElse("unknown");
      span.setAttribute(Names.OUTCOME, result.outcome().id());
      if (result.suite().isPresent()) {
        span.setAttribute(Names.SUITE, suite);
      }
      result.plaintextBytes().ifPresent(n -> span.setAttribute(Names.PLAINTEXT_SIZE, n));
      result.messageBytes().ifPresent(n -> span.setAttribute(Names.MESSAGE_SIZE, n));
      if (!result.contextKeys().isEmpty()) {
        span.setAttribute(Names.CONTEXT_KEYS, result.contextKeys());
      }
      // Only values of allow-listed keys: core filters by recordedContextKeys(), and so do we.
      result.contextValues().forEach((key, value) -> {
        if (recordedContextKeys.contains(key)) {
          span.setAttribute(AttributeKey.stringKey(Names.CONTEXT_VALUE_PREFIX + key), value);
        }
      });
      if (result.encryptedDataKeys() > 0) {
        span.setAttribute(Names.EDK_COUNT, (long) result.encryptedDataKeys());
      }
      List<String> providers = result.keyProviderIds();
      if (!providers.isEmpty()) {
        span.setAttribute(Names.KEY_PROVIDER_IDS, providers);
      }
      result.failure().ifPresent(type -> {
        span.setAttribute(Names.ERROR_TYPE, type);
        span.setStatus(StatusCode.ERROR);
      });
      span.end();
      AttributesBuilder metric = Attributes.builder()
          .put(Names.M_OPERATION, result.operation().id())
          .put(Names.M_SUITE, suite)
          .put(Names.M_OUTCOME, result.outcome().id());
      Attributes attributes = metric.build();
      operations.add(1, attributes);
      operationDuration.record(result.durationNanos() / NANOS_PER_SECOND, attributes);
    }
  }

}
