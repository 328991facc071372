package dev.envelope.cache;

/**
 * The time source of a {@link CachingMaterialsManager}: a monotonic reading in nanoseconds, used
 * only to measure the age of cache entries. Injected so tests can advance time by hand.
 *
 * <p>Readings are differences from an arbitrary origin, like {@link System#nanoTime()}; they must
 * never decrease. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Ticker {
  /** Nanoseconds since an arbitrary, fixed origin. */
  long read();

  /** The system's monotonic clock, {@link System#nanoTime()}. */
  static Ticker system() {
    return System::nanoTime;
  }
}
