package dev.envelope.internal.format;

import dev.envelope.AuthenticationFailedException;
import dev.envelope.internal.crypto.CryptoBugException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts and decrypts the message body and the header tag with one message's content key
 * (spec: data-format/message-body.md, message-body-aad.md).
 *
 * <pre>
 * Regular frame                     Final frame                         Non-framed body
 *  4  sequence number (from 1)       4  FF FF FF FF                     12  IV
 * 12  IV = 8 zero bytes ‖ seq        4  sequence number                  8  content length (u64)
 *  F  ciphertext (frame length)     12  IV                               n  ciphertext
 * 16  tag                            4  content length (0 … F)          16  tag
 *                                    n  ciphertext
 *                                   16  tag
 *
 * Body AAD = message id ‖ "AWSKMSEncryptionClient Frame" | "… Final Frame" | "… Single Block"
 *            ‖ u32 sequence number (1 for non-framed) ‖ u64 plaintext length of this chunk
 * </pre>
 *
 * IVs are written as 8 zero bytes ‖ the sequence number and read as serialized (old encoders wrote
 * other values). An instance holds no mutable state: each call uses the calling thread's cipher,
 * so frames of one message may be processed by several threads at once.
 */
public final class FrameCodec {
  /** The largest frame (and non-framed body) this implementation handles: a Java array's limit. */
  public static final long MAX_FRAME_LENGTH = Integer.MAX_VALUE - 1024;

  public static final int REGULAR_OVERHEAD = 4 + 12 + 16;
  public static final int FINAL_OVERHEAD = 4 + 4 + 12 + 4 + 16;
  public static final int NON_FRAMED_OVERHEAD = 12 + 8 + 16;
  public static final long FINAL_FRAME_MARKER = 0xFFFFFFFFL;
  /** At most 2^32 − 1 frames per message. */
  public static final long MAX_FRAMES = 0xFFFFFFFFL;

  static final byte[] FRAME = "AWSKMSEncryptionClient Frame".getBytes(StandardCharsets.US_ASCII);
  static final byte[] FINAL_FRAME = "AWSKMSEncryptionClient Final Frame".getBytes(StandardCharsets.US_ASCII);
  static final byte[] SINGLE_BLOCK = "AWSKMSEncryptionClient Single Block".getBytes(StandardCharsets.US_ASCII);

  private static final int IV = HeaderCodec.IV_LENGTH;
  private static final int TAG = HeaderCodec.TAG_LENGTH;
  private static final byte[] ZERO_IV = new byte[IV];

  private final SecretKeySpec key;
  private final byte[] messageId;
  private final int frameLength;
  private final Engine engine;

  public FrameCodec(SecretKeySpec contentKey, byte[] messageId, int frameLength) {
    this(contentKey, messageId, frameLength, Engine.defaults());
  }

  /** A codec whose ciphers and threads come from {@code engine}. */
  public FrameCodec(SecretKeySpec contentKey, byte[] messageId, int frameLength, Engine engine) {
    this.key = contentKey;
    this.messageId = messageId;
    this.frameLength = frameLength;
    this.engine = engine;
  }

  Engine engine() {
    return engine;
  }

  public int frameLength() {
    return frameLength;
  }

  /** Number of regular (full) frames for a plaintext: the final frame holds 1 … F bytes, or 0 if empty. */
  public static long regularFrames(long plaintextLength, int frameLength) {
    return plaintextLength == 0 ? 0 : (plaintextLength - 1) / frameLength;
  }

  /** The body length for a plaintext of known length. */
  public static long bodyLength(long plaintextLength, boolean framed, int frameLength) {
    if (!framed) {
      return NON_FRAMED_OVERHEAD + plaintextLength;
    }
    long regular = regularFrames(plaintextLength, frameLength);
    long last = plaintextLength - regular * frameLength;
    return regular * (REGULAR_OVERHEAD + (long) frameLength) + FINAL_OVERHEAD + last;
  }

  // ---------------------------------------------------------------- header authentication

  /** The header tag: GCM over an empty plaintext with AAD = header body ‖ required context. */
  public byte[] headerTag(byte[] headerBody, int bodyLength, byte[] requiredContext) {
    return headerTag(headerBody, bodyLength, requiredContext, ZERO_IV);
  }

