package dev.envelope.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.encryptionsdk.CryptoResult;
import com.amazonaws.encryptionsdk.model.ContentType;
import dev.envelope.AlgorithmSuite;
import dev.envelope.CommitmentPolicy;
import dev.envelope.Decrypted;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.UnauthenticatedHeader;
import dev.envelope.keyring.RsaPadding;
import dev.envelope.testing.Esdk;
import dev.envelope.testing.Esdk.MatchedKey;
import dev.envelope.testing.Messages;
import dev.envelope.testing.TestKeys;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Interop with the real AWS Encryption SDK for Java 3.0.2, in both directions: the ESDK encrypts
 * and Envelope decrypts (array and stream), and Envelope encrypts (array and, when framed,
 * stream) and the ESDK decrypts.
 *
 * <p>The matrix, identical in both directions:
 *
 * <ul>
 *   <li>raw AES-256: every suite × framed/non-framed × plaintext sizes {0, 1, F−1, F, F+1, 3F+17}
 *       × contexts {empty, one pair, many pairs, non-ASCII, UTF-8/UTF-16 order disagreeing}, F = 128;
 *   <li>raw AES-128, AES-192 and RSA-2048 with PKCS#1 v1.5 and OAEP-SHA1/256/384/512: every suite ×
 *       framed/non-framed, with sizes and contexts rotating so that each key meets every size and
 *       every context.
 * </ul>
 *
 * Each factory checks that coverage before it returns its cases.
 */
class EsdkInteropTest {
  static final int FRAME = 128;
  static final int[] SIZES = {0, 1, FRAME - 1, FRAME, FRAME + 1, 3 * FRAME + 17};
  static final Map<String, EncryptionContext> CONTEXTS = contexts();
  private static final String NAMESPACE = "envelope-interop";

  private static Map<String, EncryptionContext> contexts() {
    Map<String, EncryptionContext> c = new LinkedHashMap<>();
    c.put("empty", EncryptionContext.empty());
    c.put("one-pair", EncryptionContext.of("tenant", "acme"));
    EncryptionContext.Builder many = EncryptionContext.builder();
    for (int i = 23; i >= 0; i--) {
      many.put("key-" + (char) ('a' + i) + i, "value number " + i);
    }
    c.put("many-pairs", many.build());
    c.put(
        "non-ascii",
        EncryptionContext.of("clé", "värde", "ключ", "значение", "鍵", "値 😀"));
    // UTF-16 order: U+1F600 (D83D) < U+E000 < U+FFFD; UTF-8 order: U+E000 < U+FFFD < U+10000 < U+1F600.
    c.put(
        "utf8-utf16-order",
        EncryptionContext.builder()
            .put("\uD83D\uDE00", "grinning")
            .put("\uFFFD", "replacement")
            .put("\uE000", "private use")
            .put("\uD800\uDC00", "linear b")
            .put("z", "ascii")
            .build());
    return java.util.Collections.unmodifiableMap(c);
  }

  /** One interop case. {@code frameSize} 0 means non-framed. */
  static final class Case {
    final MatchedKey key;
    final AlgorithmSuite suite;
    final int frameSize;
    final int size;
    final String contextName;

    Case(MatchedKey key, AlgorithmSuite suite, int frameSize, int size, String contextName) {
      this.key = key;
      this.suite = suite;
      this.frameSize = frameSize;
      this.size = size;
      this.contextName = contextName;
    }

    EncryptionContext context() {
      return CONTEXTS.get(contextName);
    }

    @Override
    public String toString() {
      return key.label() + " " + suite.idHex() + " " + (frameSize == 0 ? "non-framed" : "framed")
          + " " + size + "B " + contextName;
    }
  }

  static final class Keys {
    static final MatchedKey AES_256 = Esdk.rawAes(NAMESPACE, "aes-256", TestKeys.sequentialKey(32));
    static final List<MatchedKey> OTHERS = others();

    private static List<MatchedKey> others() {
      List<MatchedKey> keys = new ArrayList<>();
      keys.add(Esdk.rawAes(NAMESPACE, "aes-128", TestKeys.sequentialKey(16)));
      keys.add(Esdk.rawAes(NAMESPACE, "aes-192", TestKeys.sequentialKey(24)));
      for (RsaPadding padding : RsaPadding.values()) {
        keys.add(Esdk.rawRsa(NAMESPACE, "rsa-2048-" + padding.id(), padding, TestKeys.rsa2048()));
      }
      return List.copyOf(keys);
    }
  }

