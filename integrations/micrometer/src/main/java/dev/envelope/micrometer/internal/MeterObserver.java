package dev.envelope.micrometer.internal;

import dev.envelope.AlgorithmSuite;
import dev.envelope.observe.CacheEvent;
import dev.envelope.observe.EnvelopeObserver;
import dev.envelope.observe.KeyringCall;
import dev.envelope.observe.KeyringCallObservation;
import dev.envelope.observe.Operation;
import dev.envelope.observe.OperationObservation;
import dev.envelope.observe.OperationResult;
import dev.envelope.observe.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Turns observations into meters on one (composite) registry. Meters are looked up once per tag
 * combination and kept; the cache's counters exist from the start, so a dashboard shows zeros
 * rather than nothing.
 */
public final class MeterObserver implements EnvelopeObserver {
  static final String OPERATIONS = "envelope.operations";
  static final String OPERATION_DURATION = "envelope.operation.duration";
  static final String KEYRING_CALL_DURATION = "envelope.keyring.call.duration";
  static final String CACHE_PREFIX = "envelope.cache.";
  static final String NO_SUITE = "none";
  static final String NO_FAILURE = "none";

  private static final Map<AlgorithmSuite, String> SUITE_IDS = suiteIds();

  private final MeterRegistry registry;
  private final Map<CacheEvent, Counter> cacheCounters = new EnumMap<>(CacheEvent.class);
  private final Map<OperationKey, Meters> operations = new ConcurrentHashMap<>();
  private final Map<CallKey, Timer> calls = new ConcurrentHashMap<>();

  public MeterObserver(MeterRegistry registry) {
    this.registry = registry;
    for (CacheEvent event : CacheEvent.values()) {
      cacheCounters.put(event, Counter.builder(CACHE_PREFIX + plural(event.kind()))
          .description("Data-key cache " + event.kind().id() + "s")
          .tag("side", event.side().id())
          .register(registry));
    }
  }

  @Override
  public OperationObservation started(Operation operation, boolean streaming) {
    return new OperationObservation() {
      @Override
      public KeyringCallObservation keyringCallStarted(KeyringCall call) {
        return result -> timer(call, result.outcome())
            .record(result.durationNanos(), TimeUnit.NANOSECONDS);
      }

      @Override
      public void ended(OperationResult result) {
        Meters meters = meters(result);
        meters.count.increment();
        meters.duration.record(result.durationNanos(), TimeUnit.NANOSECONDS);
      }
    };
  }

  @Override
  public void cacheEvent(CacheEvent event) {
    cacheCounters.get(event).increment();
  }

  private Meters meters(OperationResult result) {
    String suite = result.suite().map(SUITE_IDS::get).orElse(NO_SUITE);
    String failure = result.failure().orElse(NO_FAILURE);
    OperationKey key = new OperationKey(result.operation(), suite, result.outcome(), failure);
    Meters found = operations.get(key);
    return found != null ? found : operations.computeIfAbsent(key, this::register);
  }

  private Meters register(OperationKey key) {
    Counter count = Counter.builder(OPERATIONS)
        .description("Envelope operations, by outcome")
        .tag("operation", key.operation.id())
        .tag("suite", key.suite)
        .tag("outcome", key.outcome.id())
        .tag("failure", key.failure)
        .register(registry);
    Timer duration = Timer.builder(OPERATION_DURATION)
        .description("Time an Envelope operation took, keyring calls included")
        .tag("operation", key.operation.id())
        .tag("suite", key.suite)
        .tag("outcome", key.outcome.id())
        .register(registry);
    return new Meters(count, duration);
  }

  private Timer timer(KeyringCall call, Outcome outcome) {
    CallKey key = new CallKey(call, outcome);
    Timer found = calls.get(key);
    return found != null ? found : calls.computeIfAbsent(key, k -> Timer.builder(KEYRING_CALL_DURATION)
        .description("Time a keyring took to wrap or unwrap a data key")
        .tag("keyring", k.call.keyring())
        .tag("direction", k.call.direction().id())
        .tag("outcome", k.outcome.id())
        .register(registry));
  }

  private static String plural(CacheEvent.Kind kind) {
    switch (kind) {
      case MISS:
        return "misses";
      case BYPASS:
        return "bypasses";
      default:
        return kind.id() + "s";
    }
  }

  private static Map<AlgorithmSuite, String> suiteIds() {
    Map<AlgorithmSuite, String> ids = new EnumMap<>(AlgorithmSuite.class);
    for (AlgorithmSuite suite : AlgorithmSuite.values()) {
      ids.put(suite, suite.idHex());
    }
    return ids;
  }

  private record OperationKey(Operation operation, String suite, Outcome outcome, String failure) {}

  private record CallKey(KeyringCall call, Outcome outcome) {}

  private record Meters(Counter count, Timer duration) {}
}
