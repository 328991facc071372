package dev.envelope.local;

import dev.envelope.KeyProviderException;

/**
 * There is no key store where one was to be opened: the directory, or its {@code store.json},
 * does not exist. Check the path, or create the store first.
 */
public class KeyStoreNotFoundException extends KeyProviderException {
  private static final long serialVersionUID = 1L;

  public KeyStoreNotFoundException(String message) {
    super(message);
  }
}