  /** The full matrix for AES-256 and a covering rotation for every other key. */
  static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    List<String> contextNames = List.copyOf(CONTEXTS.keySet());
    for (AlgorithmSuite suite : AlgorithmSuite.values()) {
      for (int frameSize : new int[] {FRAME, 0}) {
        for (int size : SIZES) {
          for (String context : contextNames) {
            cases.add(new Case(Keys.AES_256, suite, frameSize, size, context));
          }
        }
      }
    }
    for (int k = 0; k < Keys.OTHERS.size(); k++) {
      int j = 0;
      for (AlgorithmSuite suite : AlgorithmSuite.values()) {
        for (int frameSize : new int[] {FRAME, 0}) {
          cases.add(
              new Case(
                  Keys.OTHERS.get(k),
                  suite,
                  frameSize,
                  SIZES[(j + k) % SIZES.length],
                  contextNames.get((j + 2 * k) % contextNames.size())));
          j++;
        }
      }
    }
    checkCoverage(cases);
    return cases;
  }

  /** Every key meets every suite, both framings, every size and every context. */
  private static void checkCoverage(List<Case> cases) {
    assertEquals(11 * 2 * 6 * 5 + 7 * 11 * 2, cases.size(), "interop cases per direction");
    Map<String, List<Case>> byKey = cases.stream().collect(Collectors.groupingBy(c -> c.key.label()));
    assertEquals(8, byKey.size(), "keys");
    byKey.forEach(
        (key, list) -> {
          assertEquals(11, distinct(list, c -> c.suite.idHex()), key + ": suites");
          assertEquals(2, distinct(list, c -> c.frameSize), key + ": framings");
          assertEquals(SIZES.length, distinct(list, c -> c.size), key + ": sizes");
          assertEquals(CONTEXTS.size(), distinct(list, c -> c.contextName), key + ": contexts");
        });
  }

  private static <T> int distinct(List<Case> cases, java.util.function.Function<Case, T> axis) {
    return cases.stream().map(axis).collect(Collectors.toSet()).size();
  }

  @TestFactory
  Stream<DynamicTest> esdkEncrypts_envelopeDecrypts() {
    Map<String, Envelope> readers = new ConcurrentHashMap<>();
    return cases().stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    "ESDK→Envelope " + c,
                    () -> {
                      byte[] plaintext = Messages.plaintext(c.size);
                      byte[] message =
                          Esdk.encrypt(c.key.masterKey(), c.suite, c.frameSize, plaintext, c.context());
                      UnauthenticatedHeader header = Envelope.inspectUnauthenticated(message);
                      assertEquals(c.suite, header.algorithmSuite());
                      assertEquals(c.frameSize != 0, header.framed());
                      assertEquals(c.frameSize, header.frameLength());

                      Envelope reader =
                          readers.computeIfAbsent(
                              c.key.label(),
                              k ->
                                  Envelope.builder()
                                      .keyring(c.key.keyring())
                                      .commitmentPolicy(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT)
                                      .build());
                      Decrypted decrypted = reader.decrypt(message, c.context());
                      assertArrayEquals(plaintext, decrypted.plaintext(), "decrypt");
                      assertEquals(c.suite, decrypted.algorithmSuite());
                      assertEquals(expectedContext(c), keysAndValues(decrypted.encryptionContext().asMap()));
                      assertArrayEquals(
                          plaintext,
                          Messages.decryptStreaming(reader, new ByteArrayInputStream(message), c.context()),
                          "decryptingStream");
                    }));
  }

  @TestFactory
  Stream<DynamicTest> envelopeEncrypts_esdkDecrypts() {
    Map<String, Envelope> writers = new HashMap<>();
    return cases().stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    "Envelope→ESDK " + c,
                    () -> {
                      byte[] plaintext = Messages.plaintext(c.size);
                      Envelope writer =
                          writers.computeIfAbsent(
                              c.key.label() + c.suite + c.frameSize,
                              k ->
                                  c.frameSize == 0
                                      ? Messages.nonFramedEnvelope(c.key.keyring(), c.suite)
                                      : Messages.envelope(c.key.keyring(), c.suite, c.frameSize));
                      esdkDecrypts(c, writer.encrypt(plaintext, c.context()), plaintext);
                      if (c.frameSize != 0) {
                        esdkDecrypts(c, Messages.encryptStreaming(writer, plaintext, c.context(), 7), plaintext);
                      }
                    }));
  }

  private static void esdkDecrypts(Case c, byte[] message, byte[] plaintext) {
    CryptoResult<byte[], ?> result = Esdk.decrypt(c.key.masterKey(), message);
    assertArrayEquals(plaintext, result.getResult());
    assertEquals(Esdk.algorithm(c.suite), result.getCryptoAlgorithm());
    assertEquals(c.frameSize == 0 ? ContentType.SINGLEBLOCK : ContentType.FRAME, result.getHeaders().getContentType());
    assertEquals(c.frameSize, result.getHeaders().getFrameLength());
    assertEquals(expectedContext(c), keysAndValues(result.getEncryptionContext()));
  }

  /** The caller's pairs, plus the public key's presence for signing suites. */
  private static Map<String, String> expectedContext(Case c) {
    Map<String, String> expected = new HashMap<>(c.context().asMap());
    if (c.suite.isSigned()) {
      expected.put(EncryptionContext.PUBLIC_KEY_FIELD, "<present>");
    }
    return expected;
  }

  private static Map<String, String> keysAndValues(Map<String, String> actual) {
    Map<String, String> copy = new HashMap<>(actual);
    copy.computeIfPresent(EncryptionContext.PUBLIC_KEY_FIELD, (k, v) -> "<present>");
    return copy;
  }

  /** Guards the guard: the case list really holds each axis value (fails if the matrix shrinks). */
  @TestFactory
  Stream<DynamicTest> matrix_everyAxisValue_appears() {
    List<Case> cases = cases();
    Set<String> labels = new TreeSet<>();
    cases.forEach(c -> labels.add(c.key.label()));
    return Stream.of(
        DynamicTest.dynamicTest(
            "keys " + labels,
            () ->
                assertEquals(
                    Set.of("aes-128", "aes-192", "aes-256", "rsa-pkcs1", "rsa-oaep-sha1", "rsa-oaep-sha256",
                        "rsa-oaep-sha384", "rsa-oaep-sha512"),
                    labels)));
  }
}
