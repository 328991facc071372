package dev.envelope.cache;

import dev.envelope.DataKey;
import dev.envelope.DecryptionMaterials;
import dev.envelope.EncryptedDataKey;
import java.util.List;

/** A cached decryption data key; decrypt entries have no usage limits, only the age. */
final class DecryptEntry extends CacheEntry {
  /** The materials without a data key; each hit adds its own copy. */
  final DecryptionMaterials template;

  DecryptEntry(
      EntryKey key,
      long createdNanos,
      DataKey dataKey,
      List<EncryptedDataKey> encryptedDataKeys,
      DecryptionMaterials template) {
    super(key, createdNanos, dataKey, encryptedDataKeys);
    this.template = template;
  }
}
