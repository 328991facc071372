package dev.envelope.cache;

import dev.envelope.EncryptedDataKey;
import dev.envelope.cache.SingleFlight.Flight;
import dev.envelope.observe.CacheEvent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Predicate;

/**
 * The engine behind {@link CachingMaterialsManager}: entries in LRU order with a capacity, expiry
 * by age, single-flight loads, invalidation generations and the counters. Knows nothing of what
 * materials are; the manager passes the rules in as functions. Thread-safe: all state is guarded
 * by one lock, and loads run outside it.
 */
final class MaterialsStore {
  /**
   * The rules for one kind of materials, passed in once per lookup with the request they apply
   * to; the manager keeps one instance per kind, so a lookup allocates no lambdas.
   *
   * @param <Q> the request
   * @param <M> the materials
   */
  interface Loader<Q, M> {
    /**
     * Under the lock: materials (with their own data key copy) from {@code entry} for {@code
     * request}, or null if the entry cannot serve it; it is then evicted.
     */
    M serve(CacheEntry entry, EntryKey key, Q request);

    /** Outside the lock: calls the underlying manager. */
    M load(Q request);

    /**
     * Under the lock: an entry owning the loaded materials' data key, or null to return them
     * uncached.
     */
    CacheEntry create(EntryKey key, Q request, M loaded, long nowNanos);
  }

  private final long maxAgeNanos;
  private final int capacity;
  private final Ticker ticker;
  private final CacheEvents events;

  private final Object lock = new Object();
  // All guarded by lock. Both maps hold the same entries: byAccess in LRU order (for capacity),
  // byCreation in creation order, which is expiry order since every entry has the same max age.
  private final LinkedHashMap<EntryKey, CacheEntry> byAccess = new LinkedHashMap<>(16, 0.75f, true);
  private final LinkedHashMap<EntryKey, CacheEntry> byCreation = new LinkedHashMap<>();
  private final SingleFlight<EntryKey> flights = new SingleFlight<>();
  private long generation;
  /**
   * A lower bound on the creation time of the oldest entry, so that a lookup can tell that
   * nothing has expired without walking (or allocating an iterator over) the creation order.
   * Meaningful only while byCreation is not empty.
   */
  private long oldestCreatedNanos;
  private long hits;
  private long misses;
  private long bypasses;
  private long evictions;

  MaterialsStore(long maxAgeNanos, int capacity, Ticker ticker) {
    this(maxAgeNanos, capacity, ticker, CacheEvents.NONE);
  }

  MaterialsStore(long maxAgeNanos, int capacity, Ticker ticker, CacheEvents events) {
    this.maxAgeNanos = maxAgeNanos;
    this.capacity = capacity;
    this.ticker = ticker;
    this.events = events;
  }

  /**
   * Serves {@code key} from the cache, or loads it once for all concurrent callers; {@code loader}
   * supplies the rules (see {@link Loader}). A hit allocates nothing here beyond what {@link
   * Loader#serve} hands out.
   */
  <Q, M> M lookup(EntryKey key, Q request, Loader<Q, M> loader) {
    while (true) {
      Flight flight;
      long loadGeneration;
      synchronized (lock) {
        long now = ticker.read();
        evictExpired(now);
        CacheEntry entry = byAccess.get(key);
        if (entry != null) {
          M hit = isExpired(entry, now) ? null : loader.serve(entry, key, request);
          if (hit != null) {
            hits++;
            events.report(CacheEvent.Kind.HIT, entry);
            return hit;
          }
          evict(entry);
        }
        Flight running = flights.running(key);
        if (running != null) {
          flight = running;
          loadGeneration = -1;
        } else {
          flight = flights.start(key);
          loadGeneration = generation;
          misses++;
        }
      }
      if (loadGeneration < 0) {
        // Another caller is loading this entry: wait, then look again (or fail as it did).
        flight.await();
        continue;
      }
      return loadAndStore(key, request, flight, loadGeneration, loader);
    }
  }

  private <Q, M> M loadAndStore(
      EntryKey key, Q request, Flight flight, long loadGeneration, Loader<Q, M> loader) {
    Throwable failure = null;
    try {
      M loaded = loader.load(request);
      synchronized (lock) {
        if (loadGeneration != generation) {
          // An invalidation ran during the load: the key may be one that was just disabled.
          return loaded;
        }
        CacheEntry entry = loader.create(key, request, loaded, ticker.read());
        if (entry == null) {
          return loaded;
        }
        insert(entry);
        M served = loader.serve(entry, key, request);
        if (served == null) {
          evict(entry);
          throw new IllegalStateException(
              "a fresh cache entry refused its first request; this is a bug in the cache");
        }
        return served;
      }
    } catch (RuntimeException | Error e) {
      failure = e;
      throw e;
    } finally {
      synchronized (lock) {
        flights.remove(key, flight);
      }
      flight.finish(failure);
    }
  }

