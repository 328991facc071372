package dev.envelope;

/**
 * The bytes are not a well-formed message: truncated, over-long, an unknown version or algorithm
 * suite, a length or count out of range, or frames out of order. Nothing was decrypted.
 */
public class MalformedMessageException extends EnvelopeException {
  private static final long serialVersionUID = 1L;

  public MalformedMessageException(String message) {
    super(message);
  }

  public MalformedMessageException(String message, Throwable cause) {
    super(message, cause);
  }
}
