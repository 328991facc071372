package dev.envelope.internal.format;

import dev.envelope.AlgorithmSuite;
import dev.envelope.AuthenticationFailedException;
import dev.envelope.DecryptionMaterials;
import dev.envelope.EncryptionContext;
import dev.envelope.MalformedMessageException;
import dev.envelope.internal.crypto.CryptoBugException;
import dev.envelope.internal.crypto.EcKeys;
import dev.envelope.internal.crypto.Ecdsa;
import dev.envelope.internal.crypto.MessageKeys;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.util.Arrays;

/**
 * Decrypts the body of a message whose header was parsed and whose materials were obtained (spec:
 * client-apis/decrypt.md). Order: derive keys; check the commit key (version 2) in constant time;
 * verify the header tag; check the body's structure (sequence numbers, lengths, nothing after the
 * end); verify the signature; decrypt every frame. Nothing is returned unless all succeed.
 */
public final class MessageReader {
  private MessageReader() {}

  /**
   * Derives the content key, checks key commitment and the header tag.
   *
   * @return the body codec for this message
   */
  public static FrameCodec open(MessageHeader header, DecryptionMaterials materials) {
    return open(header, materials, Engine.defaults());
  }

  /** As {@link #open(MessageHeader, DecryptionMaterials)}, with {@code engine}'s primitives. */
  public static FrameCodec open(MessageHeader header, DecryptionMaterials materials, Engine engine) {
    AlgorithmSuite suite = header.suite();
    MessageKeys keys =
        MessageKeys.derive(
            engine.primitives(),
            suite,
            materials.dataKey().orElseThrow(() -> new IllegalStateException("no data key")),
            header.messageId());
    try {
      if (suite.isCommitting() && !keys.commitKeyMatches(header.commitKey())) {
        throw new AuthenticationFailedException(
            "key commitment check failed: the data key recovered from the message is not the one"
                + " its content was encrypted under; the message is corrupt or was crafted to"
                + " decrypt differently under different keys");
      }
      FrameCodec codec =
          new FrameCodec(keys.contentKey(), header.messageId(), header.frameLength(), engine);
      EncryptionContext context = materials.encryptionContext();
      byte[] required = context.retainKeys(materials.requiredContextKeys()).toCanonicalBytes();
      codec.verifyHeader(header, required);
      return codec;
    } finally {
      keys.close();
    }
  }

  /** Starts a verifier over the message and feeds it the header. */
  static Signature verifier(MessageHeader header, DecryptionMaterials materials, Engine engine) {
    Signature verifier =
        initVerify(
            engine.primitives().signature(header.suite().signing().signatureAlgorithm()),
            materials.verificationKey().orElseThrow());
    try {
      verifier.update(header.headerBytes());
    } catch (SignatureException e) {
      throw new CryptoBugException("signature not initialized", e);
    }
    return verifier;
  }

  /** A verifier from {@code engine} for the message's public key, fed nothing yet. */
  static Signature verifier(Ecdsa.Engine engine, AlgorithmSuite.Signing signing, PublicKey key) {
    return initVerify(engine.signature(signing.signatureAlgorithm()), key);
  }

  private static Signature initVerify(Signature verifier, PublicKey key) {
    try {
      verifier.initVerify(EcKeys.forVerifier(key, verifier.getProvider()));
    } catch (InvalidKeyException e) {
      throw new MalformedMessageException("the message's public key cannot verify signatures", e);
    }
    return verifier;
  }

  static void checkSignature(Signature verifier, byte[] signature) {
    boolean ok;
    try {
      ok = verifier.verify(signature);
    } catch (SignatureException e) {
      ok = false;
    }
    if (!ok) {
      throw new AuthenticationFailedException(
          "the message signature does not verify: the message was altered after it was signed");
    }
  }

  /**
   * Decrypts the body of a message whose header {@link #open} has verified. Its failures concern
   * the body only (frames, signature, length), never the header or the context it was verified with.
   *
   * @return the plaintext
   */
  public static byte[] decryptBody(
      MessageHeader header, FrameCodec codec, DecryptionMaterials materials, MessageInput.ArrayInput in) {
    byte[] data = in.array();
    int bodyStart = in.position();
    Body body = header.framed() ? scanFramed(header, in) : scanNonFramed(in);
    int bodyEnd = in.position();
    if (header.suite().isSigned()) {
      in.require(2, "the signature length");
      int sigLength = in.readU16("the signature length");
      byte[] signature = in.readBytes(sigLength, "the signature");
      checkTrailing(in);
      Signature verifier = verifier(header, materials, codec.engine());
      try {
        verifier.update(data, bodyStart, bodyEnd - bodyStart);
      } catch (SignatureException e) {
        throw new CryptoBugException("signature not initialized", e);
      }
      checkSignature(verifier, signature);
    } else {
      checkTrailing(in);
    }
    byte[] plaintext = new byte[body.plaintextLength];
    try {
      if (header.framed()) {
        decryptFramed(codec, header.frameLength(), data, bodyStart, body, plaintext);
      } else {
        codec.open(FrameCodec.Kind.NON_FRAMED, 1, data, bodyStart, bodyStart + 20, body.plaintextLength, plaintext, 0);
      }
    } catch (RuntimeException e) {
      Arrays.fill(plaintext, (byte) 0);
      throw e;
    }
    return plaintext;
  }

