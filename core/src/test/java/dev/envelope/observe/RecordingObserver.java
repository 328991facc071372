package dev.envelope.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Records every event it hears, in order, as objects and as one line each ({@link #lines}); the
 * thread-safety of a real observer is not needed by these single-threaded tests, but the lists are
 * synchronized anyway.
 */
final class RecordingObserver implements EnvelopeObserver {
  /** One event: what it was and the object the observer was handed. */
  record Event(String kind, Object payload) {
    @Override
    public String toString() {
      return kind + " " + payload;
    }
  }

  private final Set<String> recorded;
  final List<Event> events = new ArrayList<>();
  final List<OperationResult> results = new ArrayList<>();
  final List<KeyringCallResult> keyringResults = new ArrayList<>();
  final List<CacheEvent> cacheEvents = new ArrayList<>();

  RecordingObserver() {
    this(Set.of());
  }

  RecordingObserver(Set<String> recorded) {
    this.recorded = recorded;
  }

  @Override
  public synchronized OperationObservation started(Operation operation, boolean streaming) {
    events.add(new Event("started", operation + (streaming ? " stream" : "")));
    return new OperationObservation() {
      @Override
      public KeyringCallObservation keyringCallStarted(KeyringCall call) {
        synchronized (RecordingObserver.this) {
          events.add(new Event("call", call));
        }
        return result -> {
          synchronized (RecordingObserver.this) {
            events.add(new Event("called", call.keyring() + " " + result));
            keyringResults.add(result);
          }
        };
      }

      @Override
      public void ended(OperationResult result) {
        synchronized (RecordingObserver.this) {
          events.add(new Event("ended", result));
          results.add(result);
        }
      }
    };
  }

  @Override
  public synchronized void cacheEvent(CacheEvent event) {
    events.add(new Event("cache", event));
    cacheEvents.add(event);
  }

  @Override
  public Set<String> recordedContextKeys() {
    return recorded;
  }

  /** The event kinds with their short payloads, e.g. {@code started ENCRYPT}, {@code call KeyringCall[RawAesKeyring wrap]}. */
  synchronized List<String> kinds() {
    return events.stream()
        .map(e -> e.kind().equals("ended") ? "ended " + ((OperationResult) e.payload()).outcome() : e.kind()
            + (e.kind().equals("called") ? "" : " " + e.payload()))
        .collect(Collectors.toList());
  }

  /** The single result; fails unless exactly one operation ended. */
  synchronized OperationResult only() {
    if (results.size() != 1) {
      throw new AssertionError("expected one operation result, got " + results);
    }
    return results.get(0);
  }

  /**
   * Every field of every event rendered as text: toString plus each accessor, so a value that
   * leaks anywhere shows up.
   */
  synchronized String everything() {
    StringBuilder s = new StringBuilder();
    for (Event e : events) {
      s.append(e).append('\n');
    }
    for (OperationResult r : results) {
      s.append(r.operation()).append(r.streaming()).append(r.suite()).append(r.plaintextBytes())
          .append(r.messageBytes()).append(r.contextKeys()).append(r.contextValues())
          .append(r.encryptedDataKeys()).append(r.keyProviderIds()).append(r.outcome())
          .append(r.failure()).append(r.durationNanos()).append('\n');
    }
    for (KeyringCallResult r : keyringResults) {
      s.append(r.outcome()).append(r.durationNanos()).append(r.failure()).append(r.keyProviderIds()).append('\n');
    }
    return s.toString();
  }
}
