package dev.envelope.testkit;

import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.testkit.arbitraries.EnvelopeArbitraries;
import dev.envelope.testkit.arbitraries.Tampering;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The properties every Envelope configuration must have, ready to point at an application's own:
 * extend it, return the configuration from {@link #envelope()}, and jqwik checks that
 *
 * <ul>
 *   <li>a round trip returns the plaintext, for plaintexts of every interesting size for the
 *       configuration's frame size (0, frame − 1, frame, frame + 1, large) and any context;
 *   <li>every tampering of a message (bit flip, truncation, appended bytes, swapped frames, header
 *       edit) fails to decrypt;
 *   <li>a wrong expected context (a changed value, an extra pair) fails to decrypt;
 * </ul>
 *
 * each in memory and through a decrypting stream ({@link EnvelopeAssertions}).
 *
 * <pre>{@code
 * class OrderEncryptionContractTest extends EnvelopeContract {
 *   @Override
 *   protected Envelope envelope() {
 *     return OrderEncryption.envelope(keyring);   // the application's own configuration
 *   }
 * }
 * }</pre>
 *
 * <p>jqwik creates a container instance per property and calls {@link #envelope()} once per
 * instance. Keys the envelope needs must exist before the properties run: start fixtures in a
 * static {@code @BeforeContainer} method and close them in {@code @AfterContainer} (jqwik does not
 * run JUnit Jupiter extensions). Each property runs jqwik's default number of tries ({@code
 * jqwik.tries.default}, 1000 unless the build sets it). Override {@link #contexts()} when the
 * application requires particular context keys.
 */
public abstract class EnvelopeContract {
  private Envelope envelope;
  private int frameSize;

  /** The configuration under test: the application's own {@link Envelope}. */
  protected abstract Envelope envelope();

  /** The contexts the properties encrypt under; default {@link EnvelopeArbitraries#contexts()}. */
  protected Arbitrary<EncryptionContext> contexts() {
    return EnvelopeArbitraries.contexts();
  }

  /**
   * The plaintexts the properties encrypt; default {@link EnvelopeArbitraries#plaintexts(int)} for
   * the configuration's frame size (read from a message it writes; 4096 if it is non-framed).
   */
  protected Arbitrary<byte[]> plaintexts() {
    return EnvelopeArbitraries.plaintexts(frameSize());
  }

  @Property
  void envelope_anyPlaintextAndContext_roundTrips(
      @ForAll("contractPlaintexts") byte[] plaintext, @ForAll("contractContexts") EncryptionContext context) {
    EnvelopeAssertions.assertRoundTrip(configured(), plaintext, context);
  }

  // Generating a sample encrypts a message: no up-front edge cases (jqwik computes them eagerly);
  // the plaintext sizes already weight the edges.
  @Property(edgeCases = EdgeCasesMode.NONE)
  void envelope_anyTampering_failsToDecrypt(@ForAll("contractTamperedMessages") Tampered tampered) {
    EnvelopeAssertions.assertTamperingRejected(configured(), tampered.message, tampered.tampering, tampered.context);
  }

  @Property(edgeCases = EdgeCasesMode.NONE)
  void envelope_wrongExpectedContext_failsToDecrypt(@ForAll("contractWrongContexts") WrongContext wrong) {
    EnvelopeAssertions.assertWrongContextRejected(configured(), wrong.message, wrong.expected);
  }

  @Provide
  Arbitrary<byte[]> contractPlaintexts() {
    return plaintexts();
  }

  @Provide
  Arbitrary<EncryptionContext> contractContexts() {
    return contexts();
  }

  @Provide
  Arbitrary<Tampered> contractTamperedMessages() {
    return Combinators.combine(plaintexts(), contexts())
        .as((plaintext, context) -> new Encrypted(configured().encrypt(plaintext, context), context))
        .flatMap(e -> EnvelopeArbitraries.tamperings(e.message).map(t -> new Tampered(e.message, t, e.context)));
  }

  /** Short plaintexts: what matters here is the context, and each sample encrypts a message. */
  @Provide
  Arbitrary<WrongContext> contractWrongContexts() {
    return Combinators.combine(Arbitraries.bytes().array(byte[].class).ofMaxSize(32), contexts())
        .as((plaintext, context) -> new Encrypted(configured().encrypt(plaintext, context), context))
        .flatMap(e -> EnvelopeArbitraries.wrongContexts(e.context).map(w -> new WrongContext(e.message, w)));
  }

  private synchronized Envelope configured() {
    if (envelope == null) {
      envelope = envelope();
      if (envelope == null) {
        throw new IllegalStateException(getClass().getName() + ".envelope() returned null");
      }
    }
    return envelope;
  }

  private synchronized int frameSize() {
    if (frameSize == 0) {
      int length = Envelope.inspectUnauthenticated(configured().encrypt(new byte[0], EncryptionContext.empty())).frameLength();
      frameSize = length > 0 ? length : 4096;
    }
    return frameSize;
  }

  private record Encrypted(byte[] message, EncryptionContext context) {}

  /** A message, a tampering of it and the context it was encrypted under. */
  static final class Tampered {
    final byte[] message;
    final Tampering tampering;
    final EncryptionContext context;

    Tampered(byte[] message, Tampering tampering, EncryptionContext context) {
      this.message = message;
      this.tampering = tampering;
      this.context = context;
    }

    @Override
    public String toString() {
      return tampering + " of a " + message.length + "-byte message with context keys " + context.keys();
    }
  }

  /** A message and an expected context that differs from the one it was encrypted under. */
  static final class WrongContext {
    final byte[] message;
    final EncryptionContext expected;

    WrongContext(byte[] message, EncryptionContext expected) {
      this.message = message;
      this.expected = expected;
    }

    @Override
    public String toString() {
      return "a " + message.length + "-byte message expected with context keys " + expected.keys();
    }
  }
}
