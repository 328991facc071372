package dev.envelope.observe;

/** The observer's handle on one keyring call: told once how it ended. */
public interface KeyringCallObservation {
  /** A handle that ignores the end. */
  KeyringCallObservation NONE = result -> {};

  /** The call ended; called exactly once, on the thread that made the call. */
  void ended(KeyringCallResult result);
}
