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
 * Every single-bit flip and every truncation of small messages is rejected, not a random sample:
 * one dynamic test per message, each trying all bits (or all lengths) in turn and collecting every
 * change that was accepted or failed with the wrong exception. Bit flips cover an unsigned and a
 * signed suite of each format version, framed and non-framed (the jqwik property samples all 22
 * messages); truncations cover all 22.
 */
class ExhaustiveTamperingTest {
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

  /** Every proper prefix of every sample is malformed (a cut message never passes for a shorter one). */
  @TestFactory
  Stream<DynamicTest> decrypt_everyTruncation_failsAsMalformed() {
    return Samples.ALL.stream()
        .map(
            sample ->
                DynamicTest.dynamicTest(
                    sample.toString(),
                    () -> {
                      List<Throwable> failures = new ArrayList<>();
                      for (int length = 0; length < sample.message.length; length++) {
                        byte[] cut = java.util.Arrays.copyOf(sample.message, length);
                        try {
                          assertRejected(
                              "length " + length,
                              java.util.Set.of(dev.envelope.MalformedMessageException.class),
                              () -> Samples.READER.decrypt(cut, Samples.CONTEXT));
                        } catch (AssertionError e) {
                          failures.add(e);
                        }
                      }
                      if (!failures.isEmpty()) {
                        throw new MultipleFailuresError(sample + ": " + failures.size() + " cuts", failures);
                      }
                    }));
  }
}
