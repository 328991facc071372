package dev.envelope.local;

import java.time.Duration;

/**
 * The optional lifecycle capability of a {@link KeyManager} (as age's {@code RecipientWithLabels}
 * extends a recipient): rotation, disabling and enabling, scheduled destruction and key policies.
 * The {@link LocalKeyStore} implements it; a PKCS#11 token, which has none of these, does not. Test
 * for it with {@code instanceof}.
 *
 * <p>Keys are named by key id or alias wherever {@code key} appears. Every call returns metadata
 * only, never key material. Each change is audited, checked against the key's policy (the
 * administrative {@link KeyOperation}s), durable when the call returns, and reported to
 * {@link KeyStateListener}s when it changes the key's state.
 *
 * <p>Implementations are thread-safe.
 */
public interface KeyLifecycle extends KeyManager {
  /**
   * Adds a version and makes it primary: new data keys are wrapped under it, older versions keep
   * decrypting.
   *
   * @throws KeyStateException unless the key is enabled
   */
  KeyMetadata rotateKey(String key);

  /** Makes the key refuse every cryptographic operation. Idempotent. */
  KeyMetadata disableKey(String key);

  /**
   * Makes a disabled key usable again. Idempotent on an enabled key.
   *
   * @throws KeyStateException if the key is pending destruction (cancel first) or destroyed
   */
  KeyMetadata enableKey(String key);

  /**
   * As {@link #scheduleDestruction(String, Duration)} with {@link
   * KeyManager#DEFAULT_DESTRUCTION_WAIT}.
   */
  default KeyMetadata scheduleDestruction(String key) {
    return scheduleDestruction(key, DEFAULT_DESTRUCTION_WAIT);
  }

  /**
   * Makes the key unusable now and destroyable once {@code waitingPeriod} has passed.
   *
   * @throws IllegalArgumentException if the period is outside [{@link
   *     KeyManager#MIN_DESTRUCTION_WAIT}, {@link KeyManager#MAX_DESTRUCTION_WAIT}]
   * @throws KeyStateException if the key is already pending destruction or destroyed
   */
  KeyMetadata scheduleDestruction(String key, Duration waitingPeriod);

  /**
   * Cancels a scheduled destruction. The key becomes {@link KeyState#DISABLED}; enable it to use it.
   *
   * @throws KeyStateException unless the key is pending destruction
   */
  KeyMetadata cancelDestruction(String key);

  /**
   * Sets the oldest version that may still decrypt (as Vault's {@code min_decryption_version}):
   * after a rotation and a rewrap, data keys wrapped under older versions are refused with a
   * {@link KeyStateException}. Raising and lowering are both allowed (lowering restores
   * decryption); checked and audited as {@link KeyOperation#UPDATE_POLICY}. Encryption is not
   * affected: it always uses the primary version.
   *
   * @throws IllegalArgumentException unless 1 &lt;= {@code version} &lt;= the primary version
   * @throws KeyStateException if the key is destroyed
   */
  KeyMetadata setMinDecryptionVersion(String key, int version);

  /**
   * Replaces the key's policy.
   *
   * @throws KeyStateException if the key is destroyed
   */
  KeyMetadata updatePolicy(String key, KeyPolicy policy);
}
