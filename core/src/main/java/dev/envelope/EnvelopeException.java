package dev.envelope;

/**
 * The root of every exception Envelope throws for a failed operation.
 *
 * <p>Unchecked on purpose: a failed decryption is not something a caller can usually recover from
 * at the call site, and checked exceptions would push every caller into wrapping them. Catch this
 * type to handle any library failure; catch a subclass to react to one cause.
 *
 * <p>Messages name what failed and what to check. They never contain key bytes, plaintext or
 * encryption-context values.
 */
public class EnvelopeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EnvelopeException(String message) {
    super(message);
  }

  public EnvelopeException(String message, Throwable cause) {
    super(message, cause);
  }
}
