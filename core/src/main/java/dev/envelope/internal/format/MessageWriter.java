package dev.envelope.internal.format;

import dev.envelope.AlgorithmSuite;
import dev.envelope.DataKey;
import dev.envelope.EncryptionContext;
import dev.envelope.EncryptionMaterials;
import dev.envelope.internal.crypto.CryptoBugException;
import dev.envelope.internal.crypto.Primitives;
import dev.envelope.internal.crypto.MessageKeys;
import dev.envelope.internal.crypto.SignatureLength;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Arrays;

/**
 * Writes whole messages: header, body and (for signing suites) the footer (spec:
 * client-apis/encrypt.md). The caller has already checked the materials against its policies.
 */
public final class MessageWriter {
  private MessageWriter() {}

  /**
   * A message under construction: the authenticated header at the start of {@link #buffer}, which
   * may have room behind it for the body and footer.
   */
  static final class Prepared {
    final AlgorithmSuite suite;
    final byte[] buffer;
    final int headerLength;
    final FrameCodec codec;
    final Signature signer;

    Prepared(AlgorithmSuite suite, byte[] buffer, int headerLength, FrameCodec codec, Signature signer) {
      this.suite = suite;
      this.buffer = buffer;
      this.headerLength = headerLength;
      this.codec = codec;
      this.signer = signer;
    }
  }

  /**
   * Derives the message keys and writes the authenticated header into a new array with {@code
   * room} bytes behind it. The data key is not closed here; the caller owns the materials.
   */
  static Prepared prepare(
      EncryptionMaterials materials, boolean framed, int frameLength, long room, Engine engine) {
    Primitives primitives = engine.primitives();
    AlgorithmSuite suite = materials.algorithmSuite();
    EncryptionContext context = materials.encryptionContext();
    byte[] stored = context.removeKeys(materials.requiredContextKeys()).toCanonicalBytes();
    byte[] required = context.retainKeys(materials.requiredContextKeys()).toCanonicalBytes();
    byte[] messageId = new byte[suite.messageIdLength()];
    primitives.random().nextBytes(messageId);
    DataKey dataKey = materials.dataKey().orElseThrow(() -> new IllegalStateException("no data key"));
    MessageKeys keys = MessageKeys.derive(primitives, suite, dataKey, messageId);
    try {
      int auth = HeaderCodec.authLength(suite.messageFormatVersion());
      byte[] buffer =
          HeaderCodec.writeBody(
              suite, messageId, stored, materials.encryptedDataKeys(), framed, frameLength,
              keys.commitKey(), auth + room);
      int bodyLength = (int) (buffer.length - auth - room);
      FrameCodec codec = new FrameCodec(keys.contentKey(), messageId, frameLength, engine);
      byte[] tag = codec.headerTag(buffer, bodyLength, required);
      // Version 1 writes a 12-byte all-zero IV before the tag; the array is already zero there.
      int headerLength = bodyLength + auth;
      System.arraycopy(tag, 0, buffer, headerLength - tag.length, tag.length);
      Signature signer = null;
      if (suite.isSigned()) {
        signer = primitives.signature(suite.signing().signatureAlgorithm());
        signer.initSign(materials.signingKey().orElseThrow(), primitives.random());
      }
      return new Prepared(suite, buffer, headerLength, codec, signer);
    } catch (GeneralSecurityException e) {
      throw new CryptoBugException("cannot start the message signature", e);
    } finally {
      keys.close();
    }
  }

  /** Encrypts a whole plaintext into one array, written in place behind the header. */
  public static byte[] encrypt(
      EncryptionMaterials materials, byte[] plaintext, boolean framed, int frameLength) {
    return encrypt(materials, plaintext, framed, frameLength, Engine.defaults());
  }

  /** As {@link #encrypt(EncryptionMaterials, byte[], boolean, int)}, on {@code engine}. */
  public static byte[] encrypt(
      EncryptionMaterials materials,
      byte[] plaintext,
      boolean framed,
      int frameLength,
      Engine engine) {
    AlgorithmSuite suite = materials.algorithmSuite();
    long bodyLength = FrameCodec.bodyLength(plaintext.length, framed, frameLength);
    // Sized for the signature length SignatureLength.fit aims at (one byte under the longest DER).
    int footer = suite.isSigned() ? 2 + suite.signing().maxSignatureLength() - 1 : 0;
    Prepared p = prepare(materials, framed, frameLength, bodyLength + footer, engine);
    byte[] out = p.buffer;
    int end =
        framed
            ? p.codec.encryptFramedBody(plaintext, 0, plaintext.length, out, p.headerLength)
            : p.codec.encryptNonFramed(plaintext, 0, plaintext.length, out, p.headerLength);
    if (p.signer == null) {
      return out;
    }
    try {
      p.signer.update(out, 0, end);
      byte[] signature = SignatureLength.fit(
          p.signer.sign(), materials.signingKey().orElseThrow(), suite.signing().maxSignatureLength() - 1);
      if (end + 2 + signature.length != out.length) {
        // About 1 signature in 256 (an unusually short r) cannot be fitted: size for it.
        out = Arrays.copyOf(out, end + 2 + signature.length);
      }
      Bytes.putU16(out, end, signature.length);
      System.arraycopy(signature, 0, out, end + 2, signature.length);
      end += 2 + signature.length;
    } catch (GeneralSecurityException e) {
      throw new CryptoBugException("ECDSA signing failed", e);
    }
    return out;
  }

  /**
   * A stream that encrypts what is written to it into {@code out}, one frame at a time, in
   * constant memory. Closing it writes the final frame and footer and closes {@code out}.
   *
   * @param maxPlaintextLength the caller's bound, or -1 for none
   */
  public static OutputStream stream(
      EncryptionMaterials materials, OutputStream out, int frameLength, long maxPlaintextLength) {
    return stream(materials, out, frameLength, maxPlaintextLength, Engine.defaults());
  }

  /** As {@link #stream(EncryptionMaterials, OutputStream, int, long)}, on {@code engine}. */
  public static OutputStream stream(
      EncryptionMaterials materials,
      OutputStream out,
      int frameLength,
      long maxPlaintextLength,
      Engine engine) {
    Prepared p = prepare(materials, true, frameLength, 0, engine);
    return new EncryptingOutputStream(
        out, p, materials.plaintextMeter().orElse(null), maxPlaintextLength);
  }
}
