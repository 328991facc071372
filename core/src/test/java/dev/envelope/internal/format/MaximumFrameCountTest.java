package dev.envelope.internal.format;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.envelope.MalformedMessageException;
import org.junit.jupiter.api.Test;

/**
 * Regression: a message may hold 2^32 − 1 frames (message-format.md §4.1), so its final frame
 * carries sequence number {@code 0xFFFFFFFF}, and the writer produces such messages. The reader's
 * sequence check rejected that number ("more than 2^32 − 1 frames"), one short of the limit.
 */
class MaximumFrameCountTest {
  @Test
  void checkSequence_finalFrameOfMaximumCount_isAccepted() {
    assertDoesNotThrow(() -> MessageReader.checkSequence(0xFFFFFFFFL, 0xFFFFFFFFL));
    assertDoesNotThrow(() -> MessageReader.checkSequence(0xFFFFFFFEL, 0xFFFFFFFEL));
  }

  @Test
  void checkSequence_unexpectedNumber_throwsMalformed() {
    assertThrows(MalformedMessageException.class, () -> MessageReader.checkSequence(3, 2));
    assertThrows(MalformedMessageException.class, () -> MessageReader.checkSequence(1, 2));
    assertThrows(MalformedMessageException.class, () -> MessageReader.checkSequence(0, 1));
  }

  @Test
  void checkSequence_beyondTheFormatLimit_throwsMalformed() {
    assertThrows(MalformedMessageException.class, () -> MessageReader.checkSequence(0x100000000L, 0x100000000L));
  }
}
