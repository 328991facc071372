package dev.envelope.internal.format;

import dev.envelope.DecryptionMaterials;
import dev.envelope.EncryptedDataKey;
import dev.envelope.MalformedMessageException;
import dev.envelope.internal.crypto.Jca;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Replaces the encrypted data keys of a verified message header and copies its body unchanged
 * (spec: data-format/message-header.md; the body's frames authenticate the message id, never the
 * header, so a new header with the same message id and data key keeps the body valid).
 *
 * <pre>
 * old header:  [prefix: version … stored context] [EDK count, EDKs] [suffix: content type … suite data] [auth]
 * new header:  [prefix, the same bytes]           [new EDKs]        [suffix, the same bytes]          [new auth]
 * </pre>
 *
 * Everything but the EDK section is copied byte for byte, so suite, message id, the stored context
 * exactly as serialized, content type and frame length stay. The new header tag is computed as on
 * encrypt (AES-GCM under the content key over an empty plaintext, AAD = new header body ‖ required
 * context) but with a fresh random header IV, written into the header.
 *
 * <p><strong>Version 1 only.</strong> The content key depends only on the data key and the message
 * id, both kept, so the new tag is a second AES-GCM operation under the old tag's key. Version 1
 * carries the header IV in the message, so the new tag gets a fresh one. Version 2 fixes that IV to
 * zero: a second version-2 header tag under the same data key and message id would reuse the
 * (key, IV) pair, and two GCM tags under one key and IV over different data reveal the GHASH key
 * (the "forbidden attack"), with which anyone holding both messages could forge the header and
 * every frame. Version-2 messages are therefore re-encrypted, never rewrapped in place.
 */
public final class Rewrapper {
  private static final int COPY_BUFFER = 64 * 1024;

  private Rewrapper() {}

  /**
   * The new authenticated header.
   *
   * @param codec the codec {@link MessageReader#open} returned for {@code header}
   * @param materials the materials that verified {@code header}, for the required context
   */
  public static byte[] rewriteHeader(
      MessageHeader header, FrameCodec codec, DecryptionMaterials materials, List<EncryptedDataKey> edks) {
    byte[] old = header.headerBytes();
    int edkStart = edkSectionStart(header);
    int edkEnd = edkSectionEnd(old, edkStart);
    byte[] section = edkSection(edks);
    int auth = HeaderCodec.authLength(header.version());
    int bodyLength = edkStart + section.length + (header.bodyLength() - edkEnd);
    byte[] out = new byte[bodyLength + auth];
    System.arraycopy(old, 0, out, 0, edkStart);
    System.arraycopy(section, 0, out, edkStart, section.length);
    System.arraycopy(old, edkEnd, out, edkStart + section.length, header.bodyLength() - edkEnd);
    byte[] required =
        materials.encryptionContext().retainKeys(materials.requiredContextKeys()).toCanonicalBytes();
    if (header.version() != 1) {
      throw new IllegalArgumentException(
          "a version-2 header's tag has a fixed IV: a second tag under the same content key would"
              + " reuse it");
    }
    byte[] iv = freshHeaderIv();
    byte[] tag = codec.headerTag(out, bodyLength, required, iv);
    System.arraycopy(iv, 0, out, bodyLength, iv.length);
    System.arraycopy(tag, 0, out, out.length - tag.length, tag.length);
    return out;
  }

  /**
   * A random header IV whose first 8 bytes are not all zero. The content key stays, so the new tag
   * must not reuse the IV of the old one (zero when written by any ESDK) or of any frame ({@code 8
   * zero bytes ‖ sequence number}): AES-GCM under one key and IV twice gives away its
   * authentication key, and with it the power to forge the header and the frames. Decryptors use
   * the version-1 header IV as serialized.
   */
  static byte[] freshHeaderIv() {
    byte[] iv = new byte[HeaderCodec.IV_LENGTH];
    do {
      Jca.random().nextBytes(iv);
    } while (Bytes.getU32(iv, 0) == 0 && Bytes.getU32(iv, 4) == 0);
    return iv;
  }

  /** The EDK entries the header carries, in order, with {@code added} after them. */
  public static List<EncryptedDataKey> plus(List<EncryptedDataKey> existing, List<EncryptedDataKey> added) {
    List<EncryptedDataKey> all = new ArrayList<>(existing.size() + added.size());
    all.addAll(existing);
    all.addAll(added);
    return all;
  }

  private static int edkSectionStart(MessageHeader header) {
    int prefix = header.version() == 1 ? 1 + 1 + 2 + 16 : 1 + 2 + 32;
    int aadLength = Bytes.getU16(header.headerBytes(), prefix);
    return prefix + 2 + aadLength;
  }