  private static void checkTrailing(MessageInput.ArrayInput in) {
    if (in.remaining() != 0) {
      throw new MalformedMessageException(
          in.remaining() + " bytes follow the end of the message; a message must be decrypted"
              + " exactly as it was written, with nothing appended");
    }
  }

  /** The structure of a framed body, checked before any decryption. */
  private static final class Body {
    final long regularFrames;
    final int finalOffset;
    final int finalLength;
    final int plaintextLength;

    Body(long regularFrames, int finalOffset, int finalLength, int plaintextLength) {
      this.regularFrames = regularFrames;
      this.finalOffset = finalOffset;
      this.finalLength = finalLength;
      this.plaintextLength = plaintextLength;
    }
  }

  private static Body scanFramed(MessageHeader header, MessageInput.ArrayInput in) {
    int frameLength = header.frameLength();
    int stride = FrameCodec.REGULAR_OVERHEAD + frameLength;
    byte[] data = in.array();
    long expected = 1;
    while (true) {
      in.require(4, "the sequence number of frame " + expected);
      long seq = Bytes.getU32(data, in.position());
      if (seq == FrameCodec.FINAL_FRAME_MARKER) {
        break;
      }
      checkSequence(seq, expected);
      in.skip(stride, "frame " + expected);
      expected++;
    }
    int finalOffset = in.position();
    in.skip(4, "the final frame marker");
    long seq = in.readU32("the sequence number of the final frame");
    checkSequence(seq, expected);
    in.skip(FrameCodec.FINAL_OVERHEAD - 8 - 4 - 16, "the final frame IV");
    long length = in.readU32("the final frame length");
    if (length > frameLength) {
      throw new MalformedMessageException(
          "the final frame claims " + length + " bytes, more than the frame length " + frameLength);
    }
    in.skip((int) length + 16, "the final frame");
    long regular = expected - 1;
    long plaintext = regular * frameLength + length;
    if (plaintext > Integer.MAX_VALUE - 16) {
      throw new MalformedMessageException("the plaintext is too large for a byte array; decrypt it as a stream");
    }
    return new Body(regular, finalOffset, (int) length, (int) plaintext);
  }

  static void checkSequence(long seq, long expected) {
    if (seq != expected) {
      throw new MalformedMessageException(
          "frame sequence number " + seq + " found where " + expected
              + " was expected: frames are missing, repeated or out of order");
    }
    if (expected > FrameCodec.MAX_FRAMES) {
      throw new MalformedMessageException("the message has more than 2^32 - 1 frames");
    }
  }

  private static Body scanNonFramed(MessageInput.ArrayInput in) {
    in.skip(12, "the body IV");
    long length = readU64(in);
    if (length > FrameCodec.MAX_FRAME_LENGTH || length > in.remaining()) {
      throw new MalformedMessageException(
          "the message is truncated: the body claims " + length + " bytes but "
              + Math.max(0, in.remaining() - 16) + " remain");
    }
    in.skip((int) length + 16, "the body");
    return new Body(0, 0, (int) length, (int) length);
  }

  private static long readU64(MessageInput.ArrayInput in) {
    in.require(8, "the body length");
    long v = Bytes.getU64(in.array(), in.position());
    in.skip(8, "the body length");
    if (v < 0) {
      throw new MalformedMessageException("the body length is out of range");
    }
    return v;
  }

  private static void decryptFramed(
      FrameCodec codec, int frameLength, byte[] data, int bodyStart, Body body, byte[] plaintext) {
    int stride = FrameCodec.REGULAR_OVERHEAD + frameLength;
    codec.engine().parallel().forRange(
        body.regularFrames,
        frameLength,
        (from, to) -> {
          for (long i = from; i < to; i++) {
            int off = bodyStart + (int) (i * stride);
            codec.open(
                FrameCodec.Kind.REGULAR, i + 1, data, off + 4, off + 16, frameLength,
                plaintext, (int) (i * frameLength));
          }
        });
    int off = body.finalOffset;
    codec.open(
        FrameCodec.Kind.FINAL, body.regularFrames + 1, data, off + 8, off + 24, body.finalLength,
        plaintext, (int) (body.regularFrames * frameLength));
  }

  /**
   * A stream that decrypts a message frame by frame; see {@link DecryptingInput}.
   *
   * @param maxHeld for signed messages, -1 to release frames before the signature, else the most
   *     plaintext to hold until it verifies
   */
  public static DecryptingInput stream(
      MessageHeader header, DecryptionMaterials materials, MessageInput.StreamInput in, int maxBuffered,
      long maxHeld) {
    return stream(header, materials, in, maxBuffered, maxHeld, Engine.defaults());
  }

  /** As {@link #stream(MessageHeader, DecryptionMaterials, MessageInput.StreamInput, int, long)}, on {@code engine}. */
  public static DecryptingInput stream(
      MessageHeader header,
      DecryptionMaterials materials,
      MessageInput.StreamInput in,
      int maxBuffered,
      long maxHeld,
      Engine engine) {
    FrameCodec codec = open(header, materials, engine);
    Signature verifier = header.suite().isSigned() ? verifier(header, materials, engine) : null;
    return new DecryptingInput(header, codec, verifier, in, maxBuffered, maxHeld);
  }
}
