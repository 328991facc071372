package dev.envelope.internal.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptionContext;
import dev.envelope.MalformedMessageException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The strict decoder of the serialized encryption context (message-format.md §2.4). */
class EncryptionContextCodecTest {
  private static final HexFormat HEX = HexFormat.of();

  private static EncryptionContext decode(String hex) {
    byte[] b = HEX.parseHex(hex);
    return EncryptionContextCodec.deserialize(b, 0, b.length);
  }

  @Test
  void deserialize_zeroBytes_isEmpty() {
    assertTrue(decode("").isEmpty());
  }

  /** Some old encoders wrote the empty context as a zero pair count. */
  @Test
  void deserialize_legacyZeroPairCount_isEmpty() {
    assertTrue(decode("0000").isEmpty());
  }

  @Test
  void deserialize_zeroPairCountWithTrailingBytes_throwsMalformed() {
    assertThrows(MalformedMessageException.class, () -> decode("000000"));
  }

  @Test
  void deserialize_onePair_readsIt() {
    assertEquals(EncryptionContext.of("a", "b"), decode("0001" + "000161" + "000162"));
  }

  @Test
  void deserialize_duplicateKey_throwsMalformed() {
    assertThrows(
        MalformedMessageException.class, () -> decode("0002" + "000161" + "000162" + "000161" + "000163"));
  }

  /** ESDK-Java rejects empty keys and values when it reads a message; so do we. */
  @Test
  void deserialize_emptyValueOrKey_throwsMalformed() {
    assertThrows(MalformedMessageException.class, () -> decode("0001" + "000161" + "0000"));
    assertThrows(MalformedMessageException.class, () -> decode("0001" + "0000" + "000162"));
  }

  @Test
  void deserialize_invalidUtf8_throwsMalformed() {
    assertThrows(MalformedMessageException.class, () -> decode("0001" + "0001ff" + "000162"));
    // An encoded surrogate (CESU-8 style) is not valid UTF-8.
    assertThrows(MalformedMessageException.class, () -> decode("0001" + "0003eda080" + "000162"));
  }

  @Test
  void deserialize_lengthsPastTheEnd_throwMalformed() {
    assertThrows(MalformedMessageException.class, () -> decode("00"));
    assertThrows(MalformedMessageException.class, () -> decode("0001"));
    assertThrows(MalformedMessageException.class, () -> decode("0001" + "0005616263"));
    assertThrows(MalformedMessageException.class, () -> decode("0002" + "000161" + "000162"));
    assertThrows(MalformedMessageException.class, () -> decode("0001" + "000161" + "000162" + "00"));
  }

  /** The decoder does not insist on sorted input; the stored order is what the tag covers. */
  @Test
  void deserialize_unsortedPairs_givesCanonicalContext() {
    EncryptionContext c = decode("0002" + "000162" + "000131" + "000161" + "000132");
    assertEquals(EncryptionContext.of("a", "2", "b", "1"), c);
    assertArrayEquals(HEX.parseHex("0002" + "000161" + "000132" + "000162" + "000131"), c.toCanonicalBytes());
  }
}
