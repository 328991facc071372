package dev.envelope.cache;

import dev.envelope.DataKey;
import dev.envelope.EncryptionMaterials;
import java.util.concurrent.atomic.AtomicLong;

/** A cached encryption data key with its message and byte usage. */
final class EncryptEntry extends CacheEntry {
  /** The materials without a data key; each hit adds its own copy. */
  final EncryptionMaterials template;
  /** Guarded by the store's lock. */
  private long messagesUsed;
  /** Charged under the lock by requests and without it by stream meters ({@link UseMeter}). */
  private final AtomicLong bytesUsed = new AtomicLong();

  EncryptEntry(EntryKey key, long createdNanos, DataKey dataKey, EncryptionMaterials template) {
    super(key, createdNanos, dataKey, template.encryptedDataKeys());
    this.template = template;
  }

  /** Under the lock: counts one more message of {@code bytes}, if both stay within limits. */
  boolean tryUse(long bytes, long messageLimit, long byteLimit) {
    if (messagesUsed >= messageLimit || !tryCharge(bytes, byteLimit)) {
      return false;
    }
    messagesUsed++;
    return true;
  }

  /** Charges {@code bytes} if the total stays within {@code byteLimit}; thread-safe. */
  boolean tryCharge(long bytes, long byteLimit) {
    while (true) {
      long used = bytesUsed.get();
      if (bytes > byteLimit - used) {
        return false;
      }
      if (bytesUsed.compareAndSet(used, used + bytes)) {
        return true;
      }
    }
  }

  /** The bytes charged so far. */
  long bytesUsed() {
    return bytesUsed.get();
  }
}
