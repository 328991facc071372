package dev.envelope.cache;

/**
 * A snapshot of a {@link CachingMaterialsManager}'s counters since it was built. Immutable.
 *
 * <p>Every call of the underlying manager is either a miss or a bypass, so {@code missCount() +
 * bypassCount()} is the number of underlying calls.
 */
public final class CacheStats {
  private final long hitCount;
  private final long missCount;
  private final long bypassCount;
  private final long evictionCount;
  private final int entryCount;

  CacheStats(long hitCount, long missCount, long bypassCount, long evictionCount, int entryCount) {
    this.hitCount = hitCount;
    this.missCount = missCount;
    this.bypassCount = bypassCount;
    this.evictionCount = evictionCount;
    this.entryCount = entryCount;
  }

  /** Requests served from a cache entry, without calling the underlying manager. */
  public long hitCount() {
    return hitCount;
  }

  /**
   * Cacheable requests that found no usable entry and called the underlying manager (the one
   * caller that loads an entry for concurrent requests; the others count as hits).
   */
  public long missCount() {
    return missCount;
  }

  /**
   * Requests the cache never serves, passed straight to the underlying manager: suites without a
   * key derivation, requests longer than the byte limit, unknown-length streams under a finite
   * byte limit.
   */
  public long bypassCount() {
    return bypassCount;
  }

  /**
   * Entries removed and zeroized for any reason: capacity, age, usage limits, replacement,
   * invalidation.
   */
  public long evictionCount() {
    return evictionCount;
  }

  /** Live entries when the snapshot was taken (expired ones are removed first). */
  public int entryCount() {
    return entryCount;
  }

  @Override
  public String toString() {
    return "CacheStats[hits=" + hitCount + ", misses=" + missCount + ", bypasses=" + bypassCount
        + ", evictions=" + evictionCount + ", entries=" + entryCount + "]";
  }
}
