package dev.envelope.localkms;

import dev.envelope.localkms.internal.FaultDecision;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Faults injected into a running {@link LocalKmsServer}, per operation, changeable at any time while the
 * server runs: throttling ({@code ThrottlingException}, HTTP 400, as KMS throttles), internal
 * errors ({@code KMSInternalException}, HTTP 500), dropped connections (the TCP connection is
 * closed without a response) and added latency.
 *
 * <pre>{@code
 * server.faults().on(KmsOperation.GENERATE_DATA_KEY).throttleNext(2);   // next 2 calls throttled
 * server.faults().onAll().latency(Duration.ofMillis(50));               // every call 50 ms slower
 * server.faults().on(KmsOperation.DECRYPT).internalError(0.25);         // 1 in 4 Decrypts fail
 * server.faults().clear();
 * }</pre>
 *
 * <p>For each call the rule for all operations is applied first, then the operation's own rule; in
 * each, a pending "next N" count wins over a fraction, and a dropped connection wins over an
 * internal error, which wins over throttling. An operation's own latency replaces the latency set
 * for all operations. Faults apply only to authenticated requests, after they are counted (see
 * {@link LocalKmsServer#callCount(KmsOperation)}).
 *
 * <p>Thread-safe.
 */
public final class KmsFaults {
  private final Rule all = new Rule();
  private final Map<KmsOperation, Rule> rules = new EnumMap<>(KmsOperation.class);
  private volatile Random seeded;

  KmsFaults() {
    for (KmsOperation op : KmsOperation.values()) {
      rules.put(op, new Rule());
    }
  }

  /** The rule for one operation. */
  public Rule on(KmsOperation operation) {
    return rules.get(Objects.requireNonNull(operation, "operation"));
  }

  /** The rule applied to every operation (before each operation's own rule). */
  public Rule onAll() {
    return all;
  }

  /** Makes fractional faults reproducible (for single-threaded tests). */
  public KmsFaults seed(long seed) {
    this.seeded = new Random(seed);
    return this;
  }

  /** Removes every injected fault. */
  public void clear() {
    all.clear();
    for (Rule rule : rules.values()) {
      rule.clear();
    }
  }

  FaultDecision decide(KmsOperation operation) {
    FaultDecision.Kind kind = all.pick(this);
    if (kind == FaultDecision.Kind.NONE) {
      kind = rules.get(operation).pick(this);
    }
    Duration latency = rules.get(operation).latency;
    if (latency.isZero()) {
      latency = all.latency;
    }
    return new FaultDecision(kind, latency);
  }

  private double nextDouble() {
    Random r = seeded;
    return r != null ? r.nextDouble() : ThreadLocalRandom.current().nextDouble();
  }

  /** Faults for one operation (or for all). Setters replace the previous value. */
  public static final class Rule {
    private final AtomicInteger dropNext = new AtomicInteger();
    private final AtomicInteger errorNext = new AtomicInteger();
    private final AtomicInteger throttleNext = new AtomicInteger();
    private volatile double dropFraction;
    private volatile double errorFraction;
    private volatile double throttleFraction;
    private volatile Duration latency = Duration.ZERO;

    private Rule() {}

    /** Throttles this fraction of calls, 0.0 to 1.0. */
    public Rule throttle(double fraction) {
      throttleFraction = checkFraction(fraction);
      return this;
    }

    /** Throttles the next {@code calls} calls. */
    public Rule throttleNext(int calls) {
      throttleNext.set(checkCount(calls));
      return this;
    }

    /** Fails this fraction of calls with {@code KMSInternalException} (HTTP 500). */
    public Rule internalError(double fraction) {
      errorFraction = checkFraction(fraction);
      return this;
    }

    /** Fails the next {@code calls} calls with {@code KMSInternalException} (HTTP 500). */
    public Rule internalErrorNext(int calls) {
      errorNext.set(checkCount(calls));
      return this;
    }

    /** Closes the connection without a response on this fraction of calls. */
    public Rule dropConnection(double fraction) {
      dropFraction = checkFraction(fraction);
      return this;
    }

    /** Closes the connection without a response on the next {@code calls} calls. */
    public Rule dropConnectionNext(int calls) {
      dropNext.set(checkCount(calls));
      return this;
    }

    /** Delays every call by this much before it is answered (or failed). */
    public Rule latency(Duration latency) {
      Objects.requireNonNull(latency, "latency");
      if (latency.isNegative() || latency.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException("latency must be between 0 and 10 minutes: " + latency);
      }
      this.latency = latency;
      return this;
    }

    /** Removes every fault of this rule. */
    public Rule clear() {
      dropNext.set(0);
      errorNext.set(0);
      throttleNext.set(0);
      dropFraction = 0;
      errorFraction = 0;
      throttleFraction = 0;
      latency = Duration.ZERO;
      return this;
    }

    private FaultDecision.Kind pick(KmsFaults owner) {
      if (takeOne(dropNext)) {
        return FaultDecision.Kind.DROP_CONNECTION;
      }
      if (takeOne(errorNext)) {
        return FaultDecision.Kind.INTERNAL_ERROR;
      }
      if (takeOne(throttleNext)) {
        return FaultDecision.Kind.THROTTLE;
      }
      if (dropFraction > 0 && owner.nextDouble() < dropFraction) {
        return FaultDecision.Kind.DROP_CONNECTION;
      }
      if (errorFraction > 0 && owner.nextDouble() < errorFraction) {
        return FaultDecision.Kind.INTERNAL_ERROR;
      }
      if (throttleFraction > 0 && owner.nextDouble() < throttleFraction) {
        return FaultDecision.Kind.THROTTLE;
      }
      return FaultDecision.Kind.NONE;
    }

    private static boolean takeOne(AtomicInteger counter) {
      return counter.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }

    private static double checkFraction(double fraction) {
      if (!(fraction >= 0.0 && fraction <= 1.0)) {
        throw new IllegalArgumentException("fraction must be between 0.0 and 1.0: " + fraction);
      }
      return fraction;
    }

    private static int checkCount(int calls) {
      if (calls < 0) {
        throw new IllegalArgumentException("calls cannot be negative: " + calls);
      }
      return calls;
    }
  }
}
