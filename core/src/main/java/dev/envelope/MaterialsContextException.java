package dev.envelope;

import java.util.List;

/**
 * A materials manager returned decryption materials whose encryption context contradicts the
 * message: a stored pair is missing or has another value, a pair is neither stored nor verified by
 * the header as required context, or a required pair the caller expected was dropped. {@link
 * Envelope} refuses such materials rather than return a context the message does not
 * authenticate. This is a fault of the materials manager, not of the message.
 *
 * <p>The exception names the keys involved, never their values.
 */
public class MaterialsContextException extends EnvelopeException {
  private static final long serialVersionUID = 1L;

  private final List<String> keys;

  public MaterialsContextException(String message, List<String> keys) {
    super(message);
    this.keys = List.copyOf(keys);
  }

  /** The encryption-context keys at fault. */
  public List<String> keys() {
    return keys;
  }
}
