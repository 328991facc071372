package dev.envelope;

/**
 * No keyring could recover the data key from the message's encrypted data keys: none of them was
 * wrapped under a key the keyrings hold, or every attempt failed.
 *
 * <p>The message lists the key providers that were tried. The failure of each keyring that tried
 * is attached as a suppressed exception.
 */
public class NoMatchingKeyException extends EnvelopeException {
  private static final long serialVersionUID = 1L;

  public NoMatchingKeyException(String message) {
    super(message);
  }

  public NoMatchingKeyException(String message, Throwable cause) {
    super(message, cause);
  }
}
