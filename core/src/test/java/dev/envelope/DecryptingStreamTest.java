package dev.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.envelope.testing.Messages;
import dev.envelope.testing.TestKeys;
import dev.envelope.testing.TrickleInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The release rules of {@link DecryptingStream} (keyrings.md §9), under {@link
 * StreamSignaturePolicy#releaseFramesBeforeSignature()}: regular frames are released once their tags verify, the final frame (and a non-framed body) only once the message has verifiably
 * ended, and every truncated, over-long or rearranged message ends in an exception, never in -1.
 */
class DecryptingStreamTest {
  private static final int FRAME = 64;
  private static final int REGULAR_FRAMES = 3;
  private static final byte[] PLAINTEXT = Messages.plaintext(REGULAR_FRAMES * FRAME + 10);
  private static final EncryptionContext CONTEXT = EncryptionContext.of("stream", "rules");
  private static final Keyring KEYRING = TestKeys.aes256Keyring();

  /** Frames are released before the signature here (the ESDK's rule); see StreamSignaturePolicyTest for the default. */
  private static Envelope envelope(AlgorithmSuite suite) {
    return Envelope.builder().keyring(KEYRING).algorithmSuite(suite).commitmentPolicy(Messages.policyFor(suite))
        .frameSize(FRAME).streamSignaturePolicy(StreamSignaturePolicy.releaseFramesBeforeSignature()).build();
  }

  /** What a reader got before the stream threw, and what it threw. */
  private static final class Outcome {
    final byte[] released;
    final Throwable failure;

    Outcome(byte[] released, Throwable failure) {
      this.released = released;
      this.failure = failure;
    }
  }

  /** Reads until -1 or an exception; {@code chunk} 1 uses {@code read()}. */
  private static Outcome readUntilFailure(Envelope envelope, InputStream source, int chunk) {
    ByteArrayOutputStream released = new ByteArrayOutputStream();
    try (DecryptingStream stream = envelope.decryptingStream(source, CONTEXT)) {
      byte[] buffer = new byte[chunk];
      while (true) {
        if (chunk == 1) {
          int b = stream.read();
          if (b == -1) {
            break;
          }
          released.write(b);
        } else {
          int n = stream.read(buffer, 0, chunk);
          if (n == -1) {
            break;
          }
          released.write(buffer, 0, n);
        }
      }
      assertTrue(stream.isComplete());
      return new Outcome(released.toByteArray(), null);
    } catch (Exception e) {
      return new Outcome(released.toByteArray(), e);
    }
  }

  private static byte[] regularFramesOnly() {
    return Arrays.copyOf(PLAINTEXT, REGULAR_FRAMES * FRAME);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 64, 4096})
  void read_signedMessageWithCorruptSignature_releasesRegularFramesButNeverTheFinalFrame(int chunk) {
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384;
    byte[] message = envelope(suite).encrypt(PLAINTEXT, CONTEXT);
    byte[] corrupt = message.clone();
    corrupt[corrupt.length - 1] ^= 0x01; // last byte of the DER signature (s)

    for (InputStream source : new InputStream[] {new ByteArrayInputStream(corrupt), new TrickleInputStream(corrupt)}) {
      Outcome outcome = readUntilFailure(envelope(suite), source, chunk);
      assertInstanceOf(AuthenticationFailedException.class, outcome.failure);
      assertArrayEquals(regularFramesOnly(), outcome.released, "exactly the regular frames were released");
    }
    // The intact message releases everything.
    Outcome intact = readUntilFailure(envelope(suite), new TrickleInputStream(message), chunk);
    assertEquals(null, intact.failure);
    assertArrayEquals(PLAINTEXT, intact.released);
  }

  /** With a full final frame (plaintext a multiple of the frame), that frame is still held back. */
  @Test
  void read_signedFullFinalFrameCorruptSignature_holdsBackFinalFrame() {
    AlgorithmSuite suite = AlgorithmSuite.AES_128_GCM_IV12_TAG16_HKDF_SHA256_ECDSA_P256;
    byte[] plaintext = Messages.plaintext(2 * FRAME);
    byte[] message = envelope(suite).encrypt(plaintext, CONTEXT);
    message[message.length - 3] ^= 0x10;
    Outcome outcome = readUntilFailure(envelope(suite), new TrickleInputStream(message), 1);
    assertInstanceOf(AuthenticationFailedException.class, outcome.failure);
    assertArrayEquals(Arrays.copyOf(plaintext, FRAME), outcome.released);
  }

  /** A non-framed signed body is one final chunk: nothing is released before the signature. */
  @Test
  void read_signedNonFramedCorruptSignature_releasesNothing() {
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384;
    byte[] message = Messages.nonFramedEnvelope(KEYRING, suite).encrypt(PLAINTEXT, CONTEXT);
    message[message.length - 1] ^= 0x01;
    Outcome outcome = readUntilFailure(envelope(suite), new TrickleInputStream(message), 1);
    assertInstanceOf(AuthenticationFailedException.class, outcome.failure);
    assertEquals(0, outcome.released.length);
  }

  /** Unsigned: a bad final-frame tag fails that frame only; the verified frames before it were released. */
  @Test
  void read_unsignedCorruptFinalFrame_releasesRegularFramesOnly() {
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
    byte[] message = envelope(suite).encrypt(PLAINTEXT, CONTEXT);
    message[message.length - 1] ^= 0x01; // the final frame's tag
    Outcome outcome = readUntilFailure(envelope(suite), new TrickleInputStream(message), 16);
    assertInstanceOf(AuthenticationFailedException.class, outcome.failure);
    assertArrayEquals(regularFramesOnly(), outcome.released);
  }

  /** Every cut, for signed and unsigned suites: an exception (malformed), never an early -1. */
  @ParameterizedTest
  @EnumSource(
      value = AlgorithmSuite.class,
      names = {"AES_256_GCM_HKDF_SHA512_COMMIT_KEY", "AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384",
        "AES_128_GCM_IV12_TAG16_NO_KDF"})
  void read_truncatedAnywhere_throwsMalformedNeverEndsEarly(AlgorithmSuite suite) {
    byte[] message = envelope(suite).encrypt(PLAINTEXT, CONTEXT);
    for (int length = 0; length < message.length; length++) {
      byte[] cut = Arrays.copyOf(message, length);
      Outcome outcome = readUntilFailure(envelope(suite), new ByteArrayInputStream(cut), 4096);
      if (!(outcome.failure instanceof MalformedMessageException)) {
        fail("cut at " + length + " of " + message.length + ": " + (outcome.failure == null ? "ended with -1" : outcome.failure));
      }
      assertTrue(outcome.released.length <= REGULAR_FRAMES * FRAME, "never the final frame");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = AlgorithmSuite.class,
      names = {"AES_256_GCM_HKDF_SHA512_COMMIT_KEY", "AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384"})
  void read_trailingBytes_throwsMalformedAndHoldsBackFinalFrame(AlgorithmSuite suite) {
    byte[] message = Messages.append(envelope(suite).encrypt(PLAINTEXT, CONTEXT), (byte) 0);
    Outcome outcome = readUntilFailure(envelope(suite), new TrickleInputStream(message), 1);
    assertInstanceOf(MalformedMessageException.class, outcome.failure);
    assertArrayEquals(regularFramesOnly(), outcome.released);
    assertThrows(MalformedMessageException.class, () -> envelope(suite).decrypt(message, CONTEXT));
  }

  /** Swapping two whole regular frames is caught by the sequence check, before any tag. */
  @Test
  void read_regularFramesSwapped_throwsMalformed() {
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384;
    byte[] message = envelope(suite).encrypt(PLAINTEXT, CONTEXT);
    byte[] swapped = message.clone();
    int first = Messages.regularFrameOffset(message, 0);
    int second = Messages.regularFrameOffset(message, 1);
    int stride = second - first;
    System.arraycopy(message, second, swapped, first, stride);
    System.arraycopy(message, first, swapped, second, stride);
    assertRearrangementRejected(suite, swapped, 0);
  }

  @Test
  void read_regularFrameDuplicated_throwsMalformed() {
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
    byte[] message = envelope(suite).encrypt(PLAINTEXT, CONTEXT);
    byte[] duplicated = message.clone();
    int first = Messages.regularFrameOffset(message, 0);
    int second = Messages.regularFrameOffset(message, 1);
    System.arraycopy(message, first, duplicated, second, second - first); // frame 1 where 2 belongs
    assertRearrangementRejected(suite, duplicated, 1);
  }

  @Test
  void read_regularFrameDropped_throwsMalformed() {
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_IV12_TAG16_HKDF_SHA256;
    byte[] message = envelope(suite).encrypt(PLAINTEXT, CONTEXT);
    int second = Messages.regularFrameOffset(message, 1);
    int third = Messages.regularFrameOffset(message, 2);
    byte[] dropped = new byte[message.length - (third - second)];
    System.arraycopy(message, 0, dropped, 0, second);
    System.arraycopy(message, third, dropped, second, message.length - third);
    assertRearrangementRejected(suite, dropped, 1);
  }

  /**
   * Only the sequence number field changed (the ESDK for Java 3.0.2 ignores this): rejected as
   * malformed, even though the frame's tag would fail too.
   */
  @Test
  void read_sequenceNumberChanged_throwsMalformed() {
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
    byte[] message = envelope(suite).encrypt(PLAINTEXT, CONTEXT);
    byte[] changed = message.clone();
    changed[Messages.regularFrameOffset(message, 1) + 3] = 9;
    assertRearrangementRejected(suite, changed, 1);
  }

  private static void assertRearrangementRejected(AlgorithmSuite suite, byte[] message, int framesBefore) {
    MalformedMessageException e =
        assertThrows(MalformedMessageException.class, () -> envelope(suite).decrypt(message, CONTEXT));
    assertTrue(e.getMessage().contains("sequence number"), e.getMessage());
    Outcome outcome = readUntilFailure(envelope(suite), new TrickleInputStream(message), 1);
    assertInstanceOf(MalformedMessageException.class, outcome.failure);
    assertArrayEquals(Arrays.copyOf(PLAINTEXT, framesBefore * FRAME), outcome.released);
  }

  @Test
  void read_afterFailure_keepsThrowing() throws IOException {
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
    byte[] message = envelope(suite).encrypt(PLAINTEXT, CONTEXT);
    byte[] cut = Arrays.copyOf(message, message.length - 5);
    DecryptingStream stream = envelope(suite).decryptingStream(new ByteArrayInputStream(cut), CONTEXT);
    byte[] buffer = new byte[PLAINTEXT.length];
    int n = stream.readNBytes(buffer, 0, REGULAR_FRAMES * FRAME);
    assertEquals(REGULAR_FRAMES * FRAME, n);
    assertThrows(MalformedMessageException.class, stream::read);
    assertThrows(IOException.class, stream::read);
    assertFalse(stream.isComplete());
  }

  @Test
  void isComplete_onlyAfterTheVerifiedEnd() throws IOException {
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384;
    byte[] message = envelope(suite).encrypt(PLAINTEXT, CONTEXT);
    try (DecryptingStream stream = envelope(suite).decryptingStream(new ByteArrayInputStream(message), CONTEXT)) {
      assertEquals(CONTEXT.get("stream"), stream.encryptionContext().get("stream"));
      byte[] head = stream.readNBytes(REGULAR_FRAMES * FRAME);
      assertArrayEquals(regularFramesOnly(), head);
      assertFalse(stream.isComplete());
      byte[] rest = stream.readAllBytes();
      assertArrayEquals(Arrays.copyOfRange(PLAINTEXT, REGULAR_FRAMES * FRAME, PLAINTEXT.length), rest);
      assertTrue(stream.isComplete());
    }
  }

  /**
   * Issue 12, finding 2: the final frame of an unsigned message replaced by another message's. The
   * stream used to report isComplete() after the failure; now it never does, and stays failed.
   */
  @ParameterizedTest
  @EnumSource(
      value = AlgorithmSuite.class,
      names = {"AES_256_GCM_HKDF_SHA512_COMMIT_KEY", "AES_256_GCM_IV12_TAG16_HKDF_SHA256", "AES_128_GCM_IV12_TAG16_NO_KDF"})
  void isComplete_finalFrameSwappedForAnotherMessages_staysFalseAndTheStreamStaysFailed(AlgorithmSuite suite)
      throws IOException {
    byte[] message = envelope(suite).encrypt(PLAINTEXT, CONTEXT);
    byte[] other = envelope(suite).encrypt(PLAINTEXT, CONTEXT);
    int finalFrame = Messages.regularFrameOffset(message, REGULAR_FRAMES);
    byte[] swapped = message.clone();
    System.arraycopy(other, finalFrame, swapped, finalFrame, message.length - finalFrame);

    DecryptingStream stream = envelope(suite).decryptingStream(new ByteArrayInputStream(swapped), CONTEXT);
    byte[] head = stream.readNBytes(REGULAR_FRAMES * FRAME);
    assertThrows(AuthenticationFailedException.class, stream::read);

    assertArrayEquals(regularFramesOnly(), head);
    assertFalse(stream.isComplete());
    assertThrows(IOException.class, stream::read);
    assertThrows(IOException.class, () -> stream.read(new byte[10], 0, 10));
    assertFalse(stream.isComplete());
    assertEquals(0, stream.available());
  }

  @Test
  void read_afterClose_throwsIOException() throws IOException {
    byte[] message = envelope(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY).encrypt(PLAINTEXT, CONTEXT);
    DecryptingStream stream =
        envelope(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY)
            .decryptingStream(new ByteArrayInputStream(message), CONTEXT);
    stream.close();
    assertThrows(IOException.class, stream::read);
  }
}
