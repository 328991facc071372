package dev.envelope.local;

/** The key is disabled: it refuses every cryptographic operation until it is enabled again. */
public class KeyDisabledException extends KeyStateException {
  private static final long serialVersionUID = 1L;

  public KeyDisabledException(String keyId, String message) {
    super(keyId, KeyState.DISABLED, message);
  }
}
