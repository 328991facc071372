package dev.envelope.local;

/**
 * The key (all its versions) was destroyed: data wrapped under it can never be decrypted again.
 * The message names the key id, its alias and when it was destroyed.
 */
public class KeyDestroyedException extends KeyStateException {
  private static final long serialVersionUID = 1L;

  public KeyDestroyedException(String keyId, String message) {
    super(keyId, KeyState.DESTROYED, message);
  }
}
