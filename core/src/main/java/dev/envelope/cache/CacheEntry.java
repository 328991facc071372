package dev.envelope.cache;

import dev.envelope.DataKey;
import dev.envelope.EncryptedDataKey;
import java.util.List;

/**
 * One cached data key and what it was loaded for. The entry owns {@link #dataKey}, the cache's own
 * copy, which {@link MaterialsStore} zeroes when the entry is evicted, always under its lock.
 */
abstract class CacheEntry {
  final EntryKey key;
  final long createdNanos;
  /** The cache's own copy; zeroed when the entry is evicted, always under the store's lock. */
  final DataKey dataKey;
  /** What invalidation tests: the materials' EDKs (encrypt) or the message's EDKs (decrypt). */
  final List<EncryptedDataKey> encryptedDataKeys;

  CacheEntry(
      EntryKey key, long createdNanos, DataKey dataKey, List<EncryptedDataKey> encryptedDataKeys) {
    this.key = key;
    this.createdNanos = createdNanos;
    this.dataKey = dataKey;
    this.encryptedDataKeys = List.copyOf(encryptedDataKeys);
  }
}
