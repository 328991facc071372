package dev.envelope.local;

import dev.envelope.KeyProviderException;

/**
 * No key with this id or alias exists in the store (or it is not a version the key has). Its
 * {@link #reason()} is {@link Reason#KEY_NOT_FOUND}.
 */
public class KeyNotFoundException extends KeyProviderException {
  private static final long serialVersionUID = 1L;

  public KeyNotFoundException(String message) {
    super(Reason.KEY_NOT_FOUND, message);
  }
}
