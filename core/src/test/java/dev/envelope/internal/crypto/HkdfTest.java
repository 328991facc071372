package dev.envelope.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** HKDF against the SHA-256 test cases of RFC 5869, Appendix A. */
class HkdfTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] range(int from, int toExclusive) {
    byte[] b = new byte[toExclusive - from];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (from + i);
    }
    return b;
  }

  private static byte[] repeat(int value, int n) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, (byte) value);
    return b;
  }

  /** RFC 5869 A.1: basic test case with SHA-256. */
  @Test
  void extractExpand_rfc5869Case1_matchesPrkAndOkm() {
    byte[] prk = Hkdf.extract("HmacSHA256", range(0x00, 0x0d), repeat(0x0b, 22));
    assertArrayEquals(HEX.parseHex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5"), prk);
    assertArrayEquals(
        HEX.parseHex(
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"),
        Hkdf.expand("HmacSHA256", prk, range(0xf0, 0xfa), 42));
  }

  /** RFC 5869 A.2: longer inputs and outputs (82 bytes = 3 HMAC blocks). */
  @Test
  void extractExpand_rfc5869Case2LongInputs_matchesPrkAndOkm() {
    byte[] prk = Hkdf.extract("HmacSHA256", range(0x60, 0xb0), range(0x00, 0x50));
    assertArrayEquals(HEX.parseHex("06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244"), prk);
    assertArrayEquals(
        HEX.parseHex(
            "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
                + "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
                + "cc30c58179ec3e87c14c01d5c1f3434f1d87"),
        Hkdf.expand("HmacSHA256", prk, range(0xb0, 0x100), 82));
  }

  /** RFC 5869 A.3: zero-length salt and info; an empty salt means HashLen zero bytes. */
  @Test
  void extractExpand_rfc5869Case3EmptySaltAndInfo_matchesPrkAndOkm() {
    byte[] expectedPrk = HEX.parseHex("19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04");
    assertArrayEquals(expectedPrk, Hkdf.extract("HmacSHA256", new byte[0], repeat(0x0b, 22)));
    assertArrayEquals(expectedPrk, Hkdf.extract("HmacSHA256", null, repeat(0x0b, 22)));
    assertArrayEquals(expectedPrk, Hkdf.extract("HmacSHA256", new byte[32], repeat(0x0b, 22)));
    assertArrayEquals(
        HEX.parseHex(
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"),
        Hkdf.expand("HmacSHA256", expectedPrk, new byte[0], 42));
  }

  /** message-format.md example A: salt absent, 32 zero bytes of key material. */
  @Test
  void extract_absentSaltZeroKey_matchesExampleAPrk() {
    assertArrayEquals(
        HEX.parseHex("33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a"),
        Hkdf.extract("HmacSHA256", null, new byte[32]));
  }

  /** A keyed-MAC expand gives the same bytes as a plain expand, and can run twice on one key. */
  @Test
  void expandWithKeyedMac_twice_equalsPlainExpand() throws Exception {
    byte[] prk = Hkdf.extract("HmacSHA256", range(0x00, 0x0d), repeat(0x0b, 22));
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(prk, "HmacSHA256"));
    byte[] expected = Hkdf.expand("HmacSHA256", prk, range(0xf0, 0xfa), 42);
    assertArrayEquals(expected, Hkdf.expandWithKeyedMac(mac, range(0xf0, 0xfa), 42));
    assertArrayEquals(expected, Hkdf.expandWithKeyedMac(mac, range(0xf0, 0xfa), 42));
  }

  @Test
  void expand_lengthOutOfRange_throwsIllegalArgument() {
    byte[] prk = new byte[32];
    assertThrows(IllegalArgumentException.class, () -> Hkdf.expand("HmacSHA256", prk, new byte[0], 0));
    assertThrows(IllegalArgumentException.class, () -> Hkdf.expand("HmacSHA256", prk, new byte[0], 255 * 32 + 1));
    assertArrayEquals(
        Hkdf.expand("HmacSHA256", prk, new byte[0], 255 * 32),
        Hkdf.expand("HmacSHA256", prk, new byte[0], 255 * 32));
  }
}
