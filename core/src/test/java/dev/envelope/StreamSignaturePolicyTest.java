package dev.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.testing.Messages;
import dev.envelope.testing.TestKeys;
import dev.envelope.testing.TrickleInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 12, finding 7: signed messages in streams. The default holds the plaintext until the
 * signature verifies, so a message whose signature was altered releases nothing; the ESDK's
 * behaviour is an explicit opt-in; unsigned-only refuses signed messages at the header.
 */
class StreamSignaturePolicyTest {
  private static final int FRAME = 64;
  private static final byte[] PLAINTEXT = Messages.plaintext(10 * FRAME + 5);
  private static final EncryptionContext CONTEXT = EncryptionContext.of("policy", "test");
  private static final Keyring KEYRING = TestKeys.aes256Keyring();
  private static final AlgorithmSuite SIGNED = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384;
  private static final AlgorithmSuite UNSIGNED = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;

  private static Envelope envelope(AlgorithmSuite suite, StreamSignaturePolicy policy) {
    Envelope.Builder b = Envelope.builder().keyring(KEYRING).algorithmSuite(suite)
        .commitmentPolicy(Messages.policyFor(suite)).frameSize(FRAME);
    return (policy == null ? b : b.streamSignaturePolicy(policy)).build();
  }

  /** Reads with {@code chunk}-byte reads until -1 or a failure; returns what was released. */
  private static byte[] released(DecryptingStream stream, int chunk, Throwable[] failure) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[chunk];
    try {
      int n;
      while ((n = stream.read(buffer, 0, chunk)) != -1) {
        out.write(buffer, 0, n);
      }
    } catch (IOException | RuntimeException e) {
      failure[0] = e;
    }
    return out.toByteArray();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 64, 4096})
  void defaultPolicy_tamperedSignature_releasesNothing(int chunk) {
    byte[] message = envelope(SIGNED, null).encrypt(PLAINTEXT, CONTEXT);
    message[message.length - 1] ^= 0x01;

    for (InputStream source : new InputStream[] {new ByteArrayInputStream(message), new TrickleInputStream(message)}) {
      DecryptingStream stream = envelope(SIGNED, null).decryptingStream(source, CONTEXT);
      Throwable[] failure = new Throwable[1];
      byte[] got = released(stream, chunk, failure);

      assertInstanceOf(AuthenticationFailedException.class, failure[0]);
      assertEquals(0, got.length);
      assertFalse(stream.isComplete());
    }
  }

  @Test
  void defaultPolicy_intactSignedMessage_releasesEverythingAndCompletes() {
    byte[] message = envelope(SIGNED, null).encrypt(PLAINTEXT, CONTEXT);
    DecryptingStream stream = envelope(SIGNED, null).decryptingStream(new TrickleInputStream(message), CONTEXT);
    Throwable[] failure = new Throwable[1];

    assertArrayEquals(PLAINTEXT, released(stream, 100, failure));
    assertEquals(null, failure[0]);
    assertTrue(stream.isComplete());
  }

  @Test
  void verifyBeforeRelease_plaintextOverTheBound_failsClearlyBeforeReleasingAnything() {
    byte[] message = envelope(SIGNED, null).encrypt(PLAINTEXT, CONTEXT);
    Envelope bounded = envelope(SIGNED, StreamSignaturePolicy.verifyBeforeRelease(PLAINTEXT.length - 1));
    DecryptingStream stream = bounded.decryptingStream(new ByteArrayInputStream(message), CONTEXT);
    Throwable[] failure = new Throwable[1];

    byte[] got = released(stream, 10, failure);

    assertEquals(0, got.length);
    PolicyViolationException e = assertInstanceOf(PolicyViolationException.class, failure[0]);
    assertTrue(e.getMessage().contains(Integer.toString(PLAINTEXT.length - 1)), e.getMessage());
    assertTrue(e.getMessage().contains("releaseFramesBeforeSignature"), e.getMessage());
    assertFalse(stream.isComplete());
    // Exactly at the bound, it fits.
    Envelope exact = envelope(SIGNED, StreamSignaturePolicy.verifyBeforeRelease(PLAINTEXT.length));
    assertArrayEquals(PLAINTEXT, Messages.decryptStreaming(exact, new ByteArrayInputStream(message), CONTEXT));
  }

  @Test
  void verifyBeforeRelease_unsignedMessage_streamsFramesWithoutHolding() throws IOException {
    byte[] message = envelope(UNSIGNED, null).encrypt(PLAINTEXT, CONTEXT);
    Envelope tiny = envelope(UNSIGNED, StreamSignaturePolicy.verifyBeforeRelease(1));
    try (DecryptingStream stream = tiny.decryptingStream(new ByteArrayInputStream(message), CONTEXT)) {
      assertArrayEquals(PLAINTEXT, stream.readAllBytes());
      assertTrue(stream.isComplete());
    }
  }

  @Test
  void releaseFramesBeforeSignature_tamperedSignature_releasesRegularFramesThenFails() {
    byte[] message = envelope(SIGNED, null).encrypt(PLAINTEXT, CONTEXT);
    message[message.length - 1] ^= 0x01;
    Envelope esdkLike = envelope(SIGNED, StreamSignaturePolicy.releaseFramesBeforeSignature());
    DecryptingStream stream = esdkLike.decryptingStream(new ByteArrayInputStream(message), CONTEXT);
    Throwable[] failure = new Throwable[1];

    byte[] got = released(stream, 64, failure);

    assertInstanceOf(AuthenticationFailedException.class, failure[0]);
    assertEquals(10 * FRAME, got.length);
    assertFalse(stream.isComplete());
  }

  @ParameterizedTest
  @EnumSource(value = AlgorithmSuite.class, names = {"AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384",
      "AES_128_GCM_IV12_TAG16_HKDF_SHA256_ECDSA_P256"})
  void unsignedOnly_signedMessage_refusedAtTheHeader(AlgorithmSuite suite) {
    byte[] message = envelope(suite, null).encrypt(PLAINTEXT, CONTEXT);
    Envelope unsignedOnly = envelope(suite, StreamSignaturePolicy.unsignedOnly());

    PolicyViolationException e = assertThrows(PolicyViolationException.class,
        () -> unsignedOnly.decryptingStream(new ByteArrayInputStream(message), CONTEXT));
    assertTrue(e.getMessage().contains("signed"), e.getMessage());
  }

  @Test
  void unsignedOnly_unsignedMessage_decrypts() {
    byte[] message = envelope(UNSIGNED, null).encrypt(PLAINTEXT, CONTEXT);
    Envelope unsignedOnly = envelope(UNSIGNED, StreamSignaturePolicy.unsignedOnly());
    assertArrayEquals(PLAINTEXT, Messages.decryptStreaming(unsignedOnly, new ByteArrayInputStream(message), CONTEXT));
  }

  @Test
  void verifyBeforeRelease_boundOutOfRange_throws() {
    assertThrows(IllegalArgumentException.class, () -> StreamSignaturePolicy.verifyBeforeRelease(0));
    assertThrows(IllegalArgumentException.class, () -> StreamSignaturePolicy.verifyBeforeRelease(Long.MAX_VALUE));
    assertThrows(IllegalStateException.class, () -> Envelope.builder()
        .streamSignaturePolicy(StreamSignaturePolicy.unsignedOnly())
        .streamSignaturePolicy(StreamSignaturePolicy.unsignedOnly()));
  }
}
