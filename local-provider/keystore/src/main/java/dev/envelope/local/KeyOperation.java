package dev.envelope.local;

/**
 * What can be done with a master key: the unit of a {@link KeyPolicy} grant and of an {@link
 * AuditEvent}.
 *
 * <p>Key-use operations ({@link #isKeyUse()}) are also checked against the policy's encryption
 * context conditions; administrative operations only against the allowed set and caller grants.
 */
public enum KeyOperation {
  /** Generate a new data key and return it wrapped (a keyring's encrypt without a data key). */
  GENERATE(true),
  /** Wrap a given data key or small blob. */
  ENCRYPT(true),
  /** Unwrap a data key or small blob. */
  DECRYPT(true),
  /** Unwrap under one key and wrap under another (checked on both keys). */
  REWRAP(true),
  /** Create a key. Audited; not subject to a key policy, since the key does not exist yet. */
  CREATE(false),
  /** Add a new primary version. */
  ROTATE(false),
  DISABLE(false),
  ENABLE(false),
  SCHEDULE_DESTRUCTION(false),
  CANCEL_DESTRUCTION(false),
  /** Erase the key material once the waiting period is over. */
  DESTROY(false),
  /** Replace the key's policy or description. */
  UPDATE_POLICY(false),
  /**
   * Hand out a key version's plaintext bytes ({@code exportKeyVersionInsecure}). Not in the
   * {@linkplain KeyPolicy#defaultPolicy() default policy}: a key must be created with a policy that
   * allows it.
   */
  EXPORT(false),
  /**
   * Re-seal every key of the store under a new KEK ({@code LocalKeyStore.changeKek}). Audited
   * without a key id; not subject to key policies.
   */
  CHANGE_KEK(false),
  /**
   * Start a new segment of the key store's audit log: the first record of every segment after the
   * first, chained to the last record of the one before. Written by the log itself; not subject to
   * key policies.
   */
  AUDIT_SEGMENT(false),
  /**
   * Delete old segments of the key store's audit log ({@code LocalKeyStore.pruneAuditLog...}).
   * Audited without a key id; not subject to key policies.
   */
  AUDIT_PRUNE(false);

  private final boolean keyUse;

  KeyOperation(boolean keyUse) {
    this.keyUse = keyUse;
  }

  /** Whether this is a cryptographic use of the key (checked against context conditions). */
  public boolean isKeyUse() {
    return keyUse;
  }
}
