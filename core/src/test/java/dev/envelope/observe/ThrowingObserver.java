package dev.envelope.observe;

import java.util.Set;

/** An observer that throws from every method, and whose handles throw too. */
final class ThrowingObserver implements EnvelopeObserver {
  private final boolean startedThrows;

  ThrowingObserver() {
    this(false);
  }

  /** With {@code startedThrows}, {@link #started} itself throws; otherwise its handles do. */
  ThrowingObserver(boolean startedThrows) {
    this.startedThrows = startedThrows;
  }

  @Override
  public OperationObservation started(Operation operation, boolean streaming) {
    if (startedThrows) {
      throw new IllegalStateException("observer failure: started");
    }
    return new OperationObservation() {
      @Override
      public KeyringCallObservation keyringCallStarted(KeyringCall call) {
        return result -> {
          throw new IllegalStateException("observer failure: keyring call ended");
        };
      }

      @Override
      public void ended(OperationResult result) {
        throw new IllegalStateException("observer failure: ended");
      }
    };
  }

  @Override
  public void cacheEvent(CacheEvent event) {
    throw new IllegalStateException("observer failure: cache event");
  }

  @Override
  public Set<String> recordedContextKeys() {
    throw new IllegalStateException("observer failure: recordedContextKeys");
  }
}
