package dev.envelope.internal.format;

import dev.envelope.AlgorithmSuite;
import dev.envelope.DataKey;
import dev.envelope.EncryptionContext;
import dev.envelope.EncryptionMaterials;
import dev.envelope.internal.crypto.CryptoBugException;
import dev.envelope.internal.crypto.Jca;
import dev.envelope.internal.crypto.MessageKeys;
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

  /** The parts of a message that precede the body, ready to be written. */
  static final class Prepared {
    final AlgorithmSuite suite;
    final byte[] header;
    final FrameCodec codec;
    final Signature signer;

    Prepared(AlgorithmSuite suite, byte[] header, FrameCodec codec, Signature signer) {
      this.suite = suite;
      this.header = header;
      this.codec = codec;
      this.signer = signer;
    }
  }

  /**
   * Derives the message keys and writes the authenticated header. The data key is not closed
   * here; the caller owns the materials.
   */
  static Prepared prepare(EncryptionMaterials materials, boolean framed, int frameLength) {
    AlgorithmSuite suite = materials.algorithmSuite();
    EncryptionContext context = materials.encryptionContext();
    byte[] stored = context.removeKeys(materials.requiredContextKeys()).toCanonicalBytes();
    byte[] required = context.retainKeys(materials.requiredContextKeys()).toCanonicalBytes();
    byte[] messageId = new byte[suite.messageIdLength()];
    Jca.random().nextBytes(messageId);
    DataKey dataKey = materials.dataKey().orElseThrow(() -> new IllegalStateException("no data key"));
    MessageKeys keys = MessageKeys.derive(suite, dataKey, messageId);
    try {
      byte[] body =
          HeaderCodec.writeBody(
              suite, messageId, stored, materials.encryptedDataKeys(), framed, frameLength, keys.commitKey());
      FrameCodec codec = new FrameCodec(keys.contentKey(), messageId, frameLength);
      byte[] tag = codec.headerTag(body, body.length, required);
      int auth = HeaderCodec.authLength(suite.messageFormatVersion());
      byte[] header = Arrays.copyOf(body, body.length + auth);
      // Version 1 writes a 12-byte all-zero IV before the tag; the array is already zero there.
      System.arraycopy(tag, 0, header, header.length - tag.length, tag.length);
      Signature signer = null;
      if (suite.isSigned()) {
        signer = Jca.signature(suite.signing().signatureAlgorithm());
        signer.initSign(materials.signingKey().orElseThrow(), Jca.random());
      }
      return new Prepared(suite, header, codec, signer);
    } catch (GeneralSecurityException e) {
      throw new CryptoBugException("cannot start the message signature", e);
    } finally {
      keys.close();
    }
  }

  /** Encrypts a whole plaintext into one array. */
  public static byte[] encrypt(
      EncryptionMaterials materials, byte[] plaintext, boolean framed, int frameLength) {
    Prepared p = prepare(materials, framed, frameLength);
    long bodyLength = FrameCodec.bodyLength(plaintext.length, framed, frameLength);
    int footerMax = p.signer == null ? 0 : 2 + p.suite.signing().maxSignatureLength();
    long total = p.header.length + bodyLength + footerMax;
    if (total > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException(
          "the message would be " + total + " bytes, too large for a byte array; use a stream");
    }
    byte[] out = new byte[(int) total];
    System.arraycopy(p.header, 0, out, 0, p.header.length);
    int end =
        framed
            ? p.codec.encryptFramedBody(plaintext, 0, plaintext.length, out, p.header.length)
            : p.codec.encryptNonFramed(plaintext, 0, plaintext.length, out, p.header.length);
    if (p.signer == null) {
      return out;
    }
    try {
      p.signer.update(out, 0, end);
      byte[] signature = p.signer.sign();
      Bytes.putU16(out, end, signature.length);
      System.arraycopy(signature, 0, out, end + 2, signature.length);
      end += 2 + signature.length;
    } catch (GeneralSecurityException e) {
      throw new CryptoBugException("ECDSA signing failed", e);
    }
    return end == out.length ? out : Arrays.copyOf(out, end);
  }

  /**
   * A stream that encrypts what is written to it into {@code out}, one frame at a time, in
   * constant memory. Closing it writes the final frame and footer and closes {@code out}.
   *
   * @param maxPlaintextLength the caller's bound, or -1 for none
   */
  public static OutputStream stream(
      EncryptionMaterials materials, OutputStream out, int frameLength, long maxPlaintextLength) {
    Prepared p = prepare(materials, true, frameLength);
    return new EncryptingOutputStream(
        out, p, materials.plaintextMeter().orElse(null), maxPlaintextLength);
  }
}
