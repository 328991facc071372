package dev.envelope.cache;

import dev.envelope.observe.CacheEvent;
import dev.envelope.observe.EnvelopeObserver;

/**
 * Tells a cache's observer, if it has one, about hits, misses, bypasses, evictions and
 * invalidations, next to where {@link CacheStats} counts them. Without an observer it does nothing
 * but a null check; an observer's exception is swallowed (observation never changes the cache's
 * behaviour). Called under the store's lock for entry events, so observers must be fast.
 */
final class CacheEvents {
  static final CacheEvents NONE = new CacheEvents(null);

  private final EnvelopeObserver observer;

  private CacheEvents(EnvelopeObserver observer) {
    this.observer = observer;
  }

  static CacheEvents of(EnvelopeObserver observer) {
    return observer == null ? NONE : new CacheEvents(observer);
  }

  /** An event about {@code entry}: its side is the kind of materials it holds. */
  void report(CacheEvent.Kind kind, CacheEntry entry) {
    if (observer != null) {
      send(CacheEvent.of(kind, entry instanceof EncryptEntry ? CacheEvent.Side.ENCRYPT : CacheEvent.Side.DECRYPT));
    }
  }

  void report(CacheEvent event) {
    if (observer != null) {
      send(event);
    }
  }

  private void send(CacheEvent event) {
    try {
      observer.cacheEvent(event);
    } catch (RuntimeException e) {
      // Observation never changes what the cache does.
    }
  }
}
