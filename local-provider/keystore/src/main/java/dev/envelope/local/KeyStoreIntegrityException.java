package dev.envelope.local;

import dev.envelope.KeyProviderException;

/**
 * A key store file is malformed or fails authentication under the store's KEK: it was edited,
 * truncated outside the store's atomic writes, or copied from another store. Restore it from a
 * backup; the store never repairs key files itself.
 */
public class KeyStoreIntegrityException extends KeyProviderException {
  private static final long serialVersionUID = 1L;

  public KeyStoreIntegrityException(String message) {
    super(Reason.INTEGRITY_FAILURE, message);
  }

  public KeyStoreIntegrityException(String message, Throwable cause) {
    super(Reason.INTEGRITY_FAILURE, message, cause);
  }
}
