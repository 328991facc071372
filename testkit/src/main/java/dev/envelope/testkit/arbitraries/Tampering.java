package dev.envelope.testkit.arbitraries;

import dev.envelope.testkit.internal.MessageLayout;
import java.util.Arrays;
import java.util.Objects;

/**
 * One change to a message that must make decryption fail: a bit flip, a truncation, appended
 * bytes, two frames swapped or a header byte edited. {@link EnvelopeArbitraries#tamperings(byte[])}
 * generates the tamperings that fit a given message.
 *
 * <p>A tampering always changes the message: {@link #apply} returns bytes that differ from its
 * input, or throws if the tampering does not fit it (a position past its end, frames it does not
 * have). Immutable; {@link #toString()} says what changed where, never the message's bytes.
 */
public final class Tampering {
  /** What a tampering does. */
  public enum Kind {
    /** Flips one bit anywhere in the message. */
    BIT_FLIP,
    /** Cuts the message short (to any length from 0 to one byte less). */
    TRUNCATION,
    /** Appends 1 or more bytes after the end of the message. */
    APPENDED_BYTES,
    /** Exchanges two frames (each with its own sequence number, so they always differ). */
    SWAPPED_FRAMES,
    /** XORs one byte of the header (suite id, message id, context, data keys, header tag...) with a non-zero mask. */
    HEADER_EDIT
  }

  private final Kind kind;
  private final int first;
  private final int second;
  private final byte[] bytes;

  private Tampering(Kind kind, int first, int second, byte[] bytes) {
    this.kind = kind;
    this.first = first;
    this.second = second;
    this.bytes = bytes;
  }

  /** Flips bit {@code bit} of the message (0 is the most significant bit of byte 0). */
  public static Tampering bitFlip(int bit) {
    requireNonNegative(bit, "bit");
    return new Tampering(Kind.BIT_FLIP, bit, 0, null);
  }

  /** Keeps the first {@code length} bytes of the message, which must be longer. */
  public static Tampering truncation(int length) {
    requireNonNegative(length, "length");
    return new Tampering(Kind.TRUNCATION, length, 0, null);
  }

  /** Appends {@code extra} (at least one byte). */
  public static Tampering appendedBytes(byte[] extra) {
    Objects.requireNonNull(extra, "extra");
    if (extra.length == 0) {
      throw new IllegalArgumentException("appending no bytes would not change the message");
    }
    return new Tampering(Kind.APPENDED_BYTES, extra.length, 0, extra.clone());
  }

  /** Exchanges frames {@code first} and {@code second} (0-based, the final frame included). */
  public static Tampering swappedFrames(int first, int second) {
    requireNonNegative(first, "first");
    requireNonNegative(second, "second");
    if (first == second) {
      throw new IllegalArgumentException("swapping frame " + first + " with itself would not change the message");
    }
    return new Tampering(Kind.SWAPPED_FRAMES, Math.min(first, second), Math.max(first, second), null);
  }

  /** XORs header byte {@code position} with {@code mask} (not zero). */
  public static Tampering headerEdit(int position, byte mask) {
    requireNonNegative(position, "position");
    if (mask == 0) {
      throw new IllegalArgumentException("a zero mask would not change the header");
    }
    return new Tampering(Kind.HEADER_EDIT, position, mask & 0xFF, null);
  }

  public Kind kind() {
    return kind;
  }

  /**
   * A tampered copy of {@code message}; never equal to it.
   *
   * @throws IllegalArgumentException if this tampering does not fit the message (a position past
   *     its end, a frame it does not have, a header byte past its header)
   */
  public byte[] apply(byte[] message) {
    Objects.requireNonNull(message, "message");
    byte[] result = switch (kind) {
      case BIT_FLIP -> {
        if (first >= message.length * 8L) {
          throw new IllegalArgumentException("bit " + first + " is past the end of a " + message.length + "-byte message");
        }
        byte[] copy = message.clone();
        copy[first / 8] ^= (byte) (0x80 >>> (first % 8));
        yield copy;
      }
      case TRUNCATION -> {
        if (first >= message.length) {
          throw new IllegalArgumentException("cannot truncate a " + message.length + "-byte message to " + first + " bytes");
        }
        yield Arrays.copyOf(message, first);
      }
      case APPENDED_BYTES -> {
        byte[] copy = Arrays.copyOf(message, message.length + bytes.length);
        System.arraycopy(bytes, 0, copy, message.length, bytes.length);
        yield copy;
      }
      case SWAPPED_FRAMES -> swapFrames(message);
      case HEADER_EDIT -> {
        int headerLength = MessageLayout.of(message).headerLength();
        if (first >= headerLength) {
          throw new IllegalArgumentException("byte " + first + " is past the " + headerLength + "-byte header");
        }
        byte[] copy = message.clone();
        copy[first] ^= (byte) second;
        yield copy;
      }
    };
    if (Arrays.equals(result, message)) {
      throw new IllegalStateException(this + " left the message unchanged, a bug in the test kit");
    }
    return result;
  }

  private byte[] swapFrames(byte[] message) {
    MessageLayout layout = MessageLayout.of(message);
    if (second >= layout.frames().size()) {
      throw new IllegalArgumentException("cannot swap frames " + (first + 1) + " and " + (second + 1) + " of a message with "
          + layout.frames().size() + (layout.frames().size() == 1 ? " frame" : " frames"));
    }
    MessageLayout.Part a = layout.frames().get(first);
    MessageLayout.Part b = layout.frames().get(second);
    byte[] copy = new byte[message.length];
    int pos = 0;
    System.arraycopy(message, 0, copy, pos, a.offset());
    pos += a.offset();
    System.arraycopy(message, b.offset(), copy, pos, b.length());
    pos += b.length();
    System.arraycopy(message, a.end(), copy, pos, b.offset() - a.end());
    pos += b.offset() - a.end();
    System.arraycopy(message, a.offset(), copy, pos, a.length());
    pos += a.length();
    System.arraycopy(message, b.end(), copy, pos, message.length - b.end());
    return copy;
  }

  private static void requireNonNegative(int value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " cannot be negative: " + value);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tampering t && t.kind == kind && t.first == first && t.second == second
        && Arrays.equals(t.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, first, second, Arrays.hashCode(bytes));
  }

  @Override
  public String toString() {
    return switch (kind) {
      case BIT_FLIP -> "flip bit " + first + " (byte " + first / 8 + ")";
      case TRUNCATION -> "truncate to " + first + " bytes";
      case APPENDED_BYTES -> "append " + first + (first == 1 ? " byte" : " bytes");
      case SWAPPED_FRAMES -> "swap frames " + (first + 1) + " and " + (second + 1);
      case HEADER_EDIT -> "edit header byte " + first + " (xor 0x" + String.format("%02x", second) + ")";
    };
  }
}
