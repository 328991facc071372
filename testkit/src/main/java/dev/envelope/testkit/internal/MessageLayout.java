package dev.envelope.testkit.internal;

import dev.envelope.Envelope;
import dev.envelope.UnauthenticatedHeader;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the parts of a message are, read without verifying anything (spec:
 * data-format/message-body.md), so that tamperings can aim at a part:
 *
 * <pre>
 * header (its length includes its IV and tag)
 * body, framed:      regular frame = 4 sequence number ‖ 12 IV ‖ F ciphertext ‖ 16 tag
 *                    final frame   = 4 FF FF FF FF ‖ 4 sequence number ‖ 12 IV ‖ 4 length n ‖ n ‖ 16 tag
 * body, non-framed:  12 IV ‖ 8 length n ‖ n ciphertext ‖ 16 tag
 * footer (signed suites): 2 signature length ‖ signature
 * </pre>
 */
public final class MessageLayout {
  /** A frame (or the non-framed body): its offset and length in the message. */
  public record Part(int offset, int length) {
    public int end() {
      return offset + length;
    }
  }

  private final int length;
  private final int headerLength;
  private final List<Part> frames;
  private final int footerOffset;

  private MessageLayout(int length, int headerLength, List<Part> frames, int footerOffset) {
    this.length = length;
    this.headerLength = headerLength;
    this.frames = List.copyOf(frames);
    this.footerOffset = footerOffset;
  }

  /**
   * Reads the layout of {@code message}.
   *
   * @throws IllegalArgumentException if the bytes are not a complete message's layout
   */
  public static MessageLayout of(byte[] message) {
    UnauthenticatedHeader header;
    try {
      header = Envelope.inspectUnauthenticated(message);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not an Envelope message: its header does not parse (" + e.getMessage() + ")", e);
    }
    int pos = header.headerLength();
    List<Part> frames = new ArrayList<>();
    if (header.framed()) {
      while (true) {
        long sequence = u32(message, pos);
        if (sequence == 0xFFFFFFFFL) {
          long n = u32(message, pos + 20);
          int len = checkedLength(message, pos, 4 + 4 + 12 + 4 + n + 16);
          frames.add(new Part(pos, len));
          pos += len;
          break;
        }
        int len = checkedLength(message, pos, 4 + 12 + (long) header.frameLength() + 16);
        frames.add(new Part(pos, len));
        pos += len;
      }
    } else {
      long n = u32(message, pos + 12) << 32 | u32(message, pos + 16);
      int len = checkedLength(message, pos, 12 + 8 + n + 16);
      frames.add(new Part(pos, len));
      pos += len;
    }
    return new MessageLayout(message.length, header.headerLength(), frames, pos);
  }

  private static long u32(byte[] b, int pos) {
    if (pos < 0 || pos + 4 > b.length) {
      throw new IllegalArgumentException("not a complete message: it ends inside its body");
    }
    return (b[pos] & 0xFFL) << 24 | (b[pos + 1] & 0xFFL) << 16 | (b[pos + 2] & 0xFFL) << 8 | (b[pos + 3] & 0xFFL);
  }

  private static int checkedLength(byte[] message, int pos, long length) {
    if (length > message.length - (long) pos) {
      throw new IllegalArgumentException("not a complete message: a frame runs past its end");
    }
    return (int) length;
  }

  /** The message length. */
  public int length() {
    return length;
  }

  /** The header length, its authentication tag included. */
  public int headerLength() {
    return headerLength;
  }

  /** The frames in order, the final frame last; for a non-framed message, its one body. */
  public List<Part> frames() {
    return frames;
  }

  /** Where the footer (signature) starts; the message length when there is none. */
  public int footerOffset() {
    return footerOffset;
  }

  /** Which part byte {@code position} is in, e.g. {@code header}, {@code frame 2}, {@code footer}. */
  public String partAt(int position) {
    if (position < headerLength) {
      return "header";
    }
    for (int i = 0; i < frames.size(); i++) {
      if (position < frames.get(i).end()) {
        return frames.size() == 1 && i == 0 && position < footerOffset ? "body" : "frame " + (i + 1);
      }
    }
    return "footer";
  }
}
