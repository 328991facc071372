package dev.envelope.cache;

import dev.envelope.KeyProviderException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The loads running per key, so that concurrent misses for one key make a single load and the
 * other callers wait for it. Not thread-safe: every method is called under the owner's lock, while
 * {@link Flight#await()} and {@link Flight#finish} are called outside it.
 */
final class SingleFlight<K> {
  private final Map<K, Flight> inFlight = new HashMap<>();

  /** The load running for {@code key}, or null. */
  Flight running(K key) {
    return inFlight.get(key);
  }

  /** Registers and returns a new load for {@code key}; none may be running. */
  Flight start(K key) {
    Flight flight = new Flight();
    inFlight.put(key, flight);
    return flight;
  }

  /** Forgets {@code flight} if it is still the load registered for {@code key}. */
  void remove(K key, Flight flight) {
    inFlight.remove(key, flight);
  }

  /** How many callers are waiting for a load, over all keys. */
  int waiters() {
    int n = 0;
    for (Flight flight : inFlight.values()) {
      n += flight.waiters.get();
    }
    return n;
  }

  /** One running load, which concurrent missing callers wait for. */
  static final class Flight {
    private final CountDownLatch done = new CountDownLatch(1);
    private final AtomicInteger waiters = new AtomicInteger();
    private volatile Throwable failure;

    private Flight() {}

    /** Ends the load, with the exception it failed with or null; wakes every waiter. */
    void finish(Throwable failure) {
      this.failure = failure;
      done.countDown();
    }

    /** Waits for the load to end; rethrows its exception if it failed. */
    void await() {
      waiters.incrementAndGet();
      try {
        done.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new KeyProviderException(
            "interrupted while waiting for another thread to load the same materials", e);
      } finally {
        waiters.decrementAndGet();
      }
      Throwable f = failure;
      if (f instanceof RuntimeException) {
        throw (RuntimeException) f;
      }
      if (f instanceof Error) {
        throw (Error) f;
      }
    }
  }
}
