package dev.envelope.internal.format;

/** Big-endian integer access to byte arrays. All message integers are unsigned big-endian. */
final class Bytes {
  private Bytes() {}

  static void putU16(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 8);
    b[off + 1] = (byte) v;
  }

  static void putU32(byte[] b, int off, long v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }

  static void putU64(byte[] b, int off, long v) {
    putU32(b, off, v >>> 32);
    putU32(b, off + 4, v);
  }

  static int getU16(byte[] b, int off) {
    return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
  }

  static long getU32(byte[] b, int off) {
    return ((long) getU16(b, off) << 16) | getU16(b, off + 2);
  }

  static long getU64(byte[] b, int off) {
    return (getU32(b, off) << 32) | getU32(b, off + 4);
  }
}
