package dev.envelope.observe;

/**
 * The observer's handle on one operation, from {@link EnvelopeObserver#started}: it hears the
 * operation's keyring calls, then its end, exactly once.
 *
 * <p>A keyring call is reported on the thread that makes it, between {@link #keyringCallStarted}
 * and the returned handle's {@link KeyringCallObservation#ended}, so an adapter may make its own
 * context current in between (OpenTelemetry's spans of the AWS SDK's KMS calls then nest under the
 * keyring call). Stream operations start when the stream is created and end when it is closed, on
 * whichever thread closes it.
 */
public interface OperationObservation {
  /** A handle that ignores everything. */
  OperationObservation NONE = result -> {};

  /** A keyring call is about to be made within this operation. */
  default KeyringCallObservation keyringCallStarted(KeyringCall call) {
    return KeyringCallObservation.NONE;
  }

  /** The operation ended; called exactly once. */
  void ended(OperationResult result);
}
