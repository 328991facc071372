package dev.envelope.properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.AlgorithmSuite;
import dev.envelope.DecryptingStream;
import dev.envelope.Decrypted;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.UnauthenticatedHeader;
import dev.envelope.testing.Messages;
import dev.envelope.testing.TestKeys;
import dev.envelope.testing.TrickleInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Streams fed one byte at a time behave like whole-array calls: a decrypting stream over a source
 * that returns one byte per read, read with {@code read()}, gives what {@code decrypt} gives; an
 * encrypting stream written one {@code write(int)} at a time gives a message with the same layout
 * as {@code encrypt}.
 */
class StreamingPropertiesTest {
  private static final dev.envelope.Keyring KEYRING = TestKeys.aes256Keyring();

  @Provide
  Arbitrary<EncryptionContext> contexts() {
    return Generators.contexts(3);
  }

  @Property
  void decryptingStream_oneByteAtATime_equalsDecrypt(
      @ForAll AlgorithmSuite suite,
      @ForAll boolean framed,
      @ForAll @IntRange(min = 1, max = 200) int frameSize,
      @ForAll @Size(max = 800) byte[] plaintext,
      @ForAll("contexts") EncryptionContext context)
      throws IOException {
    Envelope envelope =
        framed ? Messages.envelope(KEYRING, suite, frameSize) : Messages.nonFramedEnvelope(KEYRING, suite);
    byte[] message = envelope.encrypt(plaintext, context);
    Decrypted whole = envelope.decrypt(message, context);

    TrickleInputStream source = new TrickleInputStream(message);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DecryptingStream stream = envelope.decryptingStream(source, context)) {
      assertEquals(whole.encryptionContext(), stream.encryptionContext());
      assertEquals(whole.algorithmSuite(), stream.algorithmSuite());
      int b;
      while ((b = stream.read()) != -1) {
        out.write(b);
      }
      assertTrue(stream.isComplete());
      assertEquals(-1, stream.read(), "stays at the end");
    }
    assertArrayEquals(whole.plaintext(), out.toByteArray());
    assertEquals(message.length, source.position(), "consumed exactly the message");
  }

  @Property
  void encryptingStream_oneByteAtATime_matchesEncrypt(
      @ForAll AlgorithmSuite suite,
      @ForAll @IntRange(min = 1, max = 200) int frameSize,
      @ForAll @Size(max = 800) byte[] plaintext,
      @ForAll("contexts") EncryptionContext context)
      throws IOException {
    Envelope envelope = Messages.envelope(KEYRING, suite, frameSize);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out = envelope.encryptingStream(sink, context)) {
      for (byte b : plaintext) {
        out.write(b);
      }
    }
    byte[] streamed = sink.toByteArray();
    byte[] whole = envelope.encrypt(plaintext, context);

    assertArrayEquals(plaintext, envelope.decrypt(streamed, context).plaintext());
    UnauthenticatedHeader a = Envelope.inspectUnauthenticated(streamed);
    UnauthenticatedHeader b = Envelope.inspectUnauthenticated(whole);
    assertEquals(b.frameLength(), a.frameLength());
    assertEquals(b.headerLength(), a.headerLength());
    if (!suite.isSigned()) {
      // Same frames, same lengths; only the random message id and wrapped key differ.
      assertEquals(whole.length, streamed.length, "message length");
    }
  }
}
