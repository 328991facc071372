package dev.envelope.local;

import dev.envelope.KeyProviderException;

/**
 * The key's lifecycle state does not permit the operation: it is disabled, pending destruction or
 * destroyed, or a lifecycle transition was asked for in the wrong state (for example destroying a
 * key before its waiting period is over). The message names the key and its state, and what to do.
 */
public class KeyStateException extends KeyProviderException {
  private static final long serialVersionUID = 1L;

  private final String keyId;
  private final KeyState state;

  public KeyStateException(String keyId, KeyState state, String message) {
    super(message);
    this.keyId = keyId;
    this.state = state;
  }

  /** The key the operation was refused for. */
  public String keyId() {
    return keyId;
  }

  /** The key's state when the operation was refused. */
  public KeyState state() {
    return state;
  }
}
