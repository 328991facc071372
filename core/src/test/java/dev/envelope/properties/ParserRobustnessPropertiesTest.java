package dev.envelope.properties;

import static dev.envelope.properties.Rejections.assertOnlyEnvelopeExceptions;

import dev.envelope.AlgorithmSuite;
import dev.envelope.CommitmentPolicy;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.testing.Messages;
import dev.envelope.testing.TestKeys;
import dev.envelope.testing.TrickleInputStream;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.Size;

/**
 * Arbitrary bytes make {@code decrypt}, {@code decryptingStream} and {@code
 * inspectUnauthenticated} return or throw an {@link dev.envelope.EnvelopeException}, never an
 * NPE, an index or negative-size error, an {@code OutOfMemoryError} or a JDK-internal {@code
 * IllegalArgumentException}. Two sources: raw random bytes (with a plausible first bytes
 * sometimes), and valid messages mutated in ways that target lengths and counts.
 *
 * <p>The reader injects a fixed data key for any encrypted data key, so mutated messages get past
 * the keyring into the body, frames and footer.
 */
class ParserRobustnessPropertiesTest {
  private static final byte[] KEY = new byte[32];
  private static final Envelope READER =
      Envelope.builder()
          .keyring(dev.envelope.testing.StaticKeyring.injecting(KEY))
          .commitmentPolicy(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT)
          .build();
  private static final List<byte[]> VALID = valid();

  private static List<byte[]> valid() {
    List<byte[]> messages = new ArrayList<>();
    dev.envelope.Keyring keyring = dev.envelope.testing.StaticKeyring.of(KEY);
    for (AlgorithmSuite suite : AlgorithmSuite.values()) {
      messages.add(Messages.envelope(keyring, suite, 16).encrypt(Messages.plaintext(40), EncryptionContext.of("a", "b")));
      messages.add(Messages.nonFramedEnvelope(keyring, suite).encrypt(Messages.plaintext(20), EncryptionContext.empty()));
    }
    return List.copyOf(messages);
  }

  private static final byte[][] PREFIXES = {
    {}, {0x01, (byte) 0x80, 0x01, 0x78}, {0x02, 0x04, 0x78}, {0x02, 0x05, 0x78}, {0x01, (byte) 0x80, 0x03, 0x78}
  };

  @Provide
  Arbitrary<byte[]> randomMessages() {
    return Combinators.combine(Arbitraries.of(PREFIXES), Arbitraries.bytes().array(byte[].class).ofMaxSize(400))
        .as(
            (prefix, tail) -> {
              byte[] m = Arrays.copyOf(prefix, prefix.length + tail.length);
              System.arraycopy(tail, 0, m, prefix.length, tail.length);
              return m;
            });
  }

  @Property
  void parse_arbitraryBytes_throwsOnlyEnvelopeExceptions(@ForAll("randomMessages") byte[] bytes) {
    exercise(bytes);
  }

  /** How to damage a valid message. */
  enum Mutation {
    OVERWRITE_BYTE,
    SET_U16,
    SET_U32,
    INSERT_BYTES,
    DELETE_RANGE,
    DUPLICATE_RANGE
  }

  private static final int[] EXTREMES = {0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF};

  @Provide
  Arbitrary<byte[]> mutatedMessages() {
    Arbitrary<int[]> step =
        Combinators.combine(
                Arbitraries.of(Mutation.class),
                Arbitraries.integers().between(0, Integer.MAX_VALUE),
                Arbitraries.integers().between(0, Integer.MAX_VALUE),
                Arbitraries.of(Arrays.stream(EXTREMES).boxed().toArray(Integer[]::new)))
            .as((m, a, b, v) -> new int[] {m.ordinal(), a, b, v});
    return Combinators.combine(Arbitraries.of(VALID), step.list().ofMinSize(1).ofMaxSize(3))
        .as(
            (message, steps) -> {
              byte[] m = message.clone();
              for (int[] s : steps) {
                m = mutate(m, Mutation.values()[s[0]], s[1], s[2], s[3]);
              }
              return m;
            });
  }

