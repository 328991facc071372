package dev.envelope.properties;

import dev.envelope.EncryptionContext;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/** jqwik generators shared by the property tests. */
final class Generators {
  private Generators() {}

  /**
   * Well-formed Unicode text of 1 … {@code maxCodePoints} code points, weighted towards ASCII but
   * with control characters, the rest of the BMP below and above the surrogates (U+E000–U+FFFF,
   * where UTF-8 and UTF-16 orders disagree with supplementary characters) and supplementary planes.
   */
  static Arbitrary<String> text(int maxCodePoints) {
    @SuppressWarnings("unchecked")
    Arbitrary<Integer> codePoint =
        Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.integers().between(0x20, 0x7E)),
            Tuple.of(1, Arbitraries.integers().between(0x00, 0x1F)),
            Tuple.of(1, Arbitraries.integers().between(0x80, 0xD7FF)),
            Tuple.of(1, Arbitraries.integers().between(0xE000, 0xFFFF)),
            Tuple.of(1, Arbitraries.integers().between(0x10000, 0x10FFFF)));
    return codePoint
        .list()
        .ofMinSize(1)
        .ofMaxSize(maxCodePoints)
        .map(Generators::fromCodePoints);
  }

  private static String fromCodePoints(List<Integer> codePoints) {
    StringBuilder s = new StringBuilder();
    codePoints.forEach(s::appendCodePoint);
    return s.toString();
  }

  /** Context keys: any text except the reserved prefix. */
  static Arbitrary<String> contextKeys() {
    return text(12).filter(k -> !k.startsWith(EncryptionContext.RESERVED_PREFIX));
  }

  /** Encryption contexts of 0 … {@code maxPairs} pairs. */
  static Arbitrary<EncryptionContext> contexts(int maxPairs) {
    return Arbitraries.maps(contextKeys(), text(16)).ofMaxSize(maxPairs).map(EncryptionContext::from);
  }

  /** Encryption contexts of 1 … {@code maxPairs} pairs. */
  static Arbitrary<EncryptionContext> nonEmptyContexts(int maxPairs) {
    return Arbitraries.maps(contextKeys(), text(16))
        .ofMinSize(1)
        .ofMaxSize(maxPairs)
        .map(EncryptionContext::from);
  }
}
