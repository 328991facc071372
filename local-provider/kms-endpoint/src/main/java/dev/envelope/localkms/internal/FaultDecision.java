package dev.envelope.localkms.internal;

import java.time.Duration;

/** What the fault injector decided for one call: a fault kind (or none) and a latency to add. */
public record FaultDecision(Kind kind, Duration latency) {
  /** No fault, no latency. */
  public static final FaultDecision NONE = new FaultDecision(Kind.NONE, Duration.ZERO);

  /** The kinds of injected fault. */
  public enum Kind {
    NONE,
    THROTTLE,
    INTERNAL_ERROR,
    DROP_CONNECTION
  }
}
