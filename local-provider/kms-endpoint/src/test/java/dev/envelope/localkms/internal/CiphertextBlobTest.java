package dev.envelope.localkms.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CiphertextBlobTest {
  private static final String KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab";
  private static final String MRK_ID = "mrk-0123456789abcdef0123456789abcdef";

  private static byte[] payload(int length) {
    byte[] p = new byte[length];
    Arrays.fill(p, (byte) 7);
    return p;
  }

  private static void assertInvalid(byte[] bytes) {
    KmsException e = assertThrows(KmsException.class, () -> CiphertextBlob.decode(bytes));
    assertEquals("InvalidCiphertextException", e.errorType());
  }

  @Test
  void encodeThenDecode_keepsKeyIdAndPayload() {
    byte[] bytes = CiphertextBlob.encode(KEY_ID, payload(90));
    assertEquals(1 + 1 + 36 + 90, bytes.length);
    CiphertextBlob b = CiphertextBlob.decode(bytes);
    assertEquals(KEY_ID, b.keyId());
    assertArrayEquals(payload(90), b.payload());
  }

  @Test
  void layout_matchesTheDocumentedTable() {
    byte[] bytes = CiphertextBlob.encode(MRK_ID, payload(5));
    ByteBuffer b = ByteBuffer.wrap(bytes);
    assertEquals(0x02, b.get());
    assertEquals(36, b.get());
    byte[] id = new byte[36];
    b.get(id);
    assertEquals(MRK_ID, new String(id, StandardCharsets.US_ASCII));
    byte[] rest = new byte[b.remaining()];
    b.get(rest);
    assertArrayEquals(payload(5), rest);
  }

  @Test
  void payload_isACopy() {
    CiphertextBlob b = CiphertextBlob.decode(CiphertextBlob.encode(KEY_ID, payload(3)));
    b.payload()[0] = 0;
    assertArrayEquals(payload(3), b.payload());
  }

  @Test
  void decode_everyTruncationBeforeThePayload_isInvalidCiphertext() {
    byte[] bytes = CiphertextBlob.encode(KEY_ID, payload(20));
    for (int n = 0; n <= 2 + 36; n++) {
      assertInvalid(Arrays.copyOf(bytes, n));
    }
  }

  @Test
  void decode_badFields_areInvalidCiphertext() {
    byte[] good = CiphertextBlob.encode(KEY_ID, payload(20));
    byte[] format = good.clone();
    format[0] = 1; // the earlier format, whose keys were kept unencrypted
    assertInvalid(format);
    byte[] idLength = good.clone();
    idLength[1] = 0;
    assertInvalid(idLength);
    idLength[1] = (byte) 200;
    assertInvalid(idLength);
    idLength[1] = 37;
    assertInvalid(idLength);
    byte[] idChars = good.clone();
    idChars[2] = 'Z';
    assertInvalid(idChars);
    byte[] pathTrick = CiphertextBlob.encode(KEY_ID, payload(20));
    System.arraycopy("../../etc".getBytes(StandardCharsets.US_ASCII), 0, pathTrick, 2, 9);
    assertInvalid(pathTrick);
    assertInvalid(new byte[CiphertextBlob.MAX_BLOB + 1]);
    assertInvalid(new byte[0]);
  }

  @Test
  void encode_refusesWhatDecodeWouldRefuse() {
    assertThrows(IllegalArgumentException.class, () -> CiphertextBlob.encode("", payload(20)));
    assertThrows(IllegalArgumentException.class, () -> CiphertextBlob.encode(KEY_ID, payload(0)));
    assertThrows(
        IllegalArgumentException.class,
        () -> CiphertextBlob.encode(KEY_ID, payload(CiphertextBlob.MAX_BLOB - 37)));
    assertEquals(
        CiphertextBlob.MAX_BLOB,
        CiphertextBlob.encode(KEY_ID, payload(CiphertextBlob.MAX_BLOB - 38)).length);
  }

  @Test
  void toString_namesKeyButNoBytes() {
    String s = CiphertextBlob.decode(CiphertextBlob.encode(KEY_ID, payload(20))).toString();
    assertEquals("CiphertextBlob{keyId=" + KEY_ID + ", payload=20 bytes}", s);
    assertFalse(s.contains("7, 7"));
  }
}