  private static int edkSectionEnd(byte[] header, int start) {
    int count = Bytes.getU16(header, start);
    int off = start + 2;
    for (int i = 0; i < count * 3; i++) {
      off += 2 + Bytes.getU16(header, off);
    }
    return off;
  }

  private static byte[] edkSection(List<EncryptedDataKey> edks) {
    if (edks.isEmpty() || edks.size() > 0xFFFF) {
      throw new IllegalArgumentException("a header holds 1 to 65535 encrypted data keys: " + edks.size());
    }
    int length = 2;
    List<byte[][]> fields = new ArrayList<>(edks.size());
    for (EncryptedDataKey edk : edks) {
      byte[][] f = {edk.providerIdBytes(), edk.providerInfo(), edk.ciphertext()};
      for (byte[] field : f) {
        if (field.length > 0xFFFF) {
          throw new IllegalArgumentException(
              "an encrypted data key field is " + field.length + " bytes; the format allows 65535");
        }
        length += 2 + field.length;
      }
      fields.add(f);
    }
    byte[] out = new byte[length];
    Bytes.putU16(out, 0, edks.size());
    int off = 2;
    for (byte[][] f : fields) {
      for (byte[] field : f) {
        Bytes.putU16(out, off, field.length);
        System.arraycopy(field, 0, out, off + 2, field.length);
        off += 2 + field.length;
      }
    }
    return out;
  }

  /**
   * Authenticates every frame of an in-memory message (and its signature, if any) without
   * releasing plaintext: the scratch plaintext is zeroed before this returns.
   *
   * @param in positioned at the start of the body
   */
  public static void verifyBody(
      MessageHeader header, FrameCodec codec, DecryptionMaterials materials, MessageInput.ArrayInput in) {
    byte[] scratch = MessageReader.decryptBody(header, codec, materials, in);
    Arrays.fill(scratch, (byte) 0);
  }

  /**
   * Copies the body of an unsigned message from {@code in} to {@code out} byte for byte, without
   * decrypting it, checking its structure as it goes: sequence numbers, the final frame's length,
   * the non-framed body's length, and that nothing follows the end. Frame tags are not checked here;
   * whoever decrypts the rewrapped message checks them.
   *
   * @return the number of body bytes copied
   * @throws MalformedMessageException if the body is truncated, out of order or followed by bytes
   */
  public static long copyBody(MessageHeader header, MessageInput.StreamInput in, OutputStream out) {
    if (header.suite().isSigned()) {
      throw new IllegalStateException("a signed message's body cannot be copied under a new header");
    }
    byte[] buffer = new byte[COPY_BUFFER];
    long copied = 0;
    try {
      if (!header.framed()) {
        in.readFully(buffer, 0, 20, "the body IV and length");
        long length = Bytes.getU64(buffer, 12);
        if (length < 0 || length > FrameCodec.MAX_FRAME_LENGTH) {
          throw new MalformedMessageException("the body length " + length + " is out of range");
        }
        out.write(buffer, 0, 20);
        copied = 20 + copy(in, out, buffer, length + 16, "the body");
      } else {
        long expected = 1;
        while (true) {
          in.readFully(buffer, 0, 4, "the sequence number of frame " + expected);
          long seq = Bytes.getU32(buffer, 0);
          if (seq == FrameCodec.FINAL_FRAME_MARKER) {
            break;
          }
          MessageReader.checkSequence(seq, expected);
          out.write(buffer, 0, 4);
          copied += 4 + copy(in, out, buffer, 12L + header.frameLength() + 16, "frame " + expected);
          expected++;
        }
        in.readFully(buffer, 4, 20, "the final frame header");
        MessageReader.checkSequence(Bytes.getU32(buffer, 4), expected);
        long length = Bytes.getU32(buffer, 20);
        if (length > header.frameLength()) {
          throw new MalformedMessageException(
              "the final frame claims " + length + " bytes, more than the frame length "
                  + header.frameLength());
        }
        out.write(buffer, 0, 24);
        copied += 24 + copy(in, out, buffer, length + 16, "the final frame");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing the rewrapped message failed: " + e.getMessage(), e);
    }
    if (!in.atEnd()) {
      throw new MalformedMessageException(
          "bytes follow the end of the message; a message must be rewrapped exactly as it was"
              + " written, with nothing appended");
    }
    return copied;
  }

  private static long copy(MessageInput.StreamInput in, OutputStream out, byte[] buffer, long length, String what)
      throws IOException {
    long left = length;
    while (left > 0) {
      int n = (int) Math.min(buffer.length, left);
      in.readFully(buffer, 0, n, what);
      out.write(buffer, 0, n);
      left -= n;
    }
    return length;
  }
}
