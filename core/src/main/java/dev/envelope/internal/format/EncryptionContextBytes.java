package dev.envelope.internal.format;

/**
 * The writing half of the encryption context's one serialization (the layout is documented in
 * {@link EncryptionContextCodec}): pairs already sorted by their unsigned key bytes in, bytes out.
 * Apart from the codec so that {@code EncryptionContext}, which caches its canonical bytes, and the
 * codec, which builds contexts when parsing, do not import each other. Knows no Envelope type.
 */
public final class EncryptionContextBytes {
  /** The largest serialization the header's u16 length field can describe. */
  public static final int MAX_SERIALIZED_LENGTH = 0xFFFF;

  private EncryptionContextBytes() {}

  /** Serializes sorted UTF-8 pairs. */
  public static byte[] serialize(byte[][] keys, byte[][] values) {
    if (keys.length == 0) {
      return new byte[0];
    }
    long length = 2;
    for (int i = 0; i < keys.length; i++) {
      length += 4L + keys[i].length + values[i].length;
    }
    if (keys.length > 0xFFFF || length > MAX_SERIALIZED_LENGTH) {
      throw new IllegalArgumentException(
          "the encryption context serializes to " + length + " bytes in " + keys.length
              + " pairs; the message format allows at most " + MAX_SERIALIZED_LENGTH + " bytes");
    }
    byte[] out = new byte[(int) length];
    Bytes.putU16(out, 0, keys.length);
    int off = 2;
    for (int i = 0; i < keys.length; i++) {
      off = putField(out, off, keys[i], "key");
      off = putField(out, off, values[i], "value");
    }
    return out;
  }

  private static int putField(byte[] out, int off, byte[] field, String what) {
    if (field.length > 0xFFFF) {
      throw new IllegalArgumentException("an encryption context " + what + " exceeds 65535 bytes");
    }
    Bytes.putU16(out, off, field.length);
    System.arraycopy(field, 0, out, off + 2, field.length);
    return off + 2 + field.length;
  }
}
