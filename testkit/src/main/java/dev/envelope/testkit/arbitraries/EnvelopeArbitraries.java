package dev.envelope.testkit.arbitraries;

import dev.envelope.AlgorithmSuite;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.testkit.internal.MessageLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik arbitraries for testing code that uses Envelope: encryption contexts, algorithm suites and
 * frame sizes, plaintexts of the sizes where framing goes wrong, and tamperings of a message that
 * must all make it fail to decrypt.
 *
 * <pre>{@code
 * @Property
 * void roundTrip(@ForAll("contexts") EncryptionContext context) { ... }
 *
 * @Provide
 * Arbitrary<EncryptionContext> contexts() {
 *   return EnvelopeArbitraries.contexts();
 * }
 * }</pre>
 *
 * Every method returns a new arbitrary; arbitraries are immutable and may be shared.
 */
public final class EnvelopeArbitraries {
  /** The frame sizes {@link #frameSizes()} always tries: 1 byte, the ESDK's default, Envelope's default. */
  public static final List<Integer> EDGE_FRAME_SIZES = List.of(1, 2, 4096, Envelope.DEFAULT_FRAME_SIZE);
  /** The largest frame {@link #frameSizes()} generates. */
  public static final int MAX_GENERATED_FRAME_SIZE = 1 << 17;
  /** Context keys that come close to the reserved prefix {@value EncryptionContext#RESERVED_PREFIX} without having it. */
  public static final List<String> NEAR_RESERVED_KEYS =
      List.of("aws-crypto", "aws-crypto_", "AWS-CRYPTO-key", "aws-crypt-key", " aws-crypto-key", "aws-cryptO-key");

  private EnvelopeArbitraries() {}

  // ------------------------------------------------------------------------ contexts

