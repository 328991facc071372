package dev.envelope.properties;

import static org.junit.jupiter.api.Assertions.fail;

import dev.envelope.AuthenticationFailedException;
import dev.envelope.EnvelopeException;
import dev.envelope.MalformedMessageException;
import dev.envelope.NoMatchingKeyException;
import java.util.Set;
import org.opentest4j.AssertionFailedError;

/** What a tampered message may fail with, and checks that it does. */
final class Rejections {
  /**
   * The outcomes a corrupted message may produce: it is not a message (malformed), it does not
   * verify (authentication failed, including a context mismatch), or no keyring can open its data
   * key (a changed encrypted data key or wrapping context). Anything else, success included, fails.
   */
  static final Set<Class<? extends EnvelopeException>> TAMPERED =
      Set.of(MalformedMessageException.class, AuthenticationFailedException.class, NoMatchingKeyException.class);

  private Rejections() {}

  /** Something that may throw anything. */
  interface Action {
    void run() throws Throwable;
  }

  /** Asserts {@code action} throws one of {@code allowed} (or a subclass), and returns it. */
  static Throwable assertRejected(String what, Set<Class<? extends EnvelopeException>> allowed, Action action) {
    Throwable thrown = null;
    try {
      action.run();
    } catch (Throwable t) {
      thrown = t;
    }
    if (thrown == null) {
      fail(what + ": accepted, but must be rejected");
    }
    for (Class<? extends EnvelopeException> type : allowed) {
      if (type.isInstance(thrown)) {
        return thrown;
      }
    }
    throw new AssertionFailedError(what + ": threw " + thrown + ", allowed only " + allowed, thrown);
  }

  /** Asserts {@code action} either returns or throws an {@link EnvelopeException}, nothing else. */
  static void assertOnlyEnvelopeExceptions(String what, Action action) {
    try {
      action.run();
    } catch (EnvelopeException expected) {
      // The library's own failure: fine.
    } catch (Throwable t) {
      throw new AssertionFailedError(what + ": threw " + t + " instead of an EnvelopeException", t);
    }
  }
}
