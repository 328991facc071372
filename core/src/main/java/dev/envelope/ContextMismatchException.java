package dev.envelope;

import java.util.List;

/**
 * The encryption context the caller expected does not match the message: a key stored in the
 * message has a different value, or a key the caller supplied is not stored in the message and
 * the message does not verify with it as required (authenticate-only) context.
 *
 * <p>The exception names the keys involved, never their values.
 */
public class ContextMismatchException extends AuthenticationFailedException {
  private static final long serialVersionUID = 1L;

  private final List<String> keys;

  public ContextMismatchException(String message, List<String> keys) {
    super(message);
    this.keys = List.copyOf(keys);
  }

  public ContextMismatchException(String message, List<String> keys, Throwable cause) {
    super(message, cause);
    this.keys = List.copyOf(keys);
  }

  /** The encryption-context keys that did not match. */
  public List<String> keys() {
    return keys;
  }
}