  /** Under the lock. */
  private void insert(CacheEntry entry) {
    CacheEntry old = byCreation.get(entry.key);
    if (old != null) {
      evict(old);
    }
    if (byCreation.isEmpty() || entry.createdNanos - oldestCreatedNanos < 0) {
      oldestCreatedNanos = entry.createdNanos;
    }
    byAccess.put(entry.key, entry);
    byCreation.put(entry.key, entry);
    while (byAccess.size() > capacity) {
      evict(byAccess.values().iterator().next());
    }
  }

  /** Under the lock: removes {@code entry} (which must be cached) and zeroes its data key. */
  private void evict(CacheEntry entry) {
    evict(entry, CacheEvent.Kind.EVICTION);
  }

  /** Under the lock: as {@link #evict(CacheEntry)}, reported as {@code kind}. */
  private void evict(CacheEntry entry, CacheEvent.Kind kind) {
    byAccess.remove(entry.key);
    byCreation.remove(entry.key);
    entry.dataKey.destroy();
    evictions++;
    events.report(kind, entry);
  }

  /**
   * Under the lock: creation order is expiry order, so stop at the first live entry. Removing
   * entries only makes the oldest younger, so {@code oldestCreatedNanos} stays a lower bound until
   * the walk below finds the oldest live entry.
   */
  private void evictExpired(long now) {
    if (byCreation.isEmpty() || now - oldestCreatedNanos < maxAgeNanos) {
      return;
    }
    Iterator<CacheEntry> it = byCreation.values().iterator();
    while (it.hasNext()) {
      CacheEntry entry = it.next();
      if (!isExpired(entry, now)) {
        oldestCreatedNanos = entry.createdNanos;
        return;
      }
      it.remove();
      byAccess.remove(entry.key);
      entry.dataKey.destroy();
      evictions++;
      events.report(CacheEvent.Kind.EVICTION, entry);
    }
  }

  private boolean isExpired(CacheEntry entry, long now) {
    return now - entry.createdNanos >= maxAgeNanos;
  }

  /** Counts a request passed straight through to the underlying manager. */
  void countBypass() {
    synchronized (lock) {
      bypasses++;
    }
  }

  /** Evicts every entry and zeroes its data key; loads running meanwhile are not cached. */
  int invalidateAll() {
    synchronized (lock) {
      generation++;
      int n = byCreation.size();
      for (CacheEntry entry : byCreation.values()) {
        entry.dataKey.destroy();
        events.report(CacheEvent.Kind.INVALIDATION, entry);
      }
      byAccess.clear();
      byCreation.clear();
      evictions += n;
      return n;
    }
  }

  /** Evicts the entries whose EDKs match; {@code predicate} runs outside the lock. */
  int invalidateIf(Predicate<? super List<EncryptedDataKey>> predicate) {
    List<CacheEntry> snapshot;
    synchronized (lock) {
      generation++;
      snapshot = new ArrayList<>(byCreation.values());
    }
    List<CacheEntry> doomed = new ArrayList<>();
    for (CacheEntry entry : snapshot) {
      if (predicate.test(entry.encryptedDataKeys)) {
        doomed.add(entry);
      }
    }
    int n = 0;
    synchronized (lock) {
      for (CacheEntry entry : doomed) {
        if (byCreation.get(entry.key) == entry) {
          evict(entry, CacheEvent.Kind.INVALIDATION);
          n++;
        }
      }
    }
    return n;
  }

  /** A snapshot of the counters; expired entries are evicted first. */
  CacheStats stats() {
    synchronized (lock) {
      evictExpired(ticker.read());
      return new CacheStats(hits, misses, bypasses, evictions, byAccess.size());
    }
  }

  /** How many callers are waiting for another caller's load. */
  int waitingCallers() {
    synchronized (lock) {
      return flights.waiters();
    }
  }

  /** Bytes charged to the encrypt entry with these encrypted data keys, or -1. */
  long bytesCharged(List<EncryptedDataKey> encryptedDataKeys) {
    synchronized (lock) {
      for (CacheEntry entry : byCreation.values()) {
        if (entry instanceof EncryptEntry && entry.encryptedDataKeys.equals(encryptedDataKeys)) {
          return ((EncryptEntry) entry).bytesUsed();
        }
      }
      return -1;
    }
  }
}
