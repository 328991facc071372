package dev.envelope.internal.materials;

import dev.envelope.ContextMismatchException;
import dev.envelope.EncryptionContext;
import dev.envelope.EnvelopeException;
import java.util.ArrayList;
import java.util.List;

/**
 * The reproduced-context rule (the ESDK's "reproduced encryption context"): a pair the caller
 * expects whose key is stored in the message must match it exactly; a pair whose key is not stored
 * is required (authenticate-only) context, which the message must have been encrypted with.
 */
public final class ContextExpectation {
  private ContextExpectation() {}

  /**
   * Checks the expected pairs against the stored ones.
   *
   * @return the expected keys that are not stored (required, authenticate-only context)
   * @throws ContextMismatchException if a stored key has a different value than expected
   */
  public static List<String> check(EncryptionContext stored, EncryptionContext expected) {
    List<String> differing = new ArrayList<>();
    List<String> requiredOnly = new ArrayList<>();
    expected.forEach((key, value) -> {
      String storedValue = stored.get(key).orElse(null);
      if (storedValue == null) {
        requiredOnly.add(key);
      } else if (!storedValue.equals(value)) {
        differing.add(key);
      }
    });
    if (!differing.isEmpty()) {
      throw new ContextMismatchException(
          "the message's encryption context has different values for " + differing
              + " than expected; this message was not encrypted for the context you gave",
          differing);
    }
    return requiredOnly;
  }

  /**
   * The exception to throw for a failure up to the header check: when the caller expected keys the
   * message does not store, those keys are the likely cause, so say so.
   *
   * @param requiredOnly what {@link #check} returned
   */
  public static EnvelopeException explain(EnvelopeException e, List<String> requiredOnly) {
    if (requiredOnly.isEmpty() || e instanceof ContextMismatchException) {
      return e;
    }
    return new ContextMismatchException(
        "the message does not decrypt with the expected context: " + requiredOnly + " are not"
            + " stored in the message, so they were checked as required (authenticate-only)"
            + " context and did not verify; leave them out unless the message was encrypted with"
            + " them as required context (" + e.getMessage() + ")",
        requiredOnly,
        e);
  }
}
