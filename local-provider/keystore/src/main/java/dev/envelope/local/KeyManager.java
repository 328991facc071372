package dev.envelope.local;

import java.time.Duration;
import java.util.List;

/**
 * Key lifecycle: the "key management" half of Envelope, one interface for every key source that
 * manages keys (the {@link LocalKeyStore}; {@code Pkcs11KeyManager} for the operations a PKCS#11
 * token allows, throwing {@link UnsupportedOperationException} for the others, and destroying
 * without a waiting period).
 *
 * <p>Keys are named by key id or alias wherever {@code key} appears. Every call returns metadata
 * only, never key material. Each change is audited, checked against the key's policy (the
 * administrative {@link KeyOperation}s), durable when the call returns, and reported to
 * {@link KeyStateListener}s when it changes the key's state.
 *
 * <p>Implementations are thread-safe.
 */
public interface KeyManager {
  /** The shortest destruction waiting period accepted. */
  Duration MIN_DESTRUCTION_WAIT = Duration.ofDays(1);
  /** The longest destruction waiting period accepted. */
  Duration MAX_DESTRUCTION_WAIT = Duration.ofDays(365);
  /** The waiting period of {@link #scheduleDestruction(String)}. */
  Duration DEFAULT_DESTRUCTION_WAIT = Duration.ofDays(30);

  /**
   * Creates an enabled key with one version.
   *
   * @throws IllegalArgumentException if the alias is already in use
   */
  KeyMetadata createKey(CreateKeyRequest request);

  /** All keys, including destroyed ones (as metadata), ordered by creation time. */
  List<KeyMetadata> listKeys();

  /** @throws KeyNotFoundException if there is no such key */
  KeyMetadata describeKey(String key);

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

  /** As {@link #scheduleDestruction(String, Duration)} with {@link #DEFAULT_DESTRUCTION_WAIT}. */
  default KeyMetadata scheduleDestruction(String key) {
    return scheduleDestruction(key, DEFAULT_DESTRUCTION_WAIT);
  }

  /**
   * Makes the key unusable now and destroyable once {@code waitingPeriod} has passed.
   *
   * @throws IllegalArgumentException if the period is outside [{@link #MIN_DESTRUCTION_WAIT},
   *     {@link #MAX_DESTRUCTION_WAIT}]
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
   * Erases the key material of every version. Old messages then fail with {@link
   * KeyDestroyedException} naming the key.
   *
   * @throws KeyStateException unless the key is pending destruction and its waiting period is over
   */
  KeyMetadata destroyKey(String key);

  /**
   * Replaces the key's policy.
   *
   * @throws KeyStateException if the key is destroyed
   */
  KeyMetadata updatePolicy(String key, KeyPolicy policy);

  /** Registers an incident-response listener, see {@link KeyStateListener}. */
  void addKeyStateListener(KeyStateListener listener);
}
