package dev.envelope.cache;

import dev.envelope.AlgorithmSuite;
import dev.envelope.CommitmentPolicy;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionContext;
import java.util.List;
import java.util.Set;

/**
 * The entry keys of a manager's last encrypt and last decrypt lookup, reused while requests keep
 * asking for the same thing (the usual case: one context per caller, or repeated reads of one
 * message), so that a hit allocates nothing but what it hands out. A request is matched against
 * the last key by content, without hashing; on a mismatch a new key is made and remembered.
 *
 * <p>Plain fields, on purpose: a racy read sees null, a stale key or a current one, each correct to
 * use since keys are immutable (final fields) and checked against the request before use.
 */
final class LastEntryKeys {
  private final String partition;
  private EntryKey encrypt;
  private EntryKey decrypt;

  LastEntryKeys(String partition) {
    this.partition = partition;
  }

  EntryKey encrypt(
      AlgorithmSuite suite,
      CommitmentPolicy policy,
      Set<String> requiredContextKeys,
      EncryptionContext context) {
    EntryKey key = encrypt;
    if (key == null || !key.isEncryptFor(suite, policy, requiredContextKeys, context)) {
      key = EntryKey.encrypt(partition, suite, policy, requiredContextKeys, context);
      encrypt = key;
    }
    return key;
  }

  EntryKey decrypt(
      AlgorithmSuite suite,
      CommitmentPolicy policy,
      List<EncryptedDataKey> encryptedDataKeys,
      EncryptionContext storedContext,
      EncryptionContext reproducedContext) {
    EntryKey key = decrypt;
    if (key == null
        || !key.isDecryptFor(suite, policy, encryptedDataKeys, storedContext, reproducedContext)) {
      key =
          EntryKey.decrypt(
              partition, suite, policy, encryptedDataKeys, storedContext, reproducedContext);
      decrypt = key;
    }
    return key;
  }
}
