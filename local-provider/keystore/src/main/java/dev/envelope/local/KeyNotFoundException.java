package dev.envelope.local;

import dev.envelope.KeyProviderException;

/** No key with this id or alias exists in the store (or it is not a version the key has). */
public class KeyNotFoundException extends KeyProviderException {
  private static final long serialVersionUID = 1L;

  public KeyNotFoundException(String message) {
    super(message);
  }
}
