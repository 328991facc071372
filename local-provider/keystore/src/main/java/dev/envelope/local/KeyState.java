package dev.envelope.local;

/**
 * The lifecycle state of a master key.
 *
 * <pre>
 *   ENABLED ⇄ DISABLED
 *   ENABLED | DISABLED → PENDING_DESTRUCTION  (scheduleDestruction)
 *   PENDING_DESTRUCTION → DISABLED            (cancelDestruction)
 *   PENDING_DESTRUCTION → DESTROYED           (destroy, once the waiting period is over)
 * </pre>
 *
 * Only an {@link #ENABLED} key encrypts or decrypts. A {@link #DESTROYED} key keeps its metadata
 * (so errors can name it) but its key material is gone for good.
 */
public enum KeyState {
  /** Usable for every operation its policy allows. */
  ENABLED,
  /** Refuses every cryptographic operation until enabled again. */
  DISABLED,
  /** Refuses every cryptographic operation; destroyed once the waiting period ends unless cancelled. */
  PENDING_DESTRUCTION,
  /** The key material is erased; messages under this key can no longer be decrypted. */
  DESTROYED
}
