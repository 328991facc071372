package dev.envelope.local;

/**
 * The key is scheduled for destruction: it refuses every cryptographic operation. Cancel the
 * destruction (which leaves the key disabled) and enable it to use it again.
 */
public class KeyPendingDestructionException extends KeyStateException {
  private static final long serialVersionUID = 1L;

  public KeyPendingDestructionException(String keyId, String message) {
    super(keyId, KeyState.PENDING_DESTRUCTION, message);
  }
}
