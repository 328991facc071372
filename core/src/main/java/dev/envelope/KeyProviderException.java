package dev.envelope;

/**
 * A key provider (KMS, an HSM, the local key store) failed for a reason other than "this is not my
 * key": it was unreachable, refused the request, throttled, or the key is disabled. The cause is
 * attached.
 */
public class KeyProviderException extends EnvelopeException {
  private static final long serialVersionUID = 1L;

  public KeyProviderException(String message) {
    super(message);
  }

  public KeyProviderException(String message, Throwable cause) {
    super(message, cause);
  }
}
