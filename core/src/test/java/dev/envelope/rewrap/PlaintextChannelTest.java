package dev.envelope.rewrap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.AlgorithmSuite;
import dev.envelope.AuthenticationFailedException;
import dev.envelope.ContextMismatchException;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.Keyring;
import dev.envelope.MalformedMessageException;
import dev.envelope.testing.ByteArrayChannel;
import dev.envelope.testing.Messages;
import dev.envelope.testing.TestKeys;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Envelope#openPlaintextChannel}: random access to the plaintext of a framed message. */
class PlaintextChannelTest {
  static final int F = 128;
  static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme");
  static final Keyring KEYRING = TestKeys.aes256Keyring();
  static final AlgorithmSuite SUITE = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;

  static Envelope envelope(AlgorithmSuite suite) {
    return Messages.envelope(KEYRING, suite, F);
  }

  static byte[] readAll(SeekableByteChannel channel, int chunk) throws IOException {
    ByteBuffer out = ByteBuffer.allocate((int) channel.size());
    ByteBuffer buffer = ByteBuffer.allocate(chunk);
    while (true) {
      buffer.clear();
      int n = channel.read(buffer);
      if (n < 0) {
        break;
      }
      buffer.flip();
      out.put(buffer);
    }
    return out.array();
  }

  static byte[] readRange(SeekableByteChannel channel, long first, int length) throws IOException {
    channel.position(first);
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
      // keep reading
    }
    return Arrays.copyOf(buffer.array(), buffer.position());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, F - 1, F, F + 1, 2 * F, 3 * F + 17})
  void openPlaintextChannel_anySize_readsThePlaintext(int size) throws IOException {
    for (AlgorithmSuite suite : new AlgorithmSuite[] {SUITE, AlgorithmSuite.AES_128_GCM_IV12_TAG16_NO_KDF}) {
      byte[] plaintext = Messages.plaintext(size);
      byte[] message = envelope(suite).encrypt(plaintext, CONTEXT);
      try (SeekableByteChannel channel = envelope(suite).openPlaintextChannel(new ByteArrayChannel(message), CONTEXT)) {
        assertEquals(size, channel.size());
        assertArrayEquals(plaintext, readAll(channel, 7));
        assertEquals(-1, channel.read(ByteBuffer.allocate(1)));
        for (int first = 0; first < size; first += 37) {
          int length = Math.min(50, size - first);
          assertArrayEquals(Arrays.copyOfRange(plaintext, first, first + length), readRange(channel, first, length));
        }
      }
    }
  }

  @Test
  void openPlaintextChannel_emptyFinalFrameAfterFullFrames_readsThePlaintext() throws IOException {
    // The ESDK for Java writes an empty final frame after an exact multiple of the frame length.
    byte[] plaintext = Messages.plaintext(2 * F);
    byte[] message = dev.envelope.testing.Esdk.encrypt(
        dev.envelope.testing.Esdk.aesMasterKey(TestKeys.NAMESPACE, "aes-256", TestKeys.sequentialKey(32)),
        SUITE, F, plaintext, CONTEXT);
    try (SeekableByteChannel channel = envelope(SUITE).openPlaintextChannel(new ByteArrayChannel(message), CONTEXT)) {
      assertArrayEquals(plaintext, readAll(channel, 1000));
      assertArrayEquals(Arrays.copyOfRange(plaintext, F - 3, F + 3), readRange(channel, F - 3, 6));
    }
  }

  @Test
  void openPlaintextChannel_rangeRead_readsOnlyTheFramesItTouches() throws IOException {
    byte[] plaintext = Messages.plaintext(1000 * F);
    byte[] message = envelope(SUITE).encrypt(plaintext, CONTEXT);
    ByteArrayChannel source = new ByteArrayChannel(message);
    try (SeekableByteChannel channel = envelope(SUITE).openPlaintextChannel(source, CONTEXT)) {
      long afterOpen = source.bytesRead();
      assertTrue(afterOpen < 2 * (F + 40) + Messages.headerLength(message), "open read " + afterOpen);
      assertArrayEquals(Arrays.copyOfRange(plaintext, 500 * F + 5, 500 * F + 5 + F), readRange(channel, 500 * F + 5, F));
      assertEquals(2 * (F + 32), source.bytesRead() - afterOpen);
    }
  }

  @Test
  void openPlaintextChannel_truncatedOrExtended_failsOnOpen() {
    byte[] message = envelope(SUITE).encrypt(Messages.plaintext(5 * F + 3), CONTEXT);
    int lastRegular = Messages.regularFrameOffset(message, 4);
    for (byte[] bad : new byte[][] {
        Arrays.copyOf(message, message.length - 1),
        Arrays.copyOf(message, lastRegular + F + 32),
        Arrays.copyOf(message, Messages.headerLength(message)),
        Messages.append(message, (byte) 0)}) {
      assertThrows(MalformedMessageException.class,
          () -> envelope(SUITE).openPlaintextChannel(new ByteArrayChannel(bad), CONTEXT));
    }
  }

  @Test
  void openPlaintextChannel_tamperedFinalFrame_failsOnOpen() {
    byte[] message = envelope(SUITE).encrypt(Messages.plaintext(3 * F + 3), CONTEXT);
    byte[] tampered = Messages.flipBit(message, (message.length - 10) * 8);
    assertThrows(AuthenticationFailedException.class,
        () -> envelope(SUITE).openPlaintextChannel(new ByteArrayChannel(tampered), CONTEXT));
  }

  @Test
  void read_tamperedFrame_failsBeforeReturningAnyOfItAndThenAlways() throws IOException {
    byte[] plaintext = Messages.plaintext(4 * F);
    byte[] message = envelope(SUITE).encrypt(plaintext, CONTEXT);
    byte[] tampered = Messages.flipBit(message, (Messages.regularFrameOffset(message, 2) + 40) * 8);
    try (SeekableByteChannel channel = envelope(SUITE).openPlaintextChannel(new ByteArrayChannel(tampered), CONTEXT)) {
      assertArrayEquals(Arrays.copyOf(plaintext, F), readRange(channel, 0, F));
      ByteBuffer buffer = ByteBuffer.allocate(F);
      channel.position(2 * F);
      var e = assertThrows(AuthenticationFailedException.class, () -> channel.read(buffer));
      assertTrue(e.getMessage().contains("frame 3"), e.getMessage());
      assertEquals(0, buffer.position());
      assertThrows(IOException.class, () -> channel.read(ByteBuffer.allocate(1)));
      assertThrows(IOException.class, () -> channel.position(0));
    }
  }

  @Test
  void openPlaintextChannel_signedMessage_needsTheExplicitOptIn() throws IOException {
    AlgorithmSuite signed = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384;
    byte[] plaintext = Messages.plaintext(3 * F + 1);
    byte[] message = envelope(signed).encrypt(plaintext, CONTEXT);
    var e = assertThrows(IllegalArgumentException.class,
        () -> envelope(signed).openPlaintextChannel(new ByteArrayChannel(message), CONTEXT));
    assertTrue(e.getMessage().contains("openPlaintextChannelSkippingSignature"), e.getMessage());
    try (SeekableByteChannel channel =
        envelope(signed).openPlaintextChannelSkippingSignature(new ByteArrayChannel(message), CONTEXT)) {
      assertArrayEquals(plaintext, readAll(channel, 100));
    }
    assertThrows(MalformedMessageException.class, () -> envelope(signed).openPlaintextChannelSkippingSignature(
        new ByteArrayChannel(Arrays.copyOf(message, message.length - 1)), CONTEXT));
  }

  @Test
  void openPlaintextChannel_nonFramedMessage_isRefused() {
    byte[] message = Messages.nonFramedEnvelope(KEYRING, SUITE).encrypt(Messages.plaintext(10), CONTEXT);
    var e = assertThrows(IllegalArgumentException.class,
        () -> envelope(SUITE).openPlaintextChannel(new ByteArrayChannel(message), CONTEXT));
    assertTrue(e.getMessage().contains("not framed"), e.getMessage());
  }

  @Test
  void openPlaintextChannel_wrongContext_throwsContextMismatch() {
    byte[] message = envelope(SUITE).encrypt(Messages.plaintext(10), CONTEXT);
    assertThrows(ContextMismatchException.class, () -> envelope(SUITE).openPlaintextChannel(
        new ByteArrayChannel(message), EncryptionContext.of("tenant", "other")));
  }

  @Test
  void plaintextChannel_isReadOnlyAndClosesItsSource() throws IOException {
    byte[] message = envelope(SUITE).encrypt(Messages.plaintext(10), CONTEXT);
    ByteArrayChannel source = new ByteArrayChannel(message);
    SeekableByteChannel channel = envelope(SUITE).openPlaintextChannel(source, CONTEXT);
    assertThrows(NonWritableChannelException.class, () -> channel.write(ByteBuffer.allocate(1)));
    assertThrows(NonWritableChannelException.class, () -> channel.truncate(0));
    channel.close();
    assertFalse(channel.isOpen());
    assertFalse(source.isOpen());
  }
}