  /**
   * Well-formed Unicode text of 1 … {@code maxCodePoints} code points (never empty, never an
   * unpaired surrogate): mostly ASCII, with control characters, the rest of the Basic Multilingual
   * Plane on both sides of the surrogates (where UTF-8 and UTF-16 orders disagree) and
   * supplementary characters; a tenth of the time exactly {@code maxCodePoints} long.
   */
  public static Arbitrary<String> text(int maxCodePoints) {
    if (maxCodePoints < 1) {
      throw new IllegalArgumentException("maxCodePoints must be at least 1: " + maxCodePoints);
    }
    @SuppressWarnings("unchecked")
    Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.integers().between(0x20, 0x7E)),
        Tuple.of(1, Arbitraries.integers().between(0x00, 0x1F)),
        Tuple.of(1, Arbitraries.integers().between(0x80, 0xD7FF)),
        Tuple.of(1, Arbitraries.integers().between(0xE000, 0xFFFF)),
        Tuple.of(1, Arbitraries.integers().between(0x10000, 0x10FFFF)));
    @SuppressWarnings("unchecked")
    Arbitrary<List<Integer>> codePoints = Arbitraries.frequencyOf(
        Tuple.of(9, codePoint.list().ofMinSize(1).ofMaxSize(maxCodePoints)),
        Tuple.of(1, codePoint.list().ofSize(maxCodePoints)));
    return codePoints.map(EnvelopeArbitraries::fromCodePoints);
  }

  private static String fromCodePoints(List<Integer> codePoints) {
    StringBuilder s = new StringBuilder();
    codePoints.forEach(s::appendCodePoint);
    return s.toString();
  }

  /**
   * Context keys of up to 16 code points: any {@link #text} that does not start with the reserved
   * prefix, and now and then one of {@link #NEAR_RESERVED_KEYS}.
   */
  public static Arbitrary<String> contextKeys() {
    @SuppressWarnings("unchecked")
    Arbitrary<String> keys = Arbitraries.frequencyOf(
        Tuple.of(19, text(16).filter(k -> !k.startsWith(EncryptionContext.RESERVED_PREFIX))),
        Tuple.of(1, Arbitraries.of(NEAR_RESERVED_KEYS)));
    return keys;
  }

  /** Context values: any {@link #text} of up to 64 code points. */
  public static Arbitrary<String> contextValues() {
    return text(64);
  }

  /** Encryption contexts of 0 … 5 pairs (the empty context included) of {@link #contextKeys} and {@link #contextValues}. */
  public static Arbitrary<EncryptionContext> contexts() {
    return contexts(0, 5);
  }

  /** Encryption contexts of 1 … 5 pairs. */
  public static Arbitrary<EncryptionContext> nonEmptyContexts() {
    return contexts(1, 5);
  }

  /** Encryption contexts of {@code minPairs} … {@code maxPairs} pairs. */
  public static Arbitrary<EncryptionContext> contexts(int minPairs, int maxPairs) {
    if (minPairs < 0 || maxPairs < minPairs) {
      throw new IllegalArgumentException("need 0 <= minPairs <= maxPairs: " + minPairs + ", " + maxPairs);
    }
    return Arbitraries.maps(contextKeys(), contextValues())
        .ofMinSize(minPairs)
        .ofMaxSize(maxPairs)
        .map(EncryptionContext::from);
  }

  /**
   * Expected contexts that a message encrypted under {@code actual} must not decrypt with: one
   * stored pair with another value, or {@code actual} plus a pair it does not have (which Envelope
   * treats as required context the message was not bound to). A subset of {@code actual} is not
   * wrong (decrypt checks only the pairs it is given), so none is generated.
   */
  public static Arbitrary<EncryptionContext> wrongContexts(EncryptionContext actual) {
    Objects.requireNonNull(actual, "actual");
    Arbitrary<EncryptionContext> extraPair = Combinators.combine(
            contextKeys().filter(k -> !actual.containsKey(k)), contextValues())
        .as(actual::with);
    if (actual.isEmpty()) {
      return extraPair;
    }
    List<String> keys = List.copyOf(actual.keys());
    Arbitrary<EncryptionContext> changedValue = Combinators.combine(Arbitraries.of(keys), contextValues())
        .as((key, value) -> {
          String stored = actual.get(key).orElseThrow();
          return actual.with(key, value.equals(stored) ? stored + value : value);
        });
    return Arbitraries.oneOf(changedValue, extraPair);
  }

  // ------------------------------------------------------------------------ suites and frames

  /** Every algorithm suite, each equally likely. */
  public static Arbitrary<AlgorithmSuite> suites() {
    return Arbitraries.of(AlgorithmSuite.class);
  }

  /** Frame sizes: each of {@link #EDGE_FRAME_SIZES}, and any size from 1 to {@value #MAX_GENERATED_FRAME_SIZE}. */
  public static Arbitrary<Integer> frameSizes() {
    @SuppressWarnings("unchecked")
    Arbitrary<Integer> sizes = Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.of(EDGE_FRAME_SIZES)),
        Tuple.of(1, Arbitraries.integers().between(1, 64)),
        Tuple.of(1, Arbitraries.integers().between(1, MAX_GENERATED_FRAME_SIZE)));
    return sizes.edgeCases(c -> c.includeOnly(1, 4096, Envelope.DEFAULT_FRAME_SIZE));
  }

  /** Every suite with every kind of frame size ({@link #frameSizes}), and now and then non-framed. */
  public static Arbitrary<MessageSettings> settings() {
    @SuppressWarnings("unchecked")
    Arbitrary<MessageSettings> settings = Arbitraries.frequencyOf(
        Tuple.of(9, Combinators.combine(suites(), frameSizes()).as(MessageSettings::framed)),
        Tuple.of(1, suites().map(MessageSettings::nonFramed)));
    return settings;
  }

  // ------------------------------------------------------------------------ plaintexts

  /**
   * The plaintext length that counts as large for {@code frameSize}: several frames, and at least
   * 256 KiB for frames of 4 KiB and more.
   */
  public static int largeSize(int frameSize) {
    checkFrameSize(frameSize);
    return (int) Math.min(Integer.MAX_VALUE - 64, Math.max(3L * frameSize + 1, Math.min(256 * 1024, 64L * frameSize)));
  }

  /**
   * Plaintext lengths for messages with frames of {@code frameSize}: each of 0, 1, frame − 1,
   * frame, frame + 1, two frames, two frames + 1 and {@link #largeSize large}, and any length up to
   * large.
   */
  public static Arbitrary<Integer> plaintextSizes(int frameSize) {
    checkFrameSize(frameSize);
    int large = largeSize(frameSize);
    List<Integer> edges = new ArrayList<>(List.of(0, 1, frameSize - 1, frameSize, frameSize + 1,
        2 * frameSize, 2 * frameSize + 1, large));
    List<Integer> distinct = edges.stream().filter(n -> n >= 0).distinct().toList();
    @SuppressWarnings("unchecked")
    Arbitrary<Integer> sizes = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of(distinct)),
        Tuple.of(1, Arbitraries.integers().between(0, large)));
    return sizes;
  }

  /**
   * Plaintexts of {@link #plaintextSizes(int)} with pseudo-random content (from a generated seed,
   * so large ones cost little to generate; shrinking shortens them).
   */
  public static Arbitrary<byte[]> plaintexts(int frameSize) {
    return Combinators.combine(plaintextSizes(frameSize), Arbitraries.longs())
        .as(EnvelopeArbitraries::pseudoRandomBytes);
  }

  /** Plaintexts for messages with the settings' frame size (non-framed: as for 4 KiB frames). */
  public static Arbitrary<byte[]> plaintexts(MessageSettings settings) {
    return plaintexts(settings.framed() ? settings.frameSize() : 4096);
  }

  private static byte[] pseudoRandomBytes(int length, long seed) {
    byte[] bytes = new byte[length];
    new SplittableRandom(seed).nextBytes(bytes);
    return bytes;
  }

  private static void checkFrameSize(int frameSize) {
    if (frameSize < 1) {
      throw new IllegalArgumentException("frameSize must be positive: " + frameSize);
    }
  }

  // ------------------------------------------------------------------------ tamperings

  /**
   * Tamperings that fit {@code message}, each of which must make it fail to decrypt: a flip of any
   * bit, a truncation to any shorter length, 1 … 16 appended bytes, an edit of any header byte,
   * and, if it has two frames or more, a swap of any two of them.
   *
   * @throws IllegalArgumentException if {@code message} is not a complete message
   */
  public static Arbitrary<Tampering> tamperings(byte[] message) {
    Objects.requireNonNull(message, "message");
    MessageLayout layout = MessageLayout.of(message);
    int length = message.length;
    List<Tuple.Tuple2<Integer, Arbitrary<? extends Tampering>>> choices = new ArrayList<>();
    choices.add(Tuple.of(3, Arbitraries.integers().between(0, length * 8 - 1).map(Tampering::bitFlip)));
    choices.add(Tuple.of(2, Arbitraries.integers().between(0, length - 1).map(Tampering::truncation)));
    choices.add(Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(16)
        .map(Tampering::appendedBytes)));
    choices.add(Tuple.of(2, Combinators.combine(
            Arbitraries.integers().between(0, layout.headerLength() - 1),
            Arbitraries.bytes().filter(b -> b != 0))
        .as(Tampering::headerEdit)));
    int frames = layout.frames().size();
    if (frames >= 2) {
      choices.add(Tuple.of(2, Combinators.combine(
              Arbitraries.integers().between(0, frames - 2), Arbitraries.integers().between(1, frames - 1))
          .as((a, b) -> a < b ? Tampering.swappedFrames(a, b) : Tampering.swappedFrames(b - 1, a + 1))));
    }
    @SuppressWarnings({"unchecked", "rawtypes"})
    Arbitrary<Tampering> tamperings = Arbitraries.frequencyOf(choices.toArray(new Tuple.Tuple2[0]));
    return tamperings;
  }
}
