package dev.envelope.properties;

import static dev.envelope.properties.Rejections.TAMPERED;
import static dev.envelope.properties.Rejections.assertRejected;

import dev.envelope.AlgorithmSuite;
import dev.envelope.properties.Samples.Sample;
import dev.envelope.testing.Messages;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.MultipleFailuresError;

/**
 * Every single-bit flip of a small message is rejected, not a random sample of them: one dynamic
 * test per message, each flipping all of its bits in turn and collecting every flip that was
 * accepted or failed with the wrong exception. Covers an unsigned and a signed suite of each
 * format version, framed and non-framed (the jqwik property samples all 22 combinations).
 */
class ExhaustiveBitFlipTest {
  @TestFactory
  Stream<DynamicTest> decrypt_everySingleBitFlip_failsAsTampered() {
    List<Sample> samples =
        List.of(
            Samples.get(AlgorithmSuite.AES_128_GCM_IV12_TAG16_NO_KDF, true),
            Samples.get(AlgorithmSuite.AES_256_GCM_IV12_TAG16_HKDF_SHA256, false),
            Samples.get(AlgorithmSuite.AES_128_GCM_IV12_TAG16_HKDF_SHA256_ECDSA_P256, false),
            Samples.get(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY, true),
            Samples.get(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384, true),
            Samples.get(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384, false));
    return samples.stream()
        .map(
            sample ->
                DynamicTest.dynamicTest(
                    sample.toString(),
                    () -> {
                      List<Throwable> failures = new ArrayList<>();
                      for (int bit = 0; bit < sample.message.length * 8; bit++) {
                        byte[] tampered = Messages.flipBit(sample.message, bit);
                        try {
                          assertRejected(
                              "bit " + bit, TAMPERED, () -> Samples.READER.decrypt(tampered, Samples.CONTEXT));
                        } catch (AssertionError e) {
                          failures.add(e);
                        }
                      }
                      if (!failures.isEmpty()) {
                        throw new MultipleFailuresError(sample + ": " + failures.size() + " flips", failures);
                      }
                    }));
  }
}
