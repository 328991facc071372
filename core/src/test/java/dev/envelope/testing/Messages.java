package dev.envelope.testing;

import dev.envelope.AlgorithmSuite;
import dev.envelope.CommitmentPolicy;
import dev.envelope.DecryptingStream;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.Keyring;
import dev.envelope.UnauthenticatedHeader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/** Small builders for tests that need messages, envelopes and plaintexts. */
public final class Messages {
  private Messages() {}

  /** The commitment policy that allows writing {@code suite} and reading every suite. */
  public static CommitmentPolicy policyFor(AlgorithmSuite suite) {
    return suite.isCommitting()
        ? CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT
        : CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT;
  }

  /** A framed envelope that writes {@code suite} at {@code frameSize} and reads every suite. */
  public static Envelope envelope(Keyring keyring, AlgorithmSuite suite, int frameSize) {
    return Envelope.builder()
        .keyring(keyring)
        .commitmentPolicy(policyFor(suite))
        .algorithmSuite(suite)
        .frameSize(frameSize)
        .build();
  }

  /** As {@link #envelope}, non-framed. */
  public static Envelope nonFramedEnvelope(Keyring keyring, AlgorithmSuite suite) {
    return Envelope.builder()
        .keyring(keyring)
        .commitmentPolicy(policyFor(suite))
        .algorithmSuite(suite)
        .framed(false)
        .build();
  }

  /** {@code length} bytes {@code i * 31 + 7 (mod 256)}: recognisable, not all equal. */
  public static byte[] plaintext(int length) {
    byte[] p = new byte[length];
    for (int i = 0; i < length; i++) {
      p[i] = (byte) (i * 31 + 7);
    }
    return p;
  }

  /** Encrypts through {@link Envelope#encryptingStream}, writing in chunks of {@code chunk} bytes. */
  public static byte[] encryptStreaming(Envelope envelope, byte[] plaintext, EncryptionContext context, int chunk) {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out = envelope.encryptingStream(sink, context)) {
      for (int off = 0; off < plaintext.length; off += chunk) {
        int n = Math.min(chunk, plaintext.length - off);
        if (n == 1) {
          out.write(plaintext[off]);
        } else {
          out.write(plaintext, off, n);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sink.toByteArray();
  }

  /** Reads a decrypting stream to its end with {@code read(byte[])} calls of {@code chunk} bytes. */
  public static byte[] readAll(DecryptingStream stream, int chunk) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[chunk];
    try (stream) {
      int n;
      while ((n = stream.read(buffer, 0, chunk)) != -1) {
        out.write(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Decrypts through {@link Envelope#decryptingStream} and reads everything. */
  public static byte[] decryptStreaming(Envelope envelope, InputStream in, EncryptionContext expected) {
    return readAll(envelope.decryptingStream(in, expected), 8192);
  }

  /** The header length of a message, read without verifying it. */
  public static int headerLength(byte[] message) {
    return Envelope.inspectUnauthenticated(message).headerLength();
  }

  /**
   * The offset of regular frame {@code index} (0-based) in a framed message: header length plus
   * {@code index} strides of (32 + frame length) bytes.
   */
  public static int regularFrameOffset(byte[] message, int index) {
    UnauthenticatedHeader header = Envelope.inspectUnauthenticated(message);
    if (!header.framed()) {
      throw new IllegalArgumentException("the message is not framed");
    }
    return header.headerLength() + index * (32 + header.frameLength());
  }

  /** A copy of {@code message} with bit {@code bit} (0 = most significant of byte 0) flipped. */
  public static byte[] flipBit(byte[] message, int bit) {
    byte[] copy = message.clone();
    copy[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
    return copy;
  }

  /** {@code message} with {@code extra} appended. */
  public static byte[] append(byte[] message, byte... extra) {
    byte[] copy = Arrays.copyOf(message, message.length + extra.length);
    System.arraycopy(extra, 0, copy, message.length, extra.length);
    return copy;
  }
}
