package dev.envelope.properties;

import static dev.envelope.properties.Rejections.TAMPERED;
import static dev.envelope.properties.Rejections.assertRejected;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.AlgorithmSuite;
import dev.envelope.ContextMismatchException;
import dev.envelope.EncryptionContext;
import dev.envelope.EnvelopeException;
import dev.envelope.MalformedMessageException;
import dev.envelope.properties.Samples.Sample;
import dev.envelope.testing.Messages;
import dev.envelope.testing.TrickleInputStream;
import java.util.Arrays;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Any change to a valid message is detected, through {@code decrypt} and through a decrypting
 * stream fed one byte per read: a flipped bit, a truncation, appended bytes, a wrong expected
 * context. The samples cover every suite, framed and non-framed ({@link Samples}).
 */
class TamperingPropertiesTest {
  private static final Set<Class<? extends EnvelopeException>> MALFORMED = Set.of(MalformedMessageException.class);

  /** A sample and a position in it. */
  static final class At {
    final Sample sample;
    final int position;

    At(Sample sample, int position) {
      this.sample = sample;
      this.position = position;
    }

    @Override
    public String toString() {
      return sample + " @ " + position;
    }
  }

  @Provide
  Arbitrary<At> bits() {
    return Arbitraries.of(Samples.ALL)
        .flatMap(s -> Arbitraries.integers().between(0, s.message.length * 8 - 1).map(bit -> new At(s, bit)));
  }

  @Provide
  Arbitrary<At> lengths() {
    return Arbitraries.of(Samples.ALL)
        .flatMap(s -> Arbitraries.integers().between(0, s.message.length - 1).map(n -> new At(s, n)));
  }

  @Property
  void decrypt_anySingleBitFlip_failsAsTampered(@ForAll("bits") At at) {
    byte[] tampered = Messages.flipBit(at.sample.message, at.position);
    assertRejected("decrypt " + at, TAMPERED, () -> Samples.READER.decrypt(tampered, Samples.CONTEXT));
    assertRejected("stream " + at, TAMPERED, () -> readTrickling(tampered, Samples.CONTEXT));
  }

  /** A message cut anywhere is malformed (a truncated message never looks like a short one). */
  @Property
  void decrypt_anyTruncation_failsAsMalformed(@ForAll("lengths") At at) {
    byte[] truncated = Arrays.copyOf(at.sample.message, at.position);
    assertRejected("decrypt " + at, MALFORMED, () -> Samples.READER.decrypt(truncated, Samples.CONTEXT));
    assertRejected("stream " + at, MALFORMED, () -> readTrickling(truncated, Samples.CONTEXT));
  }

  /** Nothing may follow the end of a message. */
  @Property
  void decrypt_appendedBytes_failsAsMalformed(
      @ForAll("samples") Sample sample, @ForAll @Size(min = 1, max = 8) byte[] extra) {
    byte[] longer = Messages.append(sample.message, extra);
    assertRejected("decrypt " + sample, MALFORMED, () -> Samples.READER.decrypt(longer, Samples.CONTEXT));
    assertRejected("stream " + sample, MALFORMED, () -> readTrickling(longer, Samples.CONTEXT));
  }

  @Provide
  Arbitrary<Sample> samples() {
    return Arbitraries.of(Samples.ALL);
  }

  /** A wrong expectation: a stored pair with another value, or a pair the message does not have. */
  static final class WrongContext {
    final AlgorithmSuite suite;
    final EncryptionContext actual;
    final EncryptionContext expected;
    final String key;

    WrongContext(AlgorithmSuite suite, EncryptionContext actual, EncryptionContext expected, String key) {
      this.suite = suite;
      this.actual = actual;
      this.expected = expected;
      this.key = key;
    }

    @Override
    public String toString() {
      return suite.idHex() + " " + actual + " expected " + expected + " (key " + key + ")";
    }
  }

  @Provide
  Arbitrary<WrongContext> wrongContexts() {
    Arbitrary<EncryptionContext> contexts = Generators.nonEmptyContexts(4);
    return Combinators.combine(
            Arbitraries.of(AlgorithmSuite.class), contexts, Generators.contextKeys(), Generators.text(8),
            Arbitraries.of(true, false))
        .as(
            (suite, actual, key, value, changeValue) -> {
              if (changeValue) {
                String stored = actual.keys().iterator().next();
                String other = actual.get(stored).orElseThrow() + value;
                return new WrongContext(suite, actual, actual.with(stored, other), stored);
              }
              return actual.containsKey(key)
                  ? null
                  : new WrongContext(suite, actual, EncryptionContext.of(key, value), key);
            })
        .filter(w -> w != null);
  }

  @Property
  void decrypt_wrongExpectedContext_throwsContextMismatchNamingTheKey(@ForAll("wrongContexts") WrongContext w) {
    byte[] message = Messages.envelope(Samples.KEYRING, w.suite, 64).encrypt(new byte[10], w.actual);
    ContextMismatchException e =
        (ContextMismatchException)
            assertRejected(
                "decrypt " + w,
                Set.of(ContextMismatchException.class),
                () -> Samples.READER.decrypt(message, w.expected));
    assertTrue(e.keys().contains(w.key), e.keys() + " names " + w.key);
    assertRejected(
        "stream " + w, Set.of(ContextMismatchException.class), () -> readTrickling(message, w.expected));
  }

  private static void readTrickling(byte[] message, EncryptionContext expected) {
    Messages.readAll(Samples.READER.decryptingStream(new TrickleInputStream(message), expected), 5);
  }
}
