package dev.envelope.testkit.arbitraries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.AlgorithmSuite;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.keyring.RawAesKeyring;
import dev.envelope.testkit.EnvelopeAssertions;
import dev.envelope.testkit.TestKeyrings;
import dev.envelope.testkit.internal.MessageLayout;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class EnvelopeArbitrariesTest {
  private static final RawAesKeyring KEYRING = TestKeyrings.randomAes();

  // ------------------------------------------------------------------ contexts

  @Property
  void text_anyString_isWellFormedUnicodeWithinItsLength(@ForAll("text") String text) {
    int codePoints = text.codePointCount(0, text.length());
    assertTrue(codePoints >= 1 && codePoints <= 10, text.length() + " chars");
    text.codePoints().forEach(cp -> assertFalse(cp >= 0xD800 && cp <= 0xDFFF, "lone surrogate"));
  }

  @Provide
  Arbitrary<String> text() {
    return EnvelopeArbitraries.text(10);
  }

  @Property
  void contexts_anyContext_hasNoReservedKey(@ForAll("contexts") EncryptionContext context) {
    assertFalse(context.hasReservedKey(), context::toString);
    assertTrue(context.size() <= 5);
  }

  @Provide
  Arbitrary<EncryptionContext> contexts() {
    return EnvelopeArbitraries.contexts();
  }

  @Example
  void contexts_sampled_includeEmptyNearReservedAndMaximalLengths() {
    List<EncryptionContext> samples = EnvelopeArbitraries.contexts().sampleStream().limit(1000).toList();
    assertTrue(samples.contains(EncryptionContext.empty()), "no empty context");
    Set<String> keys = samples.stream().flatMap(c -> c.keys().stream()).collect(Collectors.toSet());
    assertTrue(keys.stream().anyMatch(EnvelopeArbitraries.NEAR_RESERVED_KEYS::contains), "no near-reserved key");
    assertTrue(keys.stream().anyMatch(k -> k.codePointCount(0, k.length()) == 16), "no 16-code-point key");
    assertTrue(keys.stream().anyMatch(k -> k.codePointCount(0, k.length()) == 1), "no 1-code-point key");
    assertTrue(keys.stream().anyMatch(k -> k.codePoints().anyMatch(cp -> cp > 0xFFFF)), "no supplementary character");
  }

  @Property(edgeCases = EdgeCasesMode.NONE)
  void wrongContexts_anyWrongExpectation_failsToDecrypt(@ForAll("wrong") Object[] wrong) {
    byte[] message = (byte[]) wrong[0];
    EnvelopeAssertions.assertWrongContextRejected(ENVELOPE, message, (EncryptionContext) wrong[1]);
  }

  private static final Envelope ENVELOPE = Envelope.builder().keyring(KEYRING)
      .algorithmSuite(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY).build();

  @Provide
  Arbitrary<Object[]> wrong() {
    return EnvelopeArbitraries.contexts().flatMap(actual -> {
      byte[] message = ENVELOPE.encrypt(new byte[] {1, 2, 3}, actual);
      return EnvelopeArbitraries.wrongContexts(actual).map(w -> new Object[] {message, w});
    });
  }

  // ------------------------------------------------------------------ suites, frames, plaintexts

  @Example
  void suites_allValues_areEverySuite() {
    Set<AlgorithmSuite> all = EnvelopeArbitraries.suites().allValues().orElseThrow().collect(Collectors.toSet());
    assertEquals(EnumSet.allOf(AlgorithmSuite.class), all);
  }

  @Example
  void frameSizes_sampled_includeTheEdgesAndStayInRange() {
    List<Integer> sizes = EnvelopeArbitraries.frameSizes().sampleStream().limit(2000).toList();
    assertTrue(new HashSet<>(sizes).containsAll(EnvelopeArbitraries.EDGE_FRAME_SIZES), "edges missing");
    assertTrue(sizes.stream().allMatch(n -> n >= 1 && n <= EnvelopeArbitraries.MAX_GENERATED_FRAME_SIZE));
  }

  @Example
  void settings_sampled_coverEverySuiteFramedAndNonFramed() {
    List<MessageSettings> settings = EnvelopeArbitraries.settings().sampleStream().limit(3000).toList();
    assertEquals(EnumSet.allOf(AlgorithmSuite.class), settings.stream().map(MessageSettings::suite).collect(Collectors.toSet()));
    assertTrue(settings.stream().anyMatch(s -> !s.framed()), "never non-framed");
  }

  @Example
  void plaintextSizes_sampled_includeEveryEdgeAroundTheFrame() {
    int frame = 100;
    Set<Integer> sizes = EnvelopeArbitraries.plaintextSizes(frame).sampleStream().limit(2000).collect(Collectors.toSet());
    assertTrue(sizes.containsAll(List.of(0, 1, 99, 100, 101, 200, 201, EnvelopeArbitraries.largeSize(frame))), sizes::toString);
    assertTrue(sizes.stream().allMatch(n -> n >= 0 && n <= EnvelopeArbitraries.largeSize(frame)));
    assertTrue(EnvelopeArbitraries.largeSize(frame) > 3 * frame);
    assertEquals(256 * 1024, EnvelopeArbitraries.largeSize(Envelope.DEFAULT_FRAME_SIZE));
  }

  @Property(tries = 200)
  void settings_anySettingsAndPlaintext_roundTrip(@ForAll("settingsAndPlaintexts") Object[] sp) {
    MessageSettings settings = (MessageSettings) sp[0];
    byte[] plaintext = (byte[]) sp[1];
    Envelope envelope = settings.envelope(KEYRING);
    byte[] message = EnvelopeAssertions.assertRoundTrip(envelope, plaintext, EncryptionContext.of("k", "v"));
    assertEquals(settings.suite(), Envelope.inspectUnauthenticated(message).algorithmSuite());
    assertEquals(settings.frameSize(), Envelope.inspectUnauthenticated(message).frameLength());
  }

  @Provide
  Arbitrary<Object[]> settingsAndPlaintexts() {
    return EnvelopeArbitraries.settings()
        .filter(s -> !s.framed() || s.frameSize() >= 64) // tiny frames are covered by the tampering property
        .flatMap(s -> EnvelopeArbitraries.plaintexts(s).map(p -> new Object[] {s, p}));
  }

  // ------------------------------------------------------------------ tamperings

  /** A message of any suite, framing and interesting size, with a tampering that fits it. */
  static final class Case {
    final MessageSettings settings;
    final byte[] message;
    final Tampering tampering;
    final EncryptionContext context;

    Case(MessageSettings settings, byte[] message, Tampering tampering, EncryptionContext context) {
      this.settings = settings;
      this.message = message;
      this.tampering = tampering;
      this.context = context;
    }

    @Override
    public String toString() {
      return tampering + " of a " + message.length + "-byte message, " + settings;
    }
  }

  @Provide
  Arbitrary<Case> tampered() {
    Arbitrary<MessageSettings> settings = Combinators.combine(
            EnvelopeArbitraries.suites(), net.jqwik.api.Arbitraries.integers().between(1, 300))
        .as(MessageSettings::framed);
    return Combinators.combine(settings, EnvelopeArbitraries.contexts()).flatAs((s, context) ->
        net.jqwik.api.Arbitraries.integers().between(0, 3 * s.frameSize() + 1).flatMap(length -> {
          byte[] message = s.envelope(KEYRING).encrypt(new byte[length], context);
          return EnvelopeArbitraries.tamperings(message).map(t -> new Case(s, message, t, context));
        }));
  }

  @Property(edgeCases = EdgeCasesMode.NONE) // generating a sample encrypts a message
  void tamperings_anyTamperingOfAnyMessage_changesItAndFailsToDecrypt(@ForAll("tampered") Case c) {
    byte[] tampered = c.tampering.apply(c.message);
    assertFalse(java.util.Arrays.equals(c.message, tampered));
    EnvelopeAssertions.assertTamperingRejected(c.settings.envelope(KEYRING), c.message, c.tampering, c.context);
  }

  @Example
  void tamperings_ofAMultiFrameMessage_includeEveryKind() {
    byte[] message = MessageSettings.framed(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384, 16)
        .envelope(KEYRING).encrypt(new byte[40], EncryptionContext.empty());
    Set<Tampering.Kind> kinds = EnvelopeArbitraries.tamperings(message).sampleStream().limit(500)
        .map(Tampering::kind).collect(Collectors.toCollection(() -> EnumSet.noneOf(Tampering.Kind.class)));
    assertEquals(EnumSet.allOf(Tampering.Kind.class), kinds);
  }

  @Example
  void tamperings_ofASingleFrameMessage_neverSwapFrames() {
    byte[] message = MessageSettings.framed(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY, 64)
        .envelope(KEYRING).encrypt(new byte[10], EncryptionContext.empty());
    assertTrue(EnvelopeArbitraries.tamperings(message).sampleStream().limit(300)
        .noneMatch(t -> t.kind() == Tampering.Kind.SWAPPED_FRAMES));
  }

  @Example
  void swappedFrames_regularAndFinalFrame_exchangesTheirBytes() {
    byte[] message = MessageSettings.framed(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY, 8)
        .envelope(KEYRING).encrypt(new byte[13], EncryptionContext.empty());
    MessageLayout layout = MessageLayout.of(message);
    assertEquals(2, layout.frames().size());
    byte[] swapped = Tampering.swappedFrames(0, 1).apply(message);
    MessageLayout.Part regular = layout.frames().get(0);
    MessageLayout.Part last = layout.frames().get(1);
    assertEquals(message.length, swapped.length);
    assertTrue(java.util.Arrays.equals(message, last.offset(), last.end(),
        swapped, regular.offset(), regular.offset() + last.length()), "the final frame did not move first");
  }

  @Example
  void apply_tamperingThatDoesNotFit_throwsNamingTheMismatch() {
    byte[] message = MessageSettings.framed(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY, 64)
        .envelope(KEYRING).encrypt(new byte[10], EncryptionContext.empty());
    int header = MessageLayout.of(message).headerLength();
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Tampering.swappedFrames(0, 1).apply(message))
        .getMessage().contains("1 frame"));
    assertThrows(IllegalArgumentException.class, () -> Tampering.headerEdit(header, (byte) 1).apply(message));
    assertThrows(IllegalArgumentException.class, () -> Tampering.truncation(message.length).apply(message));
    assertThrows(IllegalArgumentException.class, () -> Tampering.bitFlip(message.length * 8).apply(message));
    assertThrows(IllegalArgumentException.class, () -> Tampering.headerEdit(0, (byte) 0));
    assertThrows(IllegalArgumentException.class, () -> Tampering.swappedFrames(2, 2));
    assertThrows(IllegalArgumentException.class, () -> Tampering.appendedBytes(new byte[0]));
    assertNotEquals(Tampering.bitFlip(1), Tampering.bitFlip(2));
  }
}
