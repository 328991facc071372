package dev.envelope.localkms;

import dev.envelope.localkms.internal.FaultDecision;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * The endpoint's test hooks on every authenticated call of a known operation: counts it, then asks
 * the {@link KmsFaults} which fault, if any, to inject. Thread-safe.
 */
final class KmsCallStats {
  private final Map<KmsOperation, LongAdder> calls = new EnumMap<>(KmsOperation.class);
  private final KmsFaults faults;

  KmsCallStats(KmsFaults faults) {
    this.faults = Objects.requireNonNull(faults, "faults");
    for (KmsOperation op : KmsOperation.values()) {
      calls.put(op, new LongAdder());
    }
  }

  /** Counts a call of {@code op} and returns the fault to inject. */
  FaultDecision onCall(KmsOperation op) {
    calls.get(op).increment();
    return faults.decide(op);
  }

  /** The calls of {@code operation} since start or the last {@link #reset()}. */
  long count(KmsOperation operation) {
    return calls.get(Objects.requireNonNull(operation, "operation")).sum();
  }

  /** Every non-zero count. */
  Map<KmsOperation, Long> counts() {
    Map<KmsOperation, Long> out = new EnumMap<>(KmsOperation.class);
    calls.forEach(
        (op, n) -> {
          long sum = n.sum();
          if (sum > 0) {
            out.put(op, sum);
          }
        });
    return Collections.unmodifiableMap(out);
  }

  void reset() {
    calls.values().forEach(LongAdder::reset);
  }
}
