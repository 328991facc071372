package dev.envelope.local;

import java.time.Duration;
import java.util.List;

/**
 * Key management: the operations every key source that manages keys offers (create, list,
 * describe, destroy). A source with a full lifecycle (rotation, disabling, scheduled destruction,
 * key policies) also implements the optional capability {@link KeyLifecycle}, as the {@link
 * LocalKeyStore} does; {@code Pkcs11KeyManager} implements this interface only, since a token key
 * has one version, no disabled state and no waiting period. Check with {@code instanceof
 * KeyLifecycle} before offering lifecycle operations.
 *
 * <p>Keys are named by key id or alias wherever {@code key} appears. Every call returns metadata
 * only, never key material. Each change is audited, checked against the key's policy (the
 * administrative {@link KeyOperation}s), durable when the call returns, and reported to
 * {@link KeyStateListener}s when it changes the key's state.
 *
 * <p>Implementations are thread-safe.
 */
public interface KeyManager {
  /** The shortest destruction waiting period {@link KeyLifecycle#scheduleDestruction} accepts. */
  Duration MIN_DESTRUCTION_WAIT = Duration.ofDays(1);
  /** The longest destruction waiting period {@link KeyLifecycle#scheduleDestruction} accepts. */
  Duration MAX_DESTRUCTION_WAIT = Duration.ofDays(365);
  /** The waiting period of {@link KeyLifecycle#scheduleDestruction(String)}. */
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
   * Erases the key material of every version. Old messages then fail with {@link
   * KeyDestroyedException} naming the key. A {@link KeyLifecycle} destroys only a key whose
   * scheduled destruction is due; a source without one (a PKCS#11 token) destroys at once.
   *
   * @throws KeyStateException if the source has a lifecycle and the key is not pending destruction
   *     with its waiting period over
   */
  KeyMetadata destroyKey(String key);

  /** Registers an incident-response listener, see {@link KeyStateListener}. */
  void addKeyStateListener(KeyStateListener listener);
}
