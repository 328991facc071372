package dev.envelope.internal.format;

import dev.envelope.MalformedMessageException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

final class Utf8 {
  private Utf8() {}

  /** Strict UTF-8 decoding: malformed input is a malformed message, never a replacement char. */
  static String decode(byte[] bytes, String what) {
    return decode(bytes, 0, bytes.length, () -> what);
  }

  /**
   * Strict UTF-8 decoding; {@code what} names the field for the error message and is only
   * evaluated when the bytes are malformed (this runs for every context string of every message).
   */
  static String decode(byte[] bytes, int offset, int length, Supplier<String> what) {
    // Fast path: the JDK's decoder replaces malformed input with U+FFFD, so a result without one
    // came from well-formed input. Only a result containing U+FFFD needs the strict decoder.
    String fast = new String(bytes, offset, length, StandardCharsets.UTF_8);
    if (fast.indexOf('\uFFFD') < 0) {
      return fast;
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, offset, length))
          .toString();
    } catch (CharacterCodingException e) {
      throw new MalformedMessageException(what.get() + " is not valid UTF-8");
    }
  }
}
