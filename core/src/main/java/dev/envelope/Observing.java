package dev.envelope;

import dev.envelope.internal.observe.Counting;
import dev.envelope.internal.observe.ObservedChannel;
import dev.envelope.internal.observe.ObservedOutputStream;
import dev.envelope.internal.observe.Observation;
import dev.envelope.internal.observe.Observers;
import dev.envelope.observe.Operation;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The observed forms of {@link Envelope}'s operations, used only when an observer is registered:
 * each starts an {@link Observation}, makes it current on the calling thread while the operation
 * (and so every keyring call it makes) runs, and ends it with the result's sizes or the failure's
 * type. Stream and channel forms end when the stream or channel is closed or fails.
 */
final class Observing {
  private final Observers observers;
  private final Encryptor encryptor;
  private final Decryptor decryptor;

  Observing(Observers observers, Encryptor encryptor, Decryptor decryptor) {
    this.observers = observers;
    this.encryptor = encryptor;
    this.decryptor = decryptor;
  }

  byte[] encrypt(byte[] plaintext, EncryptionContext context) {
    Observation o = observers.start(Operation.ENCRYPT, false);
    o.context(context);
    byte[] message = run(o, () -> encryptor.encrypt(plaintext, context));
    o.plaintextBytes(plaintext.length);
    o.messageBytes(message.length);
    o.succeeded();
    return message;
  }

  OutputStream encryptingStream(OutputStream out, EncryptionContext context, long maxPlaintextLength) {
    Objects.requireNonNull(out, "out");
    Observation o = observers.start(Operation.ENCRYPT, true);
    o.context(context);
    Counting.Output message = new Counting.Output(out);
    OutputStream stream = run(o, () -> encryptor.encryptingStream(message, context, maxPlaintextLength));
    return new ObservedOutputStream(stream, o, message);
  }

  Decrypted decrypt(byte[] message, EncryptionContext expected) {
    Observation o = observers.start(Operation.DECRYPT, false);
    Decrypted result = run(o, () -> decryptor.decrypt(message, expected));
    o.plaintextBytes(result.plaintext().length);
    o.messageBytes(message.length);
    o.succeeded();
    return result;
  }

  DecryptingStream decryptingStream(InputStream in, EncryptionContext expected) {
    Objects.requireNonNull(in, "in");
    Observation o = observers.start(Operation.DECRYPT, true);
    Counting.Input message = new Counting.Input(in);
    return run(o, () -> decryptor.decryptingStream(message, expected)).observe(o, message);
  }

  byte[] rewrap(byte[] message, EncryptionContext expected, RewrapRequest request) {
    Observation o = observers.start(Operation.REWRAP, false);
    byte[] result = run(o, () -> Rewrapping.rewrap(decryptor, message, expected, request));
    o.messageBytes(result.length);
    o.succeeded();
    return result;
  }

  void rewrap(InputStream in, OutputStream out, EncryptionContext expected, RewrapRequest request) {
    Objects.requireNonNull(out, "out");
    Observation o = observers.start(Operation.REWRAP, true);
    Counting.Output written = new Counting.Output(out);
    run(o, () -> {
      Rewrapping.rewrap(decryptor, in, written, expected, request);
      return null;
    });
    o.messageBytes(written.count());
    o.succeeded();
  }

  SeekableByteChannel openPlaintextChannel(
      SeekableByteChannel message, EncryptionContext expected, boolean skipSignature) {
    Observation o = observers.start(Operation.OPEN_CHANNEL, true);
    SeekableByteChannel channel = run(o, () -> PlaintextChannels.open(decryptor, message, expected, skipSignature));
    try {
      o.messageBytes(message.size());
    } catch (IOException e) {
      // The size is reported only when known.
    }
    return new ObservedChannel(channel, o);
  }

  /** Runs {@code body} with {@code o} current on this thread; ends {@code o} if it throws. */
  private static <T> T run(Observation o, Supplier<T> body) {
    Observation previous = o.enter();
    try {
      return body.get();
    } catch (RuntimeException | Error e) {
      o.failed(e);
      throw e;
    } finally {
      Observation.exit(previous);
    }
  }

  @Override
  public String toString() {
    return observers.toString();
  }
}
