package dev.envelope.internal.crypto;

import java.io.IOException;
import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;

/**
 * Makes a DER-encoded ECDSA signature one byte shorter than the longest possible, so that a
 * message can be written into an array of its exact final size (no trailing copy to trim it).
 *
 * <p>A DER signature's length is 6 + the lengths of r and s, each one byte longer when its top bit
 * is set. r comes from the signing, but s can be replaced by n − s (n the curve's order): (r, s)
 * and (r, n − s) are both valid signatures of the same message under the same key, which every
 * ECDSA verifier accepts (the ESDK writes fixed-length signatures the same way). Choosing s or
 * n − s so that exactly one of r and s has its top bit set gives the target length {@code
 * max - 1} (103 bytes for P-384, 71 for P-256) unless r is unusually short (about 1 in 256
 * signatures), when the signature is returned unchanged and the caller sizes for it. No secret is
 * involved: r, s and n are all public once the signature is.
 */
public final class SignatureLength {
  private SignatureLength() {}

  /**
   * Returns {@code der}, or the same signature with s replaced by n − s, whichever is {@code
   * target} bytes long; {@code der} if neither is, or if the key's curve order is not known.
   */
  public static byte[] fit(byte[] der, PrivateKey key, int target) {
    if (der.length == target || !(key instanceof ECPrivateKey)) {
      return der;
    }
    BigInteger order = ((ECPrivateKey) key).getParams().getOrder();
    try {
      ASN1Sequence seq = ASN1Sequence.getInstance(der);
      BigInteger r = ASN1Integer.getInstance(seq.getObjectAt(0)).getValue();
      BigInteger s = ASN1Integer.getInstance(seq.getObjectAt(1)).getValue();
      byte[] flipped =
          new DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {
            new ASN1Integer(r), new ASN1Integer(order.subtract(s))
          }).getEncoded();
      return flipped.length == target ? flipped : der;
    } catch (IOException | RuntimeException e) {
      throw new CryptoBugException("the signer returned a signature that is not DER (r, s)", e);
    }
  }
}
