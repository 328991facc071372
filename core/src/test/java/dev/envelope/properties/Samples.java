package dev.envelope.properties;

import dev.envelope.AlgorithmSuite;
import dev.envelope.CommitmentPolicy;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.Keyring;
import dev.envelope.testing.Messages;
import dev.envelope.testing.TestKeys;
import java.util.ArrayList;
import java.util.List;

/**
 * Small valid messages, built once per JVM: every suite, framed (frame 16, plaintext 40: two
 * regular frames and a final one of 8) and non-framed, under the raw AES-256 test keyring and a
 * one-pair context.
 */
final class Samples {
  static final int FRAME = 16;
  static final byte[] PLAINTEXT = Messages.plaintext(40);
  static final EncryptionContext CONTEXT = EncryptionContext.of("purpose", "tamper test");
  static final Keyring KEYRING = TestKeys.aes256Keyring();
  static final List<Sample> ALL = build();

  /**
   * Reads every suite with the default configuration except the two caps, raised to the largest
   * values: with the default cap of 64 encrypted data keys, a flipped bit in the key count is
   * reported as a {@link dev.envelope.PolicyViolationException} before anything else is read (pinned
   * by {@code EnvelopeTest}), and with the default 64 MiB stream buffer, a flipped high bit in a
   * frame or body length is refused the same way (pinned by {@code MaxFrameLengthTest}), and with
   * the default cap of 1,024 context pairs a flipped high bit in the pair count too (pinned by
   * {@code ParsingLimitsTest}); raised, the parser itself must reject the message.
   */
  static final Envelope READER =
      Envelope.builder()
          .keyring(KEYRING)
          .commitmentPolicy(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT)
          .maxEncryptedDataKeys(0xFFFF)
          .maxEncryptionContextPairs(0xFFFF)
          .maxFrameLength(Integer.MAX_VALUE - 1024)
          .build();

  private Samples() {}

  /** One valid message and how it was made. */
  static final class Sample {
    final AlgorithmSuite suite;
    final boolean framed;
    final byte[] message;

    Sample(AlgorithmSuite suite, boolean framed, byte[] message) {
      this.suite = suite;
      this.framed = framed;
      this.message = message;
    }

    @Override
    public String toString() {
      return suite.idHex() + (framed ? " framed" : " non-framed") + " (" + message.length + " bytes)";
    }
  }

  private static List<Sample> build() {
    List<Sample> samples = new ArrayList<>();
    for (AlgorithmSuite suite : AlgorithmSuite.values()) {
      samples.add(new Sample(suite, true, Messages.envelope(KEYRING, suite, FRAME).encrypt(PLAINTEXT, CONTEXT)));
      samples.add(new Sample(suite, false, Messages.nonFramedEnvelope(KEYRING, suite).encrypt(PLAINTEXT, CONTEXT)));
    }
    return List.copyOf(samples);
  }

  static Sample get(AlgorithmSuite suite, boolean framed) {
    for (Sample s : ALL) {
      if (s.suite == suite && s.framed == framed) {
        return s;
      }
    }
    throw new IllegalArgumentException(suite + " " + framed);
  }
}
