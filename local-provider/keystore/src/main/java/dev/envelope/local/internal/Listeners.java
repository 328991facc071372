package dev.envelope.local.internal;

import dev.envelope.KeyProviderException;
import dev.envelope.local.KeyStateEvent;
import dev.envelope.local.KeyStateListener;
import java.util.List;

/** Calling key state listeners, the same way for the key store and the PKCS#11 key manager. */
public final class Listeners {
  private Listeners() {}

  /**
   * Calls every listener, even if one throws; then reports the first failure (the others
   * suppressed) as a {@link KeyProviderException} saying the change itself was made.
   */
  public static void notifyState(List<KeyStateListener> listeners, KeyStateEvent event) {
    RuntimeException first = null;
    for (KeyStateListener l : listeners) {
      try {
        l.onKeyStateChange(event);
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw new KeyProviderException(
          "key " + event.keyId() + " is now " + event.newState() + ", but a key state listener failed: "
              + first.getMessage(), first);
    }
  }
}
