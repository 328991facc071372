package dev.envelope.local;

import dev.envelope.KeyProviderException;

/**
 * The key-encryption key given to open a store is not the one it was created with: a wrong
 * passphrase, a different token key, or a keyring that cannot open the store's check value.
 */
public class WrongKekException extends KeyProviderException {
  private static final long serialVersionUID = 1L;

  public WrongKekException(String message) {
    super(Reason.ACCESS_DENIED, message);
  }

  public WrongKekException(String message, Throwable cause) {
    super(Reason.ACCESS_DENIED, message, cause);
  }
}
