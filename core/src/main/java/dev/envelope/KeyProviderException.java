package dev.envelope;

import java.util.Objects;

/**
 * A key provider (KMS, an HSM, the local key store) failed for a reason other than "this is not my
 * key": it was unreachable, refused the request, throttled, or the key is disabled. The cause is
 * attached. {@link #reason()} says which kind of failure it was, in one vocabulary shared by every
 * provider, so callers can react without parsing messages or knowing the provider (retry later on
 * {@link Reason#THROTTLED}, alert on {@link Reason#ACCESS_DENIED}); the message says what to fix.
 * Providers subclass this where they add data (the KMS request id, the key store's key id).
 */
public class KeyProviderException extends EnvelopeException {
  private static final long serialVersionUID = 2L;

  /** The kind of failure, the same for every key provider. */
  public enum Reason {
    /**
     * The provider refused the caller: missing, invalid or expired credentials, a wrong PIN or
     * passphrase, or no policy or grant allows the call.
     */
    ACCESS_DENIED,
    /** The provider throttled the call, and kept throttling through any retries. */
    THROTTLED,
    /** No such key (or alias, or label) where the provider looked. */
    KEY_NOT_FOUND,
    /** A key with the given name already exists, so creating another was refused. */
    KEY_EXISTS,
    /** The key is disabled. */
    KEY_DISABLED,
    /** The key is scheduled for deletion (destruction). */
    KEY_PENDING_DELETION,
    /** The key is in another state that forbids the call (destroyed, pending import, ...). */
    KEY_INVALID_STATE,
    /** The key is not of the type the operation needs (e.g. RSA, not AES). */
    WRONG_KEY_TYPE,
    /** The ciphertext was encrypted under a different key than the one named in the call. */
    INCORRECT_KEY,
    /**
     * The provider could not decrypt the encrypted data key: wrong encryption context, altered
     * ciphertext, or a ciphertext that is not the provider's.
     */
    INVALID_CIPHERTEXT,
    /** The key is in a different region than the client that was asked to use it. */
    WRONG_REGION,
    /** The provider does not offer an operation or algorithm the call needs. */
    UNSUPPORTED,
    /** The provider itself is not there: a PKCS#11 library that cannot be loaded, no such token. */
    PROVIDER_NOT_FOUND,
    /** The provider's endpoint could not be reached, or dropped the connection. */
    UNREACHABLE,
    /** The call (including any retries) did not finish within the configured time. */
    TIMEOUT,
    /**
     * The provider failed while serving the call: a server error (HTTP 5xx) after retries, a token
     * or its library failing during an operation.
     */
    SERVICE_ERROR,
    /** The provider rejected the request as malformed or not allowed for this key. */
    INVALID_REQUEST,
    /** The provider answered, but the answer failed Envelope's checks. */
    INVALID_RESPONSE,
    /** The provider's stored keys failed an integrity check: damaged or tampered with. */
    INTEGRITY_FAILURE,
    /** Anything else; see the message and the cause. */
    OTHER
  }

  private final Reason reason;

  /** A failure of reason {@link Reason#OTHER}. */
  public KeyProviderException(String message) {
    this(Reason.OTHER, message);
  }

  /** A failure of reason {@link Reason#OTHER}. */
  public KeyProviderException(String message, Throwable cause) {
    this(Reason.OTHER, message, cause);
  }

  /** A failure of the given kind. */
  public KeyProviderException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** A failure of the given kind, caused by {@code cause} (may be null). */
  public KeyProviderException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** The kind of failure. */
  public Reason reason() {
    return reason;
  }
}
