package dev.envelope.local.kms.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CiphertextBlobTest {
  private static final String KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab";

  private static byte[] blob(String keyId, int version, int nonceLength, int ciphertextLength) {
    return CiphertextBlob.encode(
        keyId, new KmsBackend.Sealed(version, new byte[nonceLength], new byte[ciphertextLength]));
  }

  private static void assertInvalid(byte[] bytes) {
    KmsException e = assertThrows(KmsException.class, () -> CiphertextBlob.decode(bytes));
    assertEquals("InvalidCiphertextException", e.errorType());
  }

  @Test
  void encodeThenDecode_keepsEveryField() {
    byte[] nonce = HexFormat.of().parseHex("000102030405060708090a0b");
    byte[] ct = new byte[40];
    Arrays.fill(ct, (byte) 7);
    byte[] bytes = CiphertextBlob.encode(KEY_ID, new KmsBackend.Sealed(3, nonce, ct));
    assertEquals(1 + 1 + 36 + 4 + 1 + 12 + 40, bytes.length);
    CiphertextBlob b = CiphertextBlob.decode(bytes);
    assertEquals(KEY_ID, b.keyId());
    assertEquals(3, b.keyVersion());
    assertArrayEquals(nonce, b.nonce());
    assertArrayEquals(ct, b.ciphertext());
  }

  @Test
  void layout_matchesTheDocumentedTable() {
    byte[] bytes = blob("mrk-0123456789abcdef0123456789abcdef", 0x01020304, 12, 17);
    ByteBuffer b = ByteBuffer.wrap(bytes);
    assertEquals(0x01, b.get());
    assertEquals(36, b.get());
    byte[] id = new byte[36];
    b.get(id);
    assertEquals("mrk-0123456789abcdef0123456789abcdef", new String(id, StandardCharsets.US_ASCII));
    assertEquals(0x01020304, b.getInt());
    assertEquals(12, b.get());
  }

  @Test
  void decode_everyTruncation_isInvalidCiphertext() {
    byte[] bytes = blob(KEY_ID, 1, 12, 20);
    for (int n = 0; n < bytes.length; n++) {
      if (n < 7 + 36 + 12 + 16) {
        assertInvalid(Arrays.copyOf(bytes, n));
      }
    }
  }

  @Test
  void decode_badFields_areInvalidCiphertext() {
    byte[] good = blob(KEY_ID, 1, 12, 20);
    byte[] version = good.clone();
    version[0] = 2;
    assertInvalid(version);
    byte[] idLength = good.clone();
    idLength[1] = 0;
    assertInvalid(idLength);
    idLength[1] = (byte) 200;
    assertInvalid(idLength);
    byte[] idChars = good.clone();
    idChars[2] = 'Z';
    assertInvalid(idChars);
    byte[] keyVersion = good.clone();
    keyVersion[2 + 36] = (byte) 0x80; // negative as a signed int
    assertInvalid(keyVersion);
    byte[] zeroVersion = blob(KEY_ID, 1, 12, 20);
    zeroVersion[2 + 36 + 3] = 0;
    assertInvalid(zeroVersion);
    byte[] nonceLength = good.clone();
    nonceLength[2 + 36 + 4] = 0;
    assertInvalid(nonceLength);
    nonceLength[2 + 36 + 4] = (byte) 255;
    assertInvalid(nonceLength);
    assertInvalid(new byte[6145]);
    assertInvalid(new byte[0]);
  }

  @Test
  void encode_refusesWhatDecodeWouldRefuse() {
    assertThrows(IllegalArgumentException.class, () -> blob("", 1, 12, 20));
    assertThrows(IllegalArgumentException.class, () -> blob(KEY_ID, 1, 33, 20));
    assertThrows(IllegalArgumentException.class, () -> blob(KEY_ID, 1, 12, 6144));
  }

  @Test
  void canonicalContext_ignoresInsertionOrder_andSortsByUtf8Bytes() {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("z", "1");
    a.put("é", "2");
    a.put("a", "3");
    Map<String, String> b = new LinkedHashMap<>();
    b.put("a", "3");
    b.put("é", "2");
    b.put("z", "1");
    byte[] encoded = CiphertextBlob.canonicalContext(a);
    assertArrayEquals(encoded, CiphertextBlob.canonicalContext(b));
    assertEquals(
        "0003" + "0001" + "61" + "0001" + "33" + "0001" + "7a" + "0001" + "31" + "0002" + "c3a9"
            + "0001" + "32",
        HexFormat.of().formatHex(encoded));
    assertEquals("0000", HexFormat.of().formatHex(CiphertextBlob.canonicalContext(Map.of())));
  }

  @Test
  void canonicalContext_isUnambiguous() {
    assertFalse(
        Arrays.equals(
            CiphertextBlob.canonicalContext(Map.of("a", "bc")),
            CiphertextBlob.canonicalContext(Map.of("ab", "c"))));
    assertFalse(
        Arrays.equals(
            CiphertextBlob.aad(KEY_ID, Map.of()),
            CiphertextBlob.aad("1234abcd-12ab-34cd-56ef-1234567890ac", Map.of())));
  }

  @Test
  void canonicalContext_valueOver65535Bytes_failsValidation() {
    KmsException e =
        assertThrows(
            KmsException.class,
            () -> CiphertextBlob.canonicalContext(Map.of("k", "x".repeat(65536))));
    assertEquals("ValidationException", e.errorType());
  }
}
