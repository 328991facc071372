package dev.envelope.internal.format;

import dev.envelope.AlgorithmSuite;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionContext;
import dev.envelope.MalformedMessageException;
import dev.envelope.PolicyViolationException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Writes and parses message headers (spec: data-format/message-header.md).
 *
 * <pre>
 * Version 1 (suites 0x0014 … 0x0378)          Version 2 (suites 0x0478, 0x0578)
 *  1  version 0x01                              1  version 0x02
 *  1  type 0x80                                 2  suite id
 *  2  suite id                                 32  message id
 * 16  message id                                2  AAD length
 *  2  AAD length                                n  AAD (serialized encryption context)
 *  n  AAD (serialized encryption context)       2  EDK count (≥ 1)
 *  2  EDK count (≥ 1)                              EDKs: u16 len + provider id, u16 len + info,
 *     EDKs (as in version 2)                             u16 len + ciphertext
 *  1  content type 0x01 non-framed/0x02 framed  1  content type
 *  4  reserved 00000000                         4  frame length (0 if non-framed)
 *  1  IV length 0x0C                           32  suite data: the commit key
 *  4  frame length (0 if non-framed)           -- header authentication --
 * -- header authentication --                  16  tag
 * 12  IV (zeros when written)
 * 16  tag
 * </pre>
 *
 * The header tag is AES-GCM under the content key over an empty plaintext, with AAD = the header
 * body bytes as serialized ‖ the serialization of the required (authenticate-only) context.
 */
public final class HeaderCodec {
  public static final int TYPE_CUSTOMER_AED = 0x80;
  public static final int CONTENT_NON_FRAMED = 0x01;
  public static final int CONTENT_FRAMED = 0x02;
  public static final int IV_LENGTH = 12;
  public static final int TAG_LENGTH = 16;
  private static final int COMMIT_KEY_LENGTH = 32;
  private static final String EDK_FIELD = "an encrypted data key";

  private HeaderCodec() {}

  /** The size of the header authentication section for a format version. */
  public static int authLength(int version) {
    return version == 1 ? IV_LENGTH + TAG_LENGTH : TAG_LENGTH;
  }

  /** Serializes a header body (everything the header tag authenticates except the AAD suffix). */
  public static byte[] writeBody(
      AlgorithmSuite suite,
      byte[] messageId,
      byte[] storedContext,
      List<EncryptedDataKey> edks,
      boolean framed,
      int frameLength,
      byte[] commitKey) {
    return writeBody(suite, messageId, storedContext, edks, framed, frameLength, commitKey, 0);
  }

  /**
   * Serializes a header body at the start of a new array with {@code trailingCapacity} zero bytes
   * after it, so the header authentication, body and footer can be written in place behind it: the
   * body occupies the first {@code length - trailingCapacity} bytes.
   *
   * @throws IllegalArgumentException if the whole array would exceed a Java array's limit
   */
  public static byte[] writeBody(
      AlgorithmSuite suite,
      byte[] messageId,
      byte[] storedContext,
      List<EncryptedDataKey> edks,
      boolean framed,
      int frameLength,
      byte[] commitKey,
      long trailingCapacity) {
    int version = suite.messageFormatVersion();
    List<byte[][]> fields = new ArrayList<>(edks.size());
    int edkBytes = 0;
    for (EncryptedDataKey edk : edks) {
      byte[][] f = {edk.providerIdBytes(), edk.providerInfo(), edk.ciphertext()};
      fields.add(f);
      edkBytes += 6 + f[0].length + f[1].length + f[2].length;
    }
    int fixed = version == 1 ? 1 + 1 + 2 + 16 + 2 + 2 + 1 + 4 + 1 + 4 : 1 + 2 + 32 + 2 + 2 + 1 + 4 + 32;
    int bodyLength = fixed + storedContext.length + edkBytes;
    if (bodyLength + trailingCapacity > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException(
          "the message would be " + (bodyLength + trailingCapacity)
              + " bytes, too large for a byte array; use a stream");
    }
    byte[] out = new byte[(int) (bodyLength + trailingCapacity)];
    int off = 0;
    out[off++] = (byte) version;
    if (version == 1) {
      out[off++] = (byte) TYPE_CUSTOMER_AED;
    }
    Bytes.putU16(out, off, suite.id());
    off += 2;
    System.arraycopy(messageId, 0, out, off, messageId.length);
    off += messageId.length;
    Bytes.putU16(out, off, storedContext.length);
    off += 2;
    System.arraycopy(storedContext, 0, out, off, storedContext.length);
    off += storedContext.length;
    Bytes.putU16(out, off, edks.size());
    off += 2;
    for (byte[][] f : fields) {
      for (byte[] field : f) {
        Bytes.putU16(out, off, field.length);
        System.arraycopy(field, 0, out, off + 2, field.length);
        off += 2 + field.length;
      }
    }
    out[off++] = (byte) (framed ? CONTENT_FRAMED : CONTENT_NON_FRAMED);
    if (version == 1) {
      off += 4; // reserved, zero
      out[off++] = (byte) IV_LENGTH;
    }
    Bytes.putU32(out, off, framed ? frameLength : 0);
    off += 4;
    if (version == 2) {
      System.arraycopy(commitKey, 0, out, off, COMMIT_KEY_LENGTH);
      off += COMMIT_KEY_LENGTH;
    }
    if (off != bodyLength) {
      throw new IllegalStateException("header size miscomputed: " + off + " != " + bodyLength);
    }
    return out;
  }

