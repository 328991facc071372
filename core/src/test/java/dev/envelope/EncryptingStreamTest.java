package dev.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.testing.Messages;
import dev.envelope.testing.TestKeys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.junit.jupiter.api.Test;

/** {@link Envelope#encryptingStream}: bounds, misuse and the end of the message. */
class EncryptingStreamTest {
  private static final Envelope ENVELOPE =
      Messages.envelope(TestKeys.aes256Keyring(), AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384, 32);
  private static final EncryptionContext CONTEXT = EncryptionContext.of("k", "v");

  @Test
  void encryptingStream_nothingWritten_writesEmptyMessage() throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    ENVELOPE.encryptingStream(sink, CONTEXT).close();
    assertEquals(0, ENVELOPE.decrypt(sink.toByteArray(), CONTEXT).plaintext().length);
  }

  @Test
  void write_beyondDeclaredBound_throwsPolicyViolationAndLeavesNoValidMessage() throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    OutputStream out = ENVELOPE.encryptingStream(sink, CONTEXT, 100);
    out.write(new byte[100]);
    assertThrows(PolicyViolationException.class, () -> out.write(1));
    assertThrows(IOException.class, () -> out.write(1));
    out.close();
    assertThrows(MalformedMessageException.class, () -> ENVELOPE.decrypt(sink.toByteArray(), CONTEXT));
  }

  @Test
  void write_exactlyTheDeclaredBound_succeeds() throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out = ENVELOPE.encryptingStream(sink, CONTEXT, 100)) {
      out.write(Messages.plaintext(100));
    }
    assertArrayEquals(Messages.plaintext(100), ENVELOPE.decrypt(sink.toByteArray(), CONTEXT).plaintext());
  }

  @Test
  void write_afterClose_throwsIOExceptionAndCloseIsIdempotent() throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    OutputStream out = ENVELOPE.encryptingStream(sink, CONTEXT);
    out.write(Messages.plaintext(70));
    out.close();
    int length = sink.size();
    out.close();
    assertEquals(length, sink.size(), "a second close writes nothing");
    assertThrows(IOException.class, () -> out.write(1));
    assertThrows(IOException.class, out::flush);
    assertArrayEquals(Messages.plaintext(70), ENVELOPE.decrypt(sink.toByteArray(), CONTEXT).plaintext());
  }

  /** Until close, the output is not a message: nothing final has been written. */
  @Test
  void encryptingStream_beforeClose_outputIsNotYetAMessage() throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    OutputStream out = ENVELOPE.encryptingStream(sink, CONTEXT);
    out.write(Messages.plaintext(100));
    out.flush();
    assertTrue(sink.size() > 0, "full frames are written as soon as they are known not to be last");
    assertThrows(MalformedMessageException.class, () -> ENVELOPE.decrypt(sink.toByteArray(), CONTEXT));
    out.close();
    assertArrayEquals(Messages.plaintext(100), ENVELOPE.decrypt(sink.toByteArray(), CONTEXT).plaintext());
  }

  @Test
  void encryptingStream_nonFramedEnvelope_throwsIllegalState() {
    Envelope nonFramed =
        Messages.nonFramedEnvelope(TestKeys.aes256Keyring(), AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY);
    assertThrows(IllegalStateException.class, () -> nonFramed.encryptingStream(new ByteArrayOutputStream(), CONTEXT));
  }

  /** The format's limit: a serialized context of 65,535 bytes fits, one more byte does not. */
  @Test
  void encrypt_contextAtFormatLimit_roundTripsAndOneByteMoreIsRefused() {
    Envelope envelope =
        Messages.envelope(TestKeys.aes256Keyring(), AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY, 4096);
    EncryptionContext atLimit = EncryptionContext.of("k", "v".repeat(65535 - 2 - 4 - 1));
    assertEquals(65535, atLimit.canonicalLength());
    byte[] message = envelope.encrypt(new byte[5], atLimit);
    assertEquals(atLimit, envelope.decrypt(message, atLimit).encryptionContext());

    EncryptionContext over = EncryptionContext.of("k", "v".repeat(65535 - 2 - 4));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> envelope.encrypt(new byte[5], over));
    assertTrue(e.getMessage().contains("65535"), e.getMessage());
  }
}
