package dev.envelope.internal.format;

import dev.envelope.EncryptionContext;
import dev.envelope.MalformedMessageException;

/**
 * The one serialization of an encryption context (spec: data-format/message-header.md, AAD;
 * structures.md, encryption context). Used in the header, the header-auth AAD suffix, raw AES key
 * wrapping and cache identifiers.
 *
 * <pre>
 * empty context:      (zero bytes)
 * otherwise:          u16 count, then count × (u16 keyLen, key UTF-8, u16 valueLen, value UTF-8)
 *                     sorted by the unsigned bytes of the keys
 * </pre>
 *
 * <p>{@link EncryptionContextBytes} writes it; this class reads it. The decoder is strict: no
 * duplicate keys, no empty keys or values, valid UTF-8, every byte accounted for. It accepts the
 * legacy empty form {@code 00 00} (a zero pair count) written by some old encoders; writers never
 * produce it.
 */
public final class EncryptionContextCodec {
  /** The largest serialization the header's u16 length field can describe. */
  public static final int MAX_SERIALIZED_LENGTH = EncryptionContextBytes.MAX_SERIALIZED_LENGTH;

  private EncryptionContextCodec() {}

  /**
   * Parses {@code length} bytes at {@code offset}.
   *
   * @throws MalformedMessageException if the bytes are not a valid serialization
   */
  public static EncryptionContext deserialize(byte[] data, int offset, int length) {
    if (length == 0) {
      return EncryptionContext.empty();
    }
    int end = offset + length;
    if (length < 2) {
      throw malformed("its length is " + length + " bytes, too short for a pair count");
    }
    int count = Bytes.getU16(data, offset);
    int off = offset + 2;
    if (count == 0) {
      if (length != 2) {
        throw malformed("it has a pair count of zero followed by " + (length - 2) + " bytes");
      }
      return EncryptionContext.empty();
    }
    EncryptionContext.Builder builder = EncryptionContext.builder();
    for (int i = 0; i < count; i++) {
      String key = readString(data, off, end, "key", i + 1);
      off += 2 + Bytes.getU16(data, off);
      String value = readString(data, off, end, "value", i + 1);
      off += 2 + Bytes.getU16(data, off);
      try {
        builder.put(key, value);
      } catch (IllegalArgumentException e) {
        throw malformed("pair " + (i + 1) + " is invalid (an empty key or value)");
      }
    }
    if (off != end) {
      throw malformed((end - off) + " bytes follow the last of its " + count + " pairs");
    }
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw malformed("it holds the same key twice");
    }
  }

  /** Reads one length-prefixed string; the description ({@code kind number}) is built only on error. */
  private static String readString(byte[] data, int off, int end, String kind, int number) {
    if (end - off < 2) {
      throw malformed("it ends inside the length of " + kind + " " + number);
    }
    int len = Bytes.getU16(data, off);
    if (end - off - 2 < len) {
      throw malformed("the length of " + kind + " " + number + " runs past its end");
    }
    return Utf8.decode(data, off + 2, len, () -> "encryption context " + kind + " " + number);
  }

  private static MalformedMessageException malformed(String detail) {
    return new MalformedMessageException("the encryption context in the header is malformed: " + detail);
  }
}
