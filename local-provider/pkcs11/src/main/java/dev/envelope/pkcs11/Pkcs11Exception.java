package dev.envelope.pkcs11;

import dev.envelope.KeyProviderException;
import java.util.Objects;

/**
 * A PKCS#11 token or its library could not do what was asked. {@link #reason()} says which of the
 * known causes it was, so callers can react without parsing the message; the message says what to
 * fix. Messages name libraries, token labels and key labels, never a PIN or key material.
 */
public final class Pkcs11Exception extends KeyProviderException {
  private static final long serialVersionUID = 1L;

  /** Why a PKCS#11 operation failed. */
  public enum Reason {
    /** The PKCS#11 library file does not exist or cannot be loaded. */
    LIBRARY_NOT_FOUND,
    /** No token has the configured label, or the slot list index is out of range. */
    TOKEN_NOT_FOUND,
    /** The token refused the login: wrong PIN, PIN locked, or user PIN not initialized. */
    LOGIN_FAILED,
    /** The token holds no key with the given label. */
    KEY_NOT_FOUND,
    /** A key with the given label already exists, so creating another was refused. */
    KEY_EXISTS,
    /** The key with the given label is not of the type the operation needs (e.g. RSA, not AES). */
    WRONG_KEY_TYPE,
    /** The token does not offer a mechanism the operation needs, such as {@code CKM_AES_GCM}. */
    MECHANISM_NOT_SUPPORTED,
    /** The token or its library failed during an operation (the cause is attached). */
    TOKEN_FAILURE
  }

  private final Reason reason;

  Pkcs11Exception(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  Pkcs11Exception(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** The kind of failure. */
  public Reason reason() {
    return reason;
  }
}