  /** As {@link #headerTag(byte[], int, byte[])} with a version-1 header IV other than zero. */
  public byte[] headerTag(byte[] headerBody, int bodyLength, byte[] requiredContext, byte[] iv) {
    Cipher cipher = engine.primitives().aesGcm();
    try {
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG * 8, iv));
      cipher.updateAAD(headerBody, 0, bodyLength);
      cipher.updateAAD(requiredContext);
      return cipher.doFinal();
    } catch (GeneralSecurityException e) {
      throw new CryptoBugException("AES-GCM failed computing the header tag", e);
    }
  }

  /** Checks the header tag of a parsed header. */
  public void verifyHeader(MessageHeader header, byte[] requiredContext) {
    Cipher cipher = engine.primitives().aesGcm();
    byte[] bytes = header.headerBytes();
    GCMParameterSpec iv =
        header.version() == 1
            ? new GCMParameterSpec(TAG * 8, bytes, header.bodyLength(), IV)
            : new GCMParameterSpec(TAG * 8, ZERO_IV);
    try {
      cipher.init(Cipher.DECRYPT_MODE, key, iv);
      cipher.updateAAD(bytes, 0, header.bodyLength());
      cipher.updateAAD(requiredContext);
      cipher.doFinal(bytes, bytes.length - TAG, TAG);
    } catch (AEADBadTagException e) {
      throw new AuthenticationFailedException(
          "the message header does not verify: it was altered, or it was encrypted under a"
              + " different data key or required encryption context");
    } catch (GeneralSecurityException e) {
      throw new CryptoBugException("AES-GCM failed verifying the header tag", e);
    }
  }

  // ---------------------------------------------------------------- encryption

  /**
   * Writes a regular frame of {@link #frameLength()} plaintext bytes at {@code out[off]}.
   *
   * @return the offset past the frame
   */
  public int encryptRegular(long seq, byte[] pt, int ptOff, byte[] out, int off) {
    Bytes.putU32(out, off, seq);
    writeIv(out, off + 4, seq);
    seal(out, off + 4, FRAME, seq, pt, ptOff, frameLength, out, off + 4 + IV);
    return off + REGULAR_OVERHEAD + frameLength;
  }

  /** Writes the final frame holding {@code len} (0 … frame length) bytes. */
  public int encryptFinal(long seq, byte[] pt, int ptOff, int len, byte[] out, int off) {
    Bytes.putU32(out, off, FINAL_FRAME_MARKER);
    Bytes.putU32(out, off + 4, seq);
    writeIv(out, off + 8, seq);
    Bytes.putU32(out, off + 8 + IV, len);
    seal(out, off + 8, FINAL_FRAME, seq, pt, ptOff, len, out, off + 8 + IV + 4);
    return off + FINAL_OVERHEAD + len;
  }

  /** Writes a non-framed body. */
  public int encryptNonFramed(byte[] pt, int ptOff, int len, byte[] out, int off) {
    writeIv(out, off, 1);
    Bytes.putU64(out, off + IV, len);
    seal(out, off, SINGLE_BLOCK, 1, pt, ptOff, len, out, off + IV + 8);
    return off + NON_FRAMED_OVERHEAD + len;
  }

  /**
   * Encrypts a whole framed body of {@code len} bytes at {@code out[off]}, splitting the frames
   * between threads when that is worth it.
   *
   * @return the offset past the body
   */
  public int encryptFramedBody(byte[] pt, int ptOff, int len, byte[] out, int off) {
    long regular = regularFrames(len, frameLength);
    int frameSize = REGULAR_OVERHEAD + frameLength;
    engine.parallel().forRange(
        regular,
        frameLength,
        (from, to) -> {
          for (long i = from; i < to; i++) {
            encryptRegular(i + 1, pt, ptOff + (int) (i * frameLength), out, off + (int) (i * frameSize));
          }
        });
    int last = len - (int) (regular * frameLength);
    return encryptFinal(
        regular + 1, pt, ptOff + (int) (regular * frameLength), last, out, off + (int) (regular * frameSize));
  }

  private void seal(
      byte[] ivBuf, int ivOff, byte[] type, long seq, byte[] pt, int ptOff, int len, byte[] out, int outOff) {
    Cipher cipher = engine.primitives().aesGcm();
    try {
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG * 8, ivBuf, ivOff, IV));
      cipher.updateAAD(aad(type, seq, len));
      int n = cipher.doFinal(pt, ptOff, len, out, outOff);
      if (n != len + TAG) {
        throw new CryptoBugException("AES-GCM wrote " + n + " bytes for " + len);
      }
    } catch (GeneralSecurityException e) {
      throw new CryptoBugException("AES-GCM encryption failed", e);
    }
  }

  private static void writeIv(byte[] out, int off, long seq) {
    for (int i = 0; i < 8; i++) {
      out[off + i] = 0;
    }
    Bytes.putU32(out, off + 8, seq);
  }

  // ---------------------------------------------------------------- decryption

  /** Kinds of body chunk, for the AAD. */
  public enum Kind {
    REGULAR(FRAME),
    FINAL(FINAL_FRAME),
    NON_FRAMED(SINGLE_BLOCK);

    final byte[] label;

    Kind(byte[] label) {
      this.label = label;
    }
  }

  /**
   * Decrypts one chunk: IV at {@code in[ivOff]}, {@code len} ciphertext bytes at {@code in[ctOff]}
   * followed by the tag. Writes {@code len} plaintext bytes at {@code out[outOff]}.
   *
   * @throws AuthenticationFailedException if the tag does not verify
   */
  public void open(
      Kind kind, long seq, byte[] in, int ivOff, int ctOff, int len, byte[] out, int outOff) {
    Cipher cipher = engine.primitives().aesGcm();
    try {
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG * 8, in, ivOff, IV));
      cipher.updateAAD(aad(kind.label, seq, len));
      cipher.doFinal(in, ctOff, len + TAG, out, outOff);
    } catch (AEADBadTagException e) {
      throw new AuthenticationFailedException(
          (kind == Kind.NON_FRAMED ? "the message body" : "frame " + seq)
              + " does not verify: the message was altered or truncated");
    } catch (GeneralSecurityException e) {
      throw new CryptoBugException("AES-GCM decryption failed", e);
    }
  }

  private byte[] aad(byte[] type, long seq, long len) {
    byte[] aad = new byte[messageId.length + type.length + 12];
    System.arraycopy(messageId, 0, aad, 0, messageId.length);
    System.arraycopy(type, 0, aad, messageId.length, type.length);
    Bytes.putU32(aad, messageId.length + type.length, seq);
    Bytes.putU64(aad, messageId.length + type.length + 4, len);
    return aad;
  }
}
