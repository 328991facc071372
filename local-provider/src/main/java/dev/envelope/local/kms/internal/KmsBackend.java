package dev.envelope.local.kms.internal;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The key operations the KMS endpoint needs from a key store: versioned symmetric keys with a
 * lifecycle and a policy document, used for AEAD under a caller-supplied AAD. Everything
 * KMS-specific (ARNs, regions, aliases, grants, the ciphertext-blob layout, policy evaluation)
 * stays in the endpoint; a backend only keeps keys.
 *
 * <p>Implementations: {@link InMemoryKmsBackend} (self-contained, optionally persisted to a
 * directory). A backend over the local key store maps {@link #create} / {@link #setEnabled} /
 * {@link #scheduleDeletion} / {@link #rotate} / {@link #putPolicy} onto the store's lifecycle and
 * policy, and {@link KeyUse} onto its audited operations.
 *
 * <p>Key ids are chosen by the caller (a UUID, or {@code mrk-} and 32 hex digits) and are unique.
 * Implementations are thread-safe. Methods throw {@link java.util.NoSuchElementException} for an
 * unknown key id and {@link IllegalStateException} when the key's state forbids the operation (the
 * endpoint checks state first and maps it to the KMS error; these are a second line).
 */
public interface KmsBackend {

  /** Creates an enabled key with one fresh AES-256 version (version 1). */
  BackendKey create(String keyId, String description, String policy, Instant now);

  /** The key, or empty if there is none (never created, or deleted). */
  Optional<BackendKey> find(String keyId);

  /** Every key, in key-id order. */
  List<BackendKey> list();

  /**
   * Encrypts under the key's primary version with AES-GCM, {@code aad} as associated data. Refuses
   * a key that is not enabled.
   */
  Sealed seal(String keyId, KeyUse use, byte[] plaintext, byte[] aad);

  /**
   * Decrypts what {@link #seal} produced under {@code version}. Refuses a key that is not enabled.
   *
   * @throws BadCiphertextException if the ciphertext, nonce or AAD do not authenticate under the
   *     key, or the version does not exist
   */
  byte[] open(String keyId, KeyUse use, int version, byte[] nonce, byte[] ciphertext, byte[] aad);

  /** Enables or disables a key that is not pending deletion. */
  BackendKey setEnabled(String keyId, boolean enabled);

  /** Marks an enabled or disabled key pending deletion at {@code deletionDate}. */
  BackendKey scheduleDeletion(String keyId, Instant deletionDate);

  /** Cancels a pending deletion; the key becomes disabled (as in KMS). */
  BackendKey cancelDeletion(String keyId);

  /** Adds a fresh version and makes it primary; older versions still open. */
  BackendKey rotate(String keyId, Instant now);

  BackendKey updateDescription(String keyId, String description);

  BackendKey putPolicy(String keyId, String policy);

  /** Destroys the key and all its versions (after the waiting period has passed). */
  void delete(String keyId);

  /** Why the endpoint uses a key; a key store maps it to its policy operations and audit. */
  enum KeyUse {
    GENERATE,
    ENCRYPT,
    DECRYPT,
    REENCRYPT
  }

  /** A key's state, as KMS names it. */
  enum KeyState {
    ENABLED("Enabled"),
    DISABLED("Disabled"),
    PENDING_DELETION("PendingDeletion");

    private final String kmsName;

    KeyState(String kmsName) {
      this.kmsName = kmsName;
    }

    public String kmsName() {
      return kmsName;
    }
  }

  /**
   * A snapshot of a key's metadata (never its material).
   *
   * @param primaryVersion the version {@link #seal} uses; versions are 1..primaryVersion
   * @param deletionDate set only when pending deletion
   * @param lastRotated when the primary version was created
   */
  record BackendKey(
      String keyId,
      String description,
      String policy,
      KeyState state,
      Instant created,
      Instant deletionDate,
      int primaryVersion,
      Instant lastRotated) {}

  /** AES-GCM output: the version used, the nonce and ciphertext ‖ tag. */
  record Sealed(int version, byte[] nonce, byte[] ciphertext) {}

  /** The ciphertext does not authenticate under the key (wrong key, version, nonce or AAD). */
  final class BadCiphertextException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadCiphertextException(String message) {
      super(message, null, false, false);
    }
  }
}
