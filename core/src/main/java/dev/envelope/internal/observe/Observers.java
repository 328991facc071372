package dev.envelope.internal.observe;

import dev.envelope.observe.EnvelopeObserver;
import dev.envelope.observe.Operation;
import dev.envelope.observe.OperationObservation;
import java.util.Objects;
import java.util.Set;

/**
 * A registered {@link EnvelopeObserver} with its allow-list of context keys, read once. Starts an
 * {@link Observation} per operation; never lets the observer's exceptions through.
 */
public final class Observers {
  private final EnvelopeObserver observer;
  private final Set<String> recordedContextKeys;

  private Observers(EnvelopeObserver observer, Set<String> recordedContextKeys) {
    this.observer = observer;
    this.recordedContextKeys = recordedContextKeys;
  }

  /** Registers {@code observer}: reads its allow-list now (an allow-list that throws is empty). */
  public static Observers of(EnvelopeObserver observer) {
    Objects.requireNonNull(observer, "observer");
    Set<String> keys;
    try {
      Set<String> given = observer.recordedContextKeys();
      keys = given == null ? Set.of() : Set.copyOf(given);
    } catch (RuntimeException e) {
      keys = Set.of();
    }
    Observation.activate();
    return new Observers(observer, keys);
  }

  /** The allow-list read at registration. */
  public Set<String> recordedContextKeys() {
    return recordedContextKeys;
  }

  /** Tells the observer that {@code operation} begins; the caller ends the result exactly once. */
  public Observation start(Operation operation, boolean streaming) {
    OperationObservation handle;
    try {
      handle = observer.started(operation, streaming);
    } catch (RuntimeException e) {
      handle = null;
    }
    return new Observation(
        handle == null ? OperationObservation.NONE : handle, operation, streaming, recordedContextKeys);
  }

  @Override
  public String toString() {
    return "Observers[" + observer.getClass().getName() + "]";
  }
}
