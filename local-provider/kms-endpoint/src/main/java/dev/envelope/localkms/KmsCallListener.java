package dev.envelope.localkms;

/**
 * Hears each KMS call the endpoint served (see {@link LocalKmsServer.Builder#callListener}): the
 * operation, the key the request named, the Region, how long it took and how it ended. Never the
 * request's or the response's payload: no plaintext, data key, ciphertext or encryption context.
 *
 * <p>Called on the thread that served the call, after the answer was computed and before it is
 * sent, possibly from many threads at once: implementations must be thread-safe and fast. An
 * exception thrown here is ignored (the call's answer is unchanged).
 */
@FunctionalInterface
public interface KmsCallListener {
  void onCall(KmsCall call);
}
