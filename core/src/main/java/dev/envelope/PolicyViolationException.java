package dev.envelope;

/**
 * A configured policy refused the operation: the commitment policy forbids the algorithm suite,
 * the message has more encrypted data keys than allowed, a plaintext exceeds its declared bound, a
 * cached data key's limits were reached, or a key policy denied the use.
 */
public class PolicyViolationException extends EnvelopeException {
  private static final long serialVersionUID = 1L;

  public PolicyViolationException(String message) {
    super(message);
  }

  public PolicyViolationException(String message, Throwable cause) {
    super(message, cause);
  }
}
