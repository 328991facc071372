package dev.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.testing.Messages;
import dev.envelope.testing.TestKeys;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Canonical encoding and validation of {@link EncryptionContext} (message-format.md §2.4). */
class EncryptionContextTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final String REPLACEMENT = "\uFFFD"; // UTF-8 EF BF BD, UTF-16 FFFD
  private static final String GRINNING = "\uD83D\uDE00"; // U+1F600: UTF-8 F0 9F 98 80, UTF-16 D83D DE00
  private static final String PRIVATE_USE = "\uE000"; // UTF-8 EE 80 80
  private static final String LINEAR_B = "\uD800\uDC00"; // U+10000: UTF-8 F0 90 80 80

  @Test
  void toCanonicalBytes_empty_isZeroBytes() {
    assertEquals(0, EncryptionContext.empty().toCanonicalBytes().length);
    assertEquals(0, EncryptionContext.builder().build().canonicalLength());
  }

  @Test
  void toCanonicalBytes_twoPairs_matchesExampleA() {
    assertArrayEquals(
        HEX.parseHex("0002" + "00046b657931" + "000476616c31" + "00046b657932" + "000476616c32"),
        EncryptionContext.of("key2", "val2", "key1", "val1").toCanonicalBytes());
  }

  /**
   * U+FFFD sorts before U+1F600 by UTF-8 bytes (EF… < F0…) but after it by UTF-16 code units
   * (FFFD > D83D). The format sorts by UTF-8 bytes.
   */
  @Test
  void toCanonicalBytes_utf8AndUtf16OrdersDisagree_sortsByUtf8Bytes() {
    assertTrue(REPLACEMENT.compareTo(GRINNING) > 0, "UTF-16 order puts U+1F600 first");
    EncryptionContext c = EncryptionContext.of(GRINNING, "smile", REPLACEMENT, "replacement");
    assertEquals(List.of(REPLACEMENT, GRINNING), List.copyOf(c.keys()));
    assertArrayEquals(
        HEX.parseHex(
            "0002"
                + "0003efbfbd" + "000b" + hex("replacement")
                + "0004f09f9880" + "0005" + hex("smile")),
        c.toCanonicalBytes());
  }

  @Test
  void keys_mixedPlanes_followUnsignedUtf8Order() {
    EncryptionContext c =
        EncryptionContext.builder()
            .put(LINEAR_B, "1")
            .put("z", "2")
            .put(PRIVATE_USE, "3")
            .put("B", "4")
            .put("a", "5")
            .put("ab", "6")
            .put(GRINNING, "7")
            .build();
    assertEquals(List.of("B", "a", "ab", "z", PRIVATE_USE, LINEAR_B, GRINNING), List.copyOf(c.keys()));
  }

  @Test
  void builder_insertionOrder_doesNotChangeEncodingOrEquality() {
    Map<String, String> forward = new LinkedHashMap<>();
    forward.put("b", "2");
    forward.put(GRINNING, "3");
    forward.put("a", "1");
    forward.put(REPLACEMENT, "4");
    Map<String, String> backward = new LinkedHashMap<>();
    List<String> keys = List.copyOf(forward.keySet());
    for (int i = keys.size() - 1; i >= 0; i--) {
      backward.put(keys.get(i), forward.get(keys.get(i)));
    }
    EncryptionContext a = EncryptionContext.from(forward);
    EncryptionContext b = EncryptionContext.from(backward);
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertArrayEquals(a.toCanonicalBytes(), b.toCanonicalBytes());
  }

  @Test
  void builder_duplicateKey_throwsIllegalArgument() {
    EncryptionContext.Builder builder = EncryptionContext.builder().put("k", "1").put("k", "2");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
    assertTrue(e.getMessage().contains("duplicate"), e.getMessage());
  }

  @Test
  void builder_emptyKeyOrValue_throwsIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> EncryptionContext.of("", "v"));
    assertThrows(IllegalArgumentException.class, () -> EncryptionContext.of("k", ""));
  }

  @Test
  void builder_unpairedSurrogate_throwsIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> EncryptionContext.of("\uD83D", "v"));
    assertThrows(IllegalArgumentException.class, () -> EncryptionContext.of("k", "x\uDE00"));
    assertThrows(IllegalArgumentException.class, () -> EncryptionContext.of("\uDE00\uD83D", "v"));
  }

  @Test
  void toString_showsKeysNotValues() {
    String s = EncryptionContext.of("tenant", "secret-value").toString();
    assertTrue(s.contains("tenant"), s);
    assertFalse(s.contains("secret-value"), s);
  }

  @Test
  void hasReservedKey_awsCryptoPrefix_isTrue() {
    assertTrue(EncryptionContext.of("aws-crypto-anything", "v").hasReservedKey());
    assertFalse(EncryptionContext.of("aws-cryptoX", "v").hasReservedKey());
  }

  @Test
  void encrypt_reservedPrefixKey_throwsIllegalArgument() {
    Envelope envelope = Envelope.builder().keyring(TestKeys.aes256Keyring()).build();
    EncryptionContext reserved = EncryptionContext.of("tenant", "a", "aws-crypto-public-key", "x");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> envelope.encrypt(new byte[1], reserved));
    assertTrue(e.getMessage().contains("aws-crypto-"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> envelope.encrypt(new byte[1], EncryptionContext.of("aws-crypto-other", "x")));
    assertThrows(
        IllegalArgumentException.class,
        () -> envelope.encryptingStream(new ByteArrayOutputStream(), reserved));
  }

  @Test
  void encrypt_nonAsciiContext_isStoredAndReturned() {
    Envelope envelope = Messages.envelope(TestKeys.aes256Keyring(), AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY, 64);
    EncryptionContext context = EncryptionContext.of(GRINNING, "😀", REPLACEMENT, "ü", "ключ", "значение");
    byte[] message = envelope.encrypt(new byte[3], context);
    assertEquals(context, Envelope.inspectUnauthenticated(message).storedContext());
    assertEquals(context, envelope.decrypt(message, context).encryptionContext());
  }

  private static String hex(String ascii) {
    return HEX.formatHex(ascii.getBytes(StandardCharsets.UTF_8));
  }
}
