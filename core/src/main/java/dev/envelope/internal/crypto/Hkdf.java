package dev.envelope.internal.crypto;

import java.security.InvalidKeyException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF (RFC 5869) over the JCA's HMAC: extract, then expand. Checked against the RFC's test
 * vectors in {@code HkdfTest}.
 *
 * <p>Uses the calling thread's {@link Mac}; not reentrant within one thread.
 */
public final class Hkdf {
  private Hkdf() {}

  /**
   * HKDF-Extract: {@code PRK = HMAC(salt, ikm)}. A {@code null} or empty salt means {@code
   * HashLen} zero bytes, as the RFC says.
   */
  public static byte[] extract(String macAlgorithm, byte[] salt, byte[] ikm) {
    return extract(Primitives.defaults(), macAlgorithm, salt, ikm);
  }

  /** As {@link #extract(String, byte[], byte[])}, with the HMAC of {@code primitives}. */
  public static byte[] extract(Primitives primitives, String macAlgorithm, byte[] salt, byte[] ikm) {
    Mac mac = primitives.hmac(macAlgorithm);
    byte[] key = salt == null || salt.length == 0 ? new byte[mac.getMacLength()] : salt;
    try {
      mac.init(new SecretKeySpec(key, macAlgorithm));
      return mac.doFinal(ikm);
    } catch (InvalidKeyException e) {
      throw new CryptoBugException("HMAC rejected the HKDF salt", e);
    }
  }

  /**
   * HKDF-Expand: the first {@code length} bytes of {@code T(1) ‖ T(2) ‖ …} where {@code T(i) =
   * HMAC(prk, T(i-1) ‖ info ‖ i)}.
   */
  public static byte[] expand(String macAlgorithm, byte[] prk, byte[] info, int length) {
    return expand(Primitives.defaults(), macAlgorithm, prk, info, length);
  }

  /** As {@link #expand(String, byte[], byte[], int)}, with the HMAC of {@code primitives}. */
  public static byte[] expand(
      Primitives primitives, String macAlgorithm, byte[] prk, byte[] info, int length) {
    Mac mac = primitives.hmac(macAlgorithm);
    try {
      mac.init(new SecretKeySpec(prk, macAlgorithm));
    } catch (InvalidKeyException e) {
      throw new CryptoBugException("HMAC rejected the HKDF pseudorandom key", e);
    }
    return expandWithKeyedMac(mac, info, length);
  }

  /**
   * HKDF-Expand with a MAC already keyed with the PRK, so several expands of one PRK pay for one
   * key setup. The MAC is left keyed and reset.
   */
  public static byte[] expandWithKeyedMac(Mac mac, byte[] info, int length) {
    int hashLength = mac.getMacLength();
    if (length <= 0 || length > 255 * hashLength) {
      throw new IllegalArgumentException("HKDF output length out of range: " + length);
    }
    byte[] out = new byte[length];
    // Mac.doFinal() hands back its own new array; doFinal(out, offset) would allocate it and copy.
    byte[] block = null;
    int produced = 0;
    for (int i = 1; produced < length; i++) {
      if (block != null) {
        mac.update(block);
        Arrays.fill(block, (byte) 0);
      }
      mac.update(info);
      mac.update((byte) i);
      block = mac.doFinal();
      int n = Math.min(hashLength, length - produced);
      System.arraycopy(block, 0, out, produced, n);
      produced += n;
    }
    Arrays.fill(block, (byte) 0);
    return out;
  }
}