  private static byte[] mutate(byte[] m, Mutation mutation, int a, int b, int value) {
    if (m.length == 0) {
      return new byte[] {(byte) value};
    }
    int at = a % m.length;
    switch (mutation) {
      case OVERWRITE_BYTE:
        m[at] = (byte) (b == 0 ? value : b);
        return m;
      case SET_U16:
        if (at + 2 <= m.length) {
          m[at] = (byte) (value >>> 8);
          m[at + 1] = (byte) value;
        }
        return m;
      case SET_U32:
        if (at + 4 <= m.length) {
          for (int i = 0; i < 4; i++) {
            m[at + i] = (byte) (value >>> (24 - 8 * i));
          }
        }
        return m;
      case INSERT_BYTES: {
        int n = 1 + b % 8;
        byte[] out = new byte[m.length + n];
        System.arraycopy(m, 0, out, 0, at);
        Arrays.fill(out, at, at + n, (byte) value);
        System.arraycopy(m, at, out, at + n, m.length - at);
        return out;
      }
      case DELETE_RANGE: {
        int n = Math.min(m.length - at, 1 + b % 64);
        byte[] out = new byte[m.length - n];
        System.arraycopy(m, 0, out, 0, at);
        System.arraycopy(m, at + n, out, at, m.length - at - n);
        return out;
      }
      case DUPLICATE_RANGE: {
        int n = Math.min(m.length - at, 1 + b % 64);
        byte[] out = new byte[m.length + n];
        System.arraycopy(m, 0, out, 0, at + n);
        System.arraycopy(m, at, out, at + n, m.length - at);
        return out;
      }
      default:
        throw new AssertionError(mutation);
    }
  }

  /**
   * Also checks that the mutations reach deep: a good share of mutated messages must parse far
   * enough to fail a tag, commitment or signature check rather than stopping in the header parser.
   */
  @Property
  void parse_mutatedValidMessages_throwOnlyEnvelopeExceptions(@ForAll("mutatedMessages") byte[] bytes) {
    exercise(bytes);
    String outcome;
    try {
      READER.decrypt(bytes, EncryptionContext.empty());
      outcome = "decrypted";
      // Every byte of a message is authenticated: what decrypts must be one of the originals.
      org.junit.jupiter.api.Assertions.assertTrue(
          VALID.stream().anyMatch(valid -> Arrays.equals(valid, bytes)),
          "a changed message decrypted: " + java.util.HexFormat.of().formatHex(bytes));
    } catch (dev.envelope.EnvelopeException e) {
      outcome = e.getClass().getSimpleName();
    }
    Statistics.label("outcome").collect(outcome);
    Statistics.label("outcome")
        .coverage(
            coverage -> {
              coverage.check("AuthenticationFailedException").percentage(p -> p >= 10.0);
              coverage.check("MalformedMessageException").percentage(p -> p >= 10.0);
            });
  }

  /** Short garbage straight into every entry point. */
  @Property
  void parse_shortArbitraryBytes_throwOnlyEnvelopeExceptions(@ForAll @Size(max = 64) byte[] bytes) {
    exercise(bytes);
  }

  static void exercise(byte[] bytes) {
    assertOnlyEnvelopeExceptions("decrypt", () -> READER.decrypt(bytes, EncryptionContext.empty()));
    assertOnlyEnvelopeExceptions(
        "decryptingStream",
        () -> Messages.readAll(READER.decryptingStream(new TrickleInputStream(bytes), EncryptionContext.empty()), 64));
    assertOnlyEnvelopeExceptions("inspectUnauthenticated(byte[])", () -> Envelope.inspectUnauthenticated(bytes));
    assertOnlyEnvelopeExceptions(
        "inspectUnauthenticated(InputStream)", () -> Envelope.inspectUnauthenticated(new ByteArrayInputStream(bytes)));
  }

  /** The raw AES keyring path too (unwrap with a mutated context or key blob). */
  @Property
  void parse_mutatedMessagesWithRawAesKeyring_throwOnlyEnvelopeExceptions(@ForAll("mutatedMessages") byte[] bytes) {
    Envelope aes =
        Envelope.builder()
            .keyring(TestKeys.aes256Keyring())
            .commitmentPolicy(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT)
            .build();
    assertOnlyEnvelopeExceptions("decrypt", () -> aes.decrypt(bytes, EncryptionContext.empty()));
  }
}
