package dev.envelope.localkms.internal;

import dev.envelope.EncryptionContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The key operations the KMS endpoint needs from a key store: versioned symmetric keys with a
 * lifecycle, used to encrypt small payloads bound to an encryption context. Everything
 * KMS-specific (ARNs, regions, aliases, grants, the ciphertext-blob envelope, key policy
 * documents and their evaluation) stays in the endpoint; a backend keeps keys, enforces its own
 * key policy and audits every call under the {@code caller} it is given.
 *
 * <p>The implementation is {@link KeyStoreKmsBackend}, over the local key store.
 *
 * <p>Key ids are KMS key ids: a UUID, or {@code mrk-} and 32 hex digits for a multi-Region key
 * (whose replicas share the one backend key). Implementations are thread-safe. Every failure the
 * client should see is a {@link BackendException}; the endpoint checks key states itself first, so
 * these are mostly a second line (a change made to the key store by another process meanwhile).
 */
public interface KmsBackend {

  /**
   * Creates an enabled key with one fresh AES-256 version (version 1) and returns it with its new
   * id.
   *
   * @param forbiddenUses uses the backend's own policy refuses from the start
   */
  BackendKey create(
      boolean multiRegion, String description, Set<KeyUse> forbiddenUses, String caller);

  /** The key, or empty if there is none (never created, or deleted). */
  Optional<BackendKey> find(String keyId);

  /** Every key that is not deleted, in key-id order. */
  List<BackendKey> list();

  /** Encrypts {@code plaintext} (at most 4096 bytes) under the key's primary version. */
  Sealed encrypt(String keyId, byte[] plaintext, EncryptionContext context, String caller);

  /**
   * Generates a random data key of {@code numberOfBytes} (1 to 1024) and encrypts it under the
   * key's primary version. The caller zeroes {@link Generated#plaintext()}.
   */
  Generated generateDataKey(
      String keyId, int numberOfBytes, EncryptionContext context, String caller);

  /**
   * Decrypts a payload made under {@code keyId} by this backend. The caller zeroes {@link
   * Opened#plaintext()}.
   *
   * @throws BackendException {@link Kind#BAD_CIPHERTEXT} if the payload was not made under this
   *     key, was modified, or {@code context} differs from the one it was made with
   */
  Opened decrypt(String keyId, byte[] payload, EncryptionContext context, String caller);

  /** Decrypts a payload of {@code sourceKeyId} and encrypts its plaintext under another key. */
  Resealed reEncrypt(
      String sourceKeyId,
      byte[] payload,
      EncryptionContext sourceContext,
      String destinationKeyId,
      EncryptionContext destinationContext,
      String caller);

  /** Enables or disables a key that is not pending deletion. */
  BackendKey setEnabled(String keyId, boolean enabled, String caller);

  /** Makes an enabled or disabled key pending deletion, {@code waitingPeriod} from now. */
  BackendKey scheduleDeletion(String keyId, Duration waitingPeriod, String caller);

  /** Cancels a pending deletion; the key becomes disabled (as in KMS). */
  BackendKey cancelDeletion(String keyId, String caller);

  /** Adds a fresh version and makes it primary; older versions still decrypt. */
  BackendKey rotate(String keyId, String caller);

  BackendKey updateDescription(String keyId, String description, String caller);

  /**
   * Makes the backend's own policy refuse {@code forbidden} uses, and allow again those in {@code
   * previouslyForbidden} that are not in {@code forbidden} (the rest of its policy is kept).
   */
  BackendKey restrictUses(
      String keyId, Set<KeyUse> forbidden, Set<KeyUse> previouslyForbidden, String caller);

  /** Destroys the key and all its versions, once its deletion date has passed. */
  void delete(String keyId, String caller);

  /** The uses of a key that a backend's policy can allow or refuse. */
  enum KeyUse {
    /** GenerateDataKey and GenerateDataKeyWithoutPlaintext. */
    GENERATE,
    ENCRYPT,
    DECRYPT,
    /** ReEncrypt, from and to the key. */
    REENCRYPT
  }

  /** A key's state, as KMS names it. */
  enum BackendKeyState {
    ENABLED("Enabled"),
    DISABLED("Disabled"),
    PENDING_DELETION("PendingDeletion");

    private final String kmsName;

    BackendKeyState(String kmsName) {
      this.kmsName = kmsName;
    }

    public String kmsName() {
      return kmsName;
    }
  }

  /**
   * A snapshot of a key's metadata (never its material).
   *
   * @param primaryVersion the version new payloads are made under; versions are 1..primaryVersion
   * @param deletionDate set only when pending deletion
   * @param lastRotated when the primary version was created
   */
  record BackendKey(
      String keyId,
      String description,
      BackendKeyState state,
      Instant created,
      Instant deletionDate,
      int primaryVersion,
      Instant lastRotated) {}

  /** An encrypted payload and the key version that made it. */
  record Sealed(int version, byte[] payload) {}

  /** A generated data key: its plaintext (zero it when done), payload and key version. */
  record Generated(int version, byte[] plaintext, byte[] payload) {}

  /** A decrypted payload (zero the plaintext when done) and the key version that made it. */
  record Opened(int version, byte[] plaintext) {}

  /** A re-encrypted payload with the source and destination key versions. */
  record Resealed(int sourceVersion, int destinationVersion, byte[] payload) {}

  /** Why a backend refused a call, in the terms the endpoint maps to KMS errors. */
  enum Kind {
    /** The key does not exist (or was deleted). */
    NOT_FOUND,
    DISABLED,
    PENDING_DELETION,
    /** Any other state conflict (e.g. rotating a key that is not enabled). */
    INVALID_STATE,
    /** The payload is not one of this key's, was modified, or the context differs. */
    BAD_CIPHERTEXT,
    /** The backend's own key policy refuses the caller. */
    ACCESS_DENIED
  }

  /**
   * A refusal the endpoint turns into a KMS error. The message never holds key material,
   * plaintext or encryption-context values (except those the backend's policy marks loggable).
   */
  final class BackendException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Kind kind;
    private final String keyId;

    /**
     * @param keyId the KMS key id the refusal concerns, or null if unknown
     * @param detail why, in words (for access denials: the rule)
     */
    public BackendException(Kind kind, String keyId, String detail, Throwable cause) {
      super(detail, cause, false, false);
      this.kind = kind;
      this.keyId = keyId;
    }

    public Kind kind() {
      return kind;
    }

    /** The KMS key id concerned, or null. */
    public String keyId() {
      return keyId;
    }
  }
}
