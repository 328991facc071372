package dev.envelope;

import dev.envelope.internal.format.DecryptingInput;
import dev.envelope.internal.observe.Counting;
import dev.envelope.internal.observe.Observation;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stream of the plaintext of one message, decrypted frame by frame in memory bounded by the
 * frame length. Returned by {@link Envelope#decryptingStream}, which has already read the header
 * and verified it.
 *
 * <h2>Security guarantees</h2>
 *
 * <ul>
 *   <li>Each frame's plaintext is released only after its tag verifies.
 *   <li>The last frame is released only once the stream has been read to its end with no bytes
 *       trailing and, for signing suites, after the signature verifies.
 *   <li>Signed messages follow the Envelope's {@link StreamSignaturePolicy}: by default nothing is
 *       released before the signature verifies (the plaintext is held in memory, up to a bound);
 *       with {@link StreamSignaturePolicy#releaseFramesBeforeSignature()} regular frames are
 *       released before it, as in the AWS Encryption SDK; with {@link
 *       StreamSignaturePolicy#unsignedOnly()} signed messages are refused at the header.
 *   <li>A truncated, reordered or over-long message makes {@code read} throw; it never ends as a
 *       short read. After a failure every read throws and {@link #isComplete()} stays false.
 * </ul>
 *
 * Under {@code releaseFramesBeforeSignature()}, what is released before the end is authenticated
 * under the data key but not yet signed: treat it as provisional until {@code read} returns -1,
 * and discard it if any read throws. Failures are thrown as unchecked {@link EnvelopeException}s;
 * I/O errors of the source as {@link java.io.UncheckedIOException}.
 *
 * <p>Not thread-safe.
 */
public final class DecryptingStream extends InputStream {
  private final DecryptingInput input;
  private final EncryptionContext context;
  private final AlgorithmSuite suite;
  // Set only when the Envelope has an observer: then reads are counted and close ends the operation.
  private Observation observation;
  private Counting.Input message;
  private long released;

  DecryptingStream(DecryptingInput input, EncryptionContext context, AlgorithmSuite suite) {
    this.input = input;
    this.context = context;
    this.suite = suite;
  }

  /** Reports this stream's reads, failure and close to {@code observation}; before any read. */
  DecryptingStream observe(Observation observation, Counting.Input message) {
    this.observation = observation;
    this.message = message;
    return this;
  }

  /** The authenticated encryption context (the header tag has verified). */
  public EncryptionContext encryptionContext() {
    return context;
  }

  public AlgorithmSuite algorithmSuite() {
    return suite;
  }

  /**
   * Whether the message has been read to its verified end: every tag and, for signed messages, the
   * signature checked, and every byte read. False after any failure.
   */
  public boolean isComplete() {
    return input.isComplete();
  }

  @Override
  public int read() throws IOException {
    if (observation == null) {
      return input.read();
    }
    try {
      int b = input.read();
      released += b < 0 ? 0 : 1;
      return b;
    } catch (IOException | RuntimeException | Error e) {
      end(e);
      throw e;
    }
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (observation == null) {
      return input.read(b, off, len);
    }
    try {
      int n = input.read(b, off, len);
      released += Math.max(0, n);
      return n;
    } catch (IOException | RuntimeException | Error e) {
      end(e);
      throw e;
    }
  }

  @Override
  public int available() {
    return input.available();
  }

  @Override
  public void close() throws IOException {
    try {
      input.close();
    } finally {
      if (observation != null) {
        end(null);
      }
    }
  }

  /** Ends the observed operation: failed by {@code failure}, else as complete as the stream is. */
  private void end(Throwable failure) {
    if (observation.hasEnded()) {
      return;
    }
    observation.plaintextBytes(released);
    observation.messageBytes(message.count());
    if (failure != null) {
      observation.failed(failure);
    } else if (input.isComplete()) {
      observation.succeeded();
    } else {
      observation.failed(Observation.CLOSED_BEFORE_END);
    }
  }
}
