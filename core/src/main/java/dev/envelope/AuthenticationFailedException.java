package dev.envelope;

/**
 * The message is well formed but does not verify: a header tag, frame tag, key commitment or
 * signature check failed. Either the message was altered, or it was encrypted under different
 * keys or a different encryption context. No unverified plaintext is released.
 *
 * <p>Deliberately vague about which byte was wrong.
 */
public class AuthenticationFailedException extends EnvelopeException {
  private static final long serialVersionUID = 1L;

  public AuthenticationFailedException(String message) {
    super(message);
  }

  public AuthenticationFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
