package dev.envelope.properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.envelope.AlgorithmSuite;
import dev.envelope.CommitmentPolicy;
import dev.envelope.DecryptingStream;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.EnvelopeException;
import dev.envelope.testing.Messages;
import dev.envelope.testing.TestKeys;
import dev.envelope.testing.TrickleInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Issue 12: a failed decrypt never releases a byte it has not verified and never reports
 * completion. Arbitrary bytes of valid messages are changed (any bit pattern at any position), the
 * message is cut anywhere, or bytes are appended; then, with the Envelope's default stream policy:
 *
 * <ul>
 *   <li>{@code decrypt} throws an {@link EnvelopeException} and returns nothing;
 *   <li>a decrypting stream throws an {@link EnvelopeException}; for a signed message it has
 *       released nothing at all; for an unsigned one at most the whole regular frames that lie
 *       entirely before the first changed byte (each verified by its own tag), exactly as they were
 *       encrypted, and nothing of the frame that holds the change or after it;
 *   <li>afterwards {@link DecryptingStream#isComplete()} is false and every read throws.
 * </ul>
 */
class FailedDecryptPropertiesTest {
  private static final int FRAME = 32;
  private static final EncryptionContext CONTEXT = EncryptionContext.of("purpose", "failed decrypt");
  private static final List<Sample> SAMPLES = samples();
  private static final Envelope READER = Envelope.builder().keyring(TestKeys.aes256Keyring())
      .commitmentPolicy(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT).build();

  /** A valid message and its plaintext. */
  static final class Sample {
    final AlgorithmSuite suite;
    final byte[] plaintext;
    final byte[] message;
    final int headerLength;

    Sample(AlgorithmSuite suite, byte[] plaintext) {
      this.suite = suite;
      this.plaintext = plaintext;
      this.message = Messages.envelope(TestKeys.aes256Keyring(), suite, FRAME).encrypt(plaintext, CONTEXT);
      this.headerLength = Envelope.inspectUnauthenticated(message).headerLength();
    }

    /** How many plaintext bytes a stream may release when the first changed byte is at {@code position}. */
    int releasable(int position) {
      if (suite.isSigned() || position < headerLength) {
        return 0;
      }
      long regular = plaintext.length == 0 ? 0 : (plaintext.length - 1) / FRAME;
      long before = (position - headerLength) / (FRAME + 32L);
      return (int) (Math.min(regular, before) * FRAME);
    }

    @Override
    public String toString() {
      return suite.idHex() + ", " + plaintext.length + " bytes";
    }
  }

  /** One change to a sample: the bytes to decrypt and where they first differ from the original. */
  static final class Tampered {
    final Sample sample;
    final byte[] bytes;
    final int firstChange;
    final String how;
    final int chunk;

    Tampered(Sample sample, byte[] bytes, int firstChange, String how, int chunk) {
      this.sample = sample;
      this.bytes = bytes;
      this.firstChange = firstChange;
      this.how = how;
      this.chunk = chunk;
    }

    @Override
    public String toString() {
      return sample + ": " + how + ", reads of " + chunk;
    }
  }

  private static List<Sample> samples() {
    List<Sample> all = new ArrayList<>();
    for (AlgorithmSuite suite : List.of(
        AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384, AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY,
        AlgorithmSuite.AES_256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384, AlgorithmSuite.AES_128_GCM_IV12_TAG16_HKDF_SHA256,
        AlgorithmSuite.AES_128_GCM_IV12_TAG16_NO_KDF)) {
      for (int length : new int[] {0, 1, 5 * FRAME, 7 * FRAME + 3}) {
        all.add(new Sample(suite, Messages.plaintext(length)));
      }
    }
    return List.copyOf(all);
  }

  @Provide
  Arbitrary<Tampered> tampered() {
    Arbitrary<Integer> chunks = Arbitraries.of(1, 7, FRAME, 4096);
    Arbitrary<Sample> samples = Arbitraries.of(SAMPLES);
    Arbitrary<Tampered> xored = Combinators.combine(samples, Arbitraries.integers().between(0, Integer.MAX_VALUE),
            Arbitraries.integers().between(1, 255), chunks)
        .as((s, at, mask, chunk) -> {
          int position = at % s.message.length;
          byte[] b = s.message.clone();
          b[position] ^= (byte) (int) mask;
          return new Tampered(s, b, position, "byte " + position + " xor " + mask, chunk);
        });
    Arbitrary<Tampered> cut = Combinators.combine(samples, Arbitraries.integers().between(0, Integer.MAX_VALUE), chunks)
        .as((s, at, chunk) -> {
          int length = at % s.message.length;
          return new Tampered(s, Arrays.copyOf(s.message, length), length, "cut at " + length, chunk);
        });
    Arbitrary<Tampered> appended = Combinators.combine(samples, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(40), chunks)
        .as((s, extra, chunk) -> new Tampered(s, Messages.append(s.message, extra), s.message.length,
            extra.length + " bytes appended", chunk));
    return Arbitraries.oneOf(xored, cut, appended);
  }

  @Property
  void decrypt_tamperedMessage_throwsAndReturnsNothing(@ForAll("tampered") Tampered t) {
    assertThrows(EnvelopeException.class, () -> READER.decrypt(t.bytes, CONTEXT), t::toString);
  }

  @Property
  void decryptingStream_tamperedMessage_releasesNoUnverifiedByteAndNeverCompletes(@ForAll("tampered") Tampered t) {
    ByteArrayOutputStream released = new ByteArrayOutputStream();
    DecryptingStream stream = null;
    Throwable failure = null;
    try {
      stream = READER.decryptingStream(new TrickleInputStream(t.bytes), CONTEXT);
      byte[] buffer = new byte[t.chunk];
      int n;
      while ((n = stream.read(buffer, 0, t.chunk)) != -1) {
        released.write(buffer, 0, n);
      }
    } catch (EnvelopeException e) {
      failure = e;
    } catch (Exception e) {
      fail(t + ": threw " + e + " instead of an EnvelopeException", e);
    }

    assertNotNull(failure, () -> t + ": the tampered message was accepted");
    byte[] got = released.toByteArray();
    int allowed = t.sample.releasable(t.firstChange);
    assertTrue(got.length <= allowed, () -> t + ": released " + got.length + " bytes, at most " + allowed + " verified");
    assertArrayEquals(Arrays.copyOf(t.sample.plaintext, got.length), got, t::toString);
    if (stream != null) {
      assertFalse(stream.isComplete(), t::toString);
      DecryptingStream failed = stream;
      assertThrows(IOException.class, failed::read, t::toString);
      assertFalse(stream.isComplete(), t::toString);
    }
  }
}
