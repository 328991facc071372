package dev.envelope.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.AlgorithmSuite.Signing;
import dev.envelope.MalformedMessageException;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.util.Base64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The {@code aws-crypto-public-key} codec: Base64 of a SEC 1 compressed point (algorithm-suites.md
 * §5.1). Decoding untrusted values fails only as a malformed message.
 */
class EcKeysTest {
  @ParameterizedTest
  @EnumSource(value = Signing.class, names = {"ECDSA_P256_SHA256", "ECDSA_P384_SHA384"})
  void forVerifier_jdkKeyForBouncyCastle_becomesABouncyCastleKeyThatVerifiesTheSameSignatures(Signing signing)
      throws Exception {
    java.security.KeyPairGenerator jdk = java.security.KeyPairGenerator.getInstance("EC", "SunEC");
    jdk.initialize(new ECGenParameterSpec(signing.curveName()));
    java.security.KeyPair pair = jdk.generateKeyPair();
    java.security.Signature signer = java.security.Signature.getInstance(signing.signatureAlgorithm(), "SunEC");
    signer.initSign(pair.getPrivate());
    byte[] message = "header and body".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    signer.update(message);
    byte[] signature = signer.sign();

    java.security.Provider bc = Ecdsa.Engine.BOUNCY_CASTLE.provider();
    java.security.PublicKey converted = EcKeys.forVerifier(pair.getPublic(), bc);
    assertTrue(converted instanceof org.bouncycastle.jce.interfaces.ECPublicKey, converted.getClass().getName());
    assertEquals(((ECPublicKey) pair.getPublic()).getW(), ((ECPublicKey) converted).getW());
    java.security.Signature verifier = java.security.Signature.getInstance(signing.signatureAlgorithm(), bc);
    verifier.initVerify(converted);
    verifier.update(message);
    assertTrue(verifier.verify(signature));
    message[0] ^= 1;
    verifier.initVerify(converted);
    verifier.update(message);
    assertTrue(!verifier.verify(signature), "a changed message must not verify");

    java.security.Provider sunEc = java.security.Security.getProvider("SunEC");
    org.junit.jupiter.api.Assertions.assertSame(pair.getPublic(), EcKeys.forVerifier(pair.getPublic(), sunEc));
    org.junit.jupiter.api.Assertions.assertSame(converted, EcKeys.forVerifier(converted, bc));
  }

  @ParameterizedTest
  @EnumSource(value = Signing.class, names = {"ECDSA_P256_SHA256", "ECDSA_P384_SHA384"})
  void encodeDecode_freshKeys_roundTripWithFixedWidth(Signing signing) {
    for (int i = 0; i < 20; i++) {
      ECPublicKey key = (ECPublicKey) EcKeys.generate(signing).getPublic();
      String encoded = EcKeys.encodePublicKey(key, signing);
      byte[] raw = Base64.getDecoder().decode(encoded);
      assertEquals(1 + signing.fieldLength(), raw.length);
      assertTrue(raw[0] == 2 || raw[0] == 3);
      assertEquals(raw[0] == 3, key.getW().getAffineY().testBit(0), "prefix carries the y parity");
      assertEquals(key.getW(), EcKeys.decodePublicKey(encoded, signing).getW());
    }
  }

  @ParameterizedTest
  @EnumSource(value = Signing.class, names = {"ECDSA_P256_SHA256", "ECDSA_P384_SHA384"})
  void decode_xNotOnCurve_throwsMalformed(Signing signing) throws Exception {
    AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
    parameters.init(new ECGenParameterSpec(signing.curveName()));
    ECParameterSpec curve = parameters.getParameterSpec(ECParameterSpec.class);
    BigInteger p = ((ECFieldFp) curve.getCurve().getField()).getP();
    BigInteger a = curve.getCurve().getA();
    BigInteger b = curve.getCurve().getB();
    // The smallest x for which x^3 + ax + b is not a square mod p (Euler's criterion).
    BigInteger x = BigInteger.ONE;
    while (x.pow(3).add(a.multiply(x)).add(b).mod(p).modPow(p.subtract(BigInteger.ONE).shiftRight(1), p).equals(BigInteger.ONE)) {
      x = x.add(BigInteger.ONE);
    }
    String notOnCurve = point(signing, 2, x);
    assertThrows(MalformedMessageException.class, () -> EcKeys.decodePublicKey(notOnCurve, signing));
    // x = p is out of the field.
    assertThrows(MalformedMessageException.class, () -> EcKeys.decodePublicKey(point(signing, 3, p), signing));
  }

  @ParameterizedTest
  @EnumSource(value = Signing.class, names = {"ECDSA_P256_SHA256", "ECDSA_P384_SHA384"})
  void decode_wrongShapes_throwMalformed(Signing signing) {
    ECPublicKey key = (ECPublicKey) EcKeys.generate(signing).getPublic();
    byte[] raw = Base64.getDecoder().decode(EcKeys.encodePublicKey(key, signing));
    byte[] uncompressedPrefix = raw.clone();
    uncompressedPrefix[0] = 4;
    assertThrows(MalformedMessageException.class, () -> decode(uncompressedPrefix, signing));
    assertThrows(MalformedMessageException.class, () -> decode(java.util.Arrays.copyOf(raw, raw.length - 1), signing));
    assertThrows(MalformedMessageException.class, () -> decode(java.util.Arrays.copyOf(raw, raw.length + 1), signing));
    assertThrows(MalformedMessageException.class, () -> EcKeys.decodePublicKey("not base64!", signing));
    assertThrows(MalformedMessageException.class, () -> EcKeys.decodePublicKey("", signing));
  }

  private static ECPublicKey decode(byte[] raw, Signing signing) {
    return EcKeys.decodePublicKey(Base64.getEncoder().encodeToString(raw), signing);
  }

  private static String point(Signing signing, int prefix, BigInteger x) {
    byte[] raw = new byte[1 + signing.fieldLength()];
    raw[0] = (byte) prefix;
    byte[] xb = x.toByteArray();
    int n = Math.min(xb.length, signing.fieldLength());
    System.arraycopy(xb, xb.length - n, raw, raw.length - n, n);
    return Base64.getEncoder().encodeToString(raw);
  }
}
