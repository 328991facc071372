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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Turns observations into meters on every registry bound so far. Each registry gets its own meters,
 * looked up once per tag combination and kept; its cache counters are registered when it is bound,
 * so a dashboard shows zeros rather than nothing. (Not a CompositeMeterRegistry: adding a registry
 * to a composite that already has meters logs a warning, and events before a binding are not
 * wanted in the registry anyway.)
 */
public final class MeterObserver implements EnvelopeObserver {
  static final String OPERATIONS = "envelope.operations";
  static final String OPERATION_DURATION = "envelope.operation.duration";
  static final String KEYRING_DURATION = "envelope.keyring.duration";
  static final String CACHE_PREFIX = "envelope.cache.";
  static final String NO_SUITE = "unknown";

  private static final Map<AlgorithmSuite, String> SUITE_IDS = suiteIds();

  private final List<RegistryMeters> registries = new CopyOnWriteArrayList<>();

  /** Starts reporting to {@code registry} too. */
  public void bind(MeterRegistry registry) {
    registries.add(new RegistryMeters(registry));
  }

  /** How many registries are bound. */
  public int registryCount() {
    return registries.size();
  }

  @Override
  public OperationObservation started(Operation operation, boolean streaming) {
    return new OperationObservation() {
      @Override
      public KeyringCallObservation keyringCallStarted(KeyringCall call) {
        return result -> {
          for (RegistryMeters r : registries) {
            r.timer(call, result.outcome()).record(result.durationNanos(), TimeUnit.NANOSECONDS);
          }
        };
      }

      @Override
      public void ended(OperationResult result) {
        if (registries.isEmpty()) {
          return;
        }
        String suite = result.suite().map(SUITE_IDS::get).orElse(NO_SUITE);
        OperationKey key = new OperationKey(result.operation(), suite, result.outcome());
        for (RegistryMeters r : registries) {
          Meters meters = r.meters(key);
          meters.count.increment();
          meters.duration.record(result.durationNanos(), TimeUnit.NANOSECONDS);
        }
      }
    };
  }

  @Override
  public void cacheEvent(CacheEvent event) {
    for (RegistryMeters r : registries) {
      r.cacheCounters.get(event).increment();
    }
  }

  /** One registry's meters. */
  private static final class RegistryMeters {
    private final MeterRegistry registry;
    private final Map<CacheEvent, Counter> cacheCounters = new EnumMap<>(CacheEvent.class);
    private final Map<OperationKey, Meters> operations = new ConcurrentHashMap<>();
    private final Map<CallKey, Timer> calls = new ConcurrentHashMap<>();

    RegistryMeters(MeterRegistry registry) {
      this.registry = registry;
      for (CacheEvent event : CacheEvent.values()) {
        cacheCounters.put(event, Counter.builder(CACHE_PREFIX + plural(event.kind()))
            .description("Data-key cache " + event.kind().id() + " events")
            .tag("side", event.side().id())
            .register(registry));
      }
    }

    Meters meters(OperationKey key) {
      Meters found = operations.get(key);
      return found != null ? found : operations.computeIfAbsent(key, this::register);
    }

    private Meters register(OperationKey key) {
      Counter count = Counter.builder(OPERATIONS)
          .description("Envelope operations, by outcome")
          .tag("operation", key.operation.id())
          .tag("suite", key.suite)
          .tag("outcome", key.outcome.id())
          .register(registry);
      Timer duration = Timer.builder(OPERATION_DURATION)
          .description("Time an Envelope operation took, keyring calls included")
          .tag("operation", key.operation.id())
          .tag("suite", key.suite)
          .tag("outcome", key.outcome.id())
          .register(registry);
      return new Meters(count, duration);
    }

    Timer timer(KeyringCall call, Outcome outcome) {
      CallKey key = new CallKey(call, outcome);
      Timer found = calls.get(key);
      return found != null ? found : calls.computeIfAbsent(key, k -> Timer.builder(KEYRING_DURATION)
          .description("Time a keyring took to wrap or unwrap a data key")
          .tag("keyring", k.call.keyring())
          .tag("direction", k.call.direction().id())
          .tag("outcome", k.outcome.id())
          .register(registry));
    }
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

  private record OperationKey(Operation operation, String suite, Outcome outcome) {}

  private record CallKey(KeyringCall call, Outcome outcome) {}

  private record Meters(Counter count, Timer duration) {}
}
