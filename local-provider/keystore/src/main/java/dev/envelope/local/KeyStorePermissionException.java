package dev.envelope.local;

import dev.envelope.KeyProviderException;

/**
 * A key store directory or file can be read or written by users other than its owner. The store
 * refuses to open it (as ssh refuses a private key that others can read): anyone who can read it
 * can copy the sealed keys and guess the passphrase offline, read the audit log, or stall the
 * store by locking its lock files. The message names the path and the {@code chmod} that fixes it.
 */
public class KeyStorePermissionException extends KeyProviderException {
  private static final long serialVersionUID = 1L;

  public KeyStorePermissionException(String message) {
    super(message);
  }
}
