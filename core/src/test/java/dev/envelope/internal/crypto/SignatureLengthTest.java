package dev.envelope.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Fitting a DER ECDSA signature to one byte under the longest: the result is still a valid
 * signature (for the JDK and for Bouncy Castle), almost always of the target length, and otherwise
 * the signature as it was.
 */
class SignatureLengthTest {
  private static final Provider BC = new BouncyCastleProvider();
  private static final byte[] MESSAGE = "a header and a body".getBytes(StandardCharsets.UTF_8);

  @ParameterizedTest
  @CsvSource({"secp384r1, SHA384withECDSA, 103", "secp256r1, SHA256withECDSA, 71"})
  void fit_manySignatures_verifyEverywhere_andAlmostAllHaveTheTargetLength(
      String curve, String algorithm, int target) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BC);
    g.initialize(new ECGenParameterSpec(curve));
    KeyPair pair = g.generateKeyPair();
    Signature jdk = Signature.getInstance(algorithm);
    Signature bc = Signature.getInstance(algorithm, BC);
    int fitted = 0;
    int changed = 0;
    int tries = 400;
    for (int i = 0; i < tries; i++) {
      bc.initSign(pair.getPrivate());
      bc.update(MESSAGE);
      byte[] der = bc.sign();
      byte[] out = SignatureLength.fit(der, pair.getPrivate(), target);
      if (out.length == target) {
        fitted++;
      } else {
        assertSame(der, out, "a signature that cannot be fitted is returned as it was");
      }
      if (out != der) {
        changed++;
      }
      for (Signature verifier : new Signature[] {jdk, bc}) {
        verifier.initVerify(pair.getPublic());
        verifier.update(MESSAGE);
        assertTrue(verifier.verify(out), "the fitted signature verifies with " + verifier.getProvider());
      }
    }
    assertTrue(fitted >= tries * 97 / 100, fitted + " of " + tries + " fitted");
    assertTrue(changed > 0 && changed < tries, "about half need s replaced by n - s: " + changed);
  }

  @Test
  void fit_signatureAlreadyOfTargetLength_isReturnedAsIs() throws Exception {
    byte[] der = new byte[71];
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BC);
    g.initialize(new ECGenParameterSpec("secp256r1"));
    assertSame(der, SignatureLength.fit(der, g.generateKeyPair().getPrivate(), 71));
  }

  @Test
  void fit_notAnEcKey_returnsTheSignatureUnchanged() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    byte[] der = {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01};
    assertArrayEquals(der, SignatureLength.fit(der, g.generateKeyPair().getPrivate(), 71));
  }

  @Test
  void fit_notDer_isACryptoBug() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BC);
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = g.generateKeyPair();
    assertThrows(CryptoBugException.class, () -> SignatureLength.fit(new byte[] {1, 2, 3}, pair.getPrivate(), 71));
  }
}