  /** As {@link #parse(MessageInput, int, int, int)} with only the format's own limits on pairs and length. */
  public static MessageHeader parse(MessageInput in, int maxEncryptedDataKeys) {
    return parse(in, maxEncryptedDataKeys, 0xFFFF, Integer.MAX_VALUE);
  }

  /**
   * Parses a header, stopping as soon as something is wrong. Each limit is checked before the work
   * it bounds: the header length before each variable field is read, the pair count before any
   * pair is parsed, the key count before any encrypted data key is read.
   *
   * @throws MalformedMessageException if the bytes are not a header
   * @throws PolicyViolationException if the header exceeds one of the limits
   */
  public static MessageHeader parse(
      MessageInput in, int maxEncryptedDataKeys, int maxContextPairs, int maxHeaderLength) {
    in.startRecording();
    int version = in.readU8("the version byte");
    if (version != 1 && version != 2) {
      throw new MalformedMessageException(versionError(version));
    }
    if (version == 1) {
      int type = in.readU8("the message type");
      if (type != TYPE_CUSTOMER_AED) {
        throw new MalformedMessageException(
            String.format(Locale.ROOT, "unknown message type 0x%02X; only 0x80 is defined", type));
      }
    }
    int suiteId = in.readU16("the algorithm suite id");
    AlgorithmSuite suite =
        AlgorithmSuite.find(suiteId)
            .orElseThrow(
                () ->
                    new MalformedMessageException(
                        String.format(
                            Locale.ROOT,
                            "unknown algorithm suite 0x%04X; this is not an AWS Encryption SDK message"
                                + " or it was written by a newer format",
                            suiteId)));
    if (suite.messageFormatVersion() != version) {
      throw new MalformedMessageException(
          "suite " + suite.idHex() + " belongs to message format version "
              + suite.messageFormatVersion() + ", but the header says version " + version);
    }
    byte[] messageId = in.readBytes(suite.messageIdLength(), "the message id");
    int aadLength = in.readU16("the encryption context length");
    checkLength(in, aadLength, maxHeaderLength);
    byte[] aad = in.readBytes(aadLength, "the encryption context");
    if (aadLength >= 2 && Bytes.getU16(aad, 0) > maxContextPairs) {
      throw new PolicyViolationException(
          "the message's encryption context has " + Bytes.getU16(aad, 0) + " pairs, more than the"
              + " configured maximum of " + maxContextPairs + "; raise maxEncryptionContextPairs if"
              + " you expect such messages");
    }
    EncryptionContext stored = EncryptionContextCodec.deserialize(aad, 0, aadLength);
    int edkCount = in.readU16("the encrypted data key count");
    if (edkCount == 0) {
      throw new MalformedMessageException("the header has no encrypted data keys");
    }
    if (edkCount > maxEncryptedDataKeys) {
      throw new PolicyViolationException(
          "the message has " + edkCount + " encrypted data keys, more than the configured maximum"
              + " of " + maxEncryptedDataKeys + "; raise maxEncryptedDataKeys if you expect such"
              + " messages");
    }
    List<EncryptedDataKey> edks = new ArrayList<>(edkCount);
    for (int i = 1; i <= edkCount; i++) {
      // Constant descriptions: this runs for every message, and the text is only for errors.
      byte[] providerId = readField(in, maxHeaderLength);
      byte[] providerInfo = readField(in, maxHeaderLength);
      byte[] ciphertext = readField(in, maxHeaderLength);
      String id = Utf8.decode(providerId, "the provider id of an encrypted data key");
      edks.add(EncryptedDataKey.of(id, providerInfo, ciphertext));
    }
    int contentType = in.readU8("the content type");
    if (contentType != CONTENT_FRAMED && contentType != CONTENT_NON_FRAMED) {
      throw new MalformedMessageException(
          String.format(Locale.ROOT, "unknown content type 0x%02X (0x01 non-framed, 0x02 framed)", contentType));
    }
    boolean framed = contentType == CONTENT_FRAMED;
    if (version == 1) {
      if (in.readU32("the reserved field") != 0) {
        throw new MalformedMessageException("the reserved header field is not zero");
      }
      int ivLength = in.readU8("the IV length");
      if (ivLength != IV_LENGTH) {
        throw new MalformedMessageException("the IV length is " + ivLength + ", the suite needs 12");
      }
    }
    long frameLength = in.readU32("the frame length");
    if (framed && frameLength == 0) {
      throw new MalformedMessageException("a framed message has frame length 0");
    }
    if (!framed && frameLength != 0) {
      throw new MalformedMessageException("a non-framed message has frame length " + frameLength + ", not 0");
    }
    if (frameLength > FrameCodec.MAX_FRAME_LENGTH) {
      throw new MalformedMessageException(
          "the frame length " + frameLength + " exceeds the largest supported frame ("
              + FrameCodec.MAX_FRAME_LENGTH + " bytes)");
    }
    byte[] commitKey = version == 2 ? in.readBytes(COMMIT_KEY_LENGTH, "the commit key") : null;
    int bodyLength = in.recordedLength();
    if (version == 1) {
      in.discard(IV_LENGTH, "the header IV");
    }
    in.discard(TAG_LENGTH, "the header tag");
    checkLength(in, 0, maxHeaderLength);
    byte[] headerBytes = in.stopRecording();
    return new MessageHeader(
        version,
        suite,
        messageId,
        stored,
        Collections.unmodifiableList(edks),
        framed,
        (int) frameLength,
        commitKey,
        headerBytes,
        bodyLength);
  }

  /** A length-prefixed field of an encrypted data key, its length checked against the cap first. */
  private static byte[] readField(MessageInput in, int maxHeaderLength) {
    int length = in.readU16(EDK_FIELD);
    checkLength(in, length, maxHeaderLength);
    return in.readBytes(length, EDK_FIELD);
  }

  /** Throws if reading {@code more} bytes would take the header past {@code max}. */
  private static void checkLength(MessageInput in, int more, int max) {
    if ((long) in.recordedLength() + more > max) {
      throw new PolicyViolationException(
          "the message header is longer than the configured maximum of " + max + " bytes; raise"
              + " maxHeaderLength if you expect such messages");
    }
  }

  private static String versionError(int version) {
    String hint = "";
    if (version == 'A') {
      hint = "; it starts with 'A', so it may be Base64 text: decode it first";
    }
    return String.format(
        Locale.ROOT,
        "unknown message format version 0x%02X; expected 0x01 or 0x02 (an AWS Encryption SDK"
            + " message)%s",
        version,
        hint);
  }
}
