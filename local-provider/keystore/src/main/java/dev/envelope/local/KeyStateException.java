package dev.envelope.local;

import dev.envelope.KeyProviderException;

/**
 * The key's lifecycle state does not permit the operation: it is disabled, pending destruction or
 * destroyed, or a lifecycle transition was asked for in the wrong state (for example destroying a
 * key before its waiting period is over). The message names the key and its state, and what to do.
 * Its {@link #reason()} is {@link Reason#KEY_DISABLED}, {@link Reason#KEY_PENDING_DELETION} or
 * {@link Reason#KEY_INVALID_STATE}.
 */
public class KeyStateException extends KeyProviderException {
  private static final long serialVersionUID = 1L;

  private final String keyId;
  private final KeyState state;

  public KeyStateException(String keyId, KeyState state, String message) {
    super(reasonFor(state), message);
    this.keyId = keyId;
    this.state = state;
  }

  private static Reason reasonFor(KeyState state) {
    if (state == KeyState.DISABLED) {
      return Reason.KEY_DISABLED;
    }
    if (state == KeyState.PENDING_DESTRUCTION) {
      return Reason.KEY_PENDING_DELETION;
    }
    return Reason.KEY_INVALID_STATE;
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
