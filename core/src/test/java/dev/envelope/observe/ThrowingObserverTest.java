package dev.envelope.observe;

import static dev.envelope.observe.ObservedOperationsTest.CONTEXT;
import static dev.envelope.observe.ObservedOperationsTest.KEYRING;
import static dev.envelope.observe.ObservedOperationsTest.OTHER;
import static dev.envelope.observe.ObservedOperationsTest.PLAINTEXT;
import static dev.envelope.observe.ObservedOperationsTest.S0478;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.AuthenticationFailedException;
import dev.envelope.ContextMismatchException;
import dev.envelope.DecryptingStream;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.NoMatchingKeyException;
import dev.envelope.RewrapRequest;
import dev.envelope.keyring.MultiKeyring;
import dev.envelope.testing.ByteArrayChannel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** An observer that throws, wherever it throws, never changes an operation's result or failure. */
class ThrowingObserverTest {
  private static Envelope envelope(boolean startedThrows) {
    return Envelope.builder()
        .keyring(MultiKeyring.of(KEYRING))
        .algorithmSuite(S0478)
        .observer(new ThrowingObserver(startedThrows))
        .build();
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void everyOperation_throwingObserver_returnsTheSameResults(boolean startedThrows) throws IOException {
    Envelope envelope = envelope(startedThrows);
    byte[] message = envelope.encrypt(PLAINTEXT, CONTEXT);
    assertArrayEquals(PLAINTEXT, envelope.decrypt(message, CONTEXT).plaintext());

    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out = envelope.encryptingStream(sink, CONTEXT)) {
      out.write(PLAINTEXT);
    }
    try (DecryptingStream in = envelope.decryptingStream(new ByteArrayInputStream(sink.toByteArray()), CONTEXT)) {
      assertArrayEquals(PLAINTEXT, in.readAllBytes());
      assertTrue(in.isComplete());
    }
    DecryptingStream abandoned = envelope.decryptingStream(new ByteArrayInputStream(message), CONTEXT);
    abandoned.read();
    abandoned.close();

    byte[] rewrapped = envelope.rewrap(message, CONTEXT, RewrapRequest.to(OTHER).reencrypt().build());
    assertArrayEquals(
        PLAINTEXT, Envelope.builder().keyring(OTHER).build().decrypt(rewrapped, CONTEXT).plaintext());

    try (SeekableByteChannel channel = envelope.openPlaintextChannel(new ByteArrayChannel(message), CONTEXT)) {
      ByteBuffer buffer = ByteBuffer.allocate(PLAINTEXT.length);
      while (buffer.hasRemaining() && channel.read(buffer) > 0) {
        // read it all
      }
      assertArrayEquals(PLAINTEXT, buffer.array());
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void decrypt_throwingObserver_throwsTheSameFailures(boolean startedThrows) {
    Envelope envelope = envelope(startedThrows);
    byte[] message = envelope.encrypt(PLAINTEXT, CONTEXT);
    assertThrows(
        ContextMismatchException.class, () -> envelope.decrypt(message, EncryptionContext.of("tenant", "x")));
    byte[] tampered = message.clone();
    tampered[tampered.length - 1] ^= 1;
    assertThrows(AuthenticationFailedException.class, () -> envelope.decrypt(tampered, CONTEXT));
    Envelope other =
        Envelope.builder().keyring(OTHER).observer(new ThrowingObserver(startedThrows)).build();
    assertThrows(NoMatchingKeyException.class, () -> other.decrypt(message, CONTEXT));
  }
}
