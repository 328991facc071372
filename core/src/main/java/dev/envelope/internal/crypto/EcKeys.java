package dev.envelope.internal.crypto;

import dev.envelope.AlgorithmSuite.Signing;
import dev.envelope.MalformedMessageException;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Map;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;

/**
 * ECDSA key pairs for signing suites and the codec of the public key stored in the encryption
 * context under {@code aws-crypto-public-key}: Base64 (standard alphabet, padded) of the SEC 1
 * §2.3.3 compressed point, {@code 02|03 ‖ x} with x left-padded to the field length (33 bytes for
 * P-256, 49 for P-384).
 *
 * <p>Compression needs only the y parity. Decompression solves the curve equation, which the JDK
 * has no API for; Bouncy Castle's curve arithmetic does it and checks that the point is on the
 * curve. Spec: framework/algorithm-suites.md, signature algorithms.
 */
public final class EcKeys {
  private static final Map<Signing, ECParameterSpec> JDK_PARAMS = new EnumMap<>(Signing.class);
  /**
   * Bouncy Castle's specs of the curves: its specialised field arithmetic, and one generator
   * instance per curve, whose precomputed multiples Bouncy Castle keeps between verifications.
   */
  private static final Map<Signing, ECNamedCurveParameterSpec> BC_PARAMS = new EnumMap<>(Signing.class);

  static {
    for (Signing signing : Signing.values()) {
      if (signing == Signing.NONE) {
        continue;
      }
      try {
        AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
        params.init(new ECGenParameterSpec(signing.curveName()));
        JDK_PARAMS.put(signing, params.getParameterSpec(ECParameterSpec.class));
      } catch (GeneralSecurityException e) {
        throw new CryptoBugException("the JDK lacks curve " + signing.curveName(), e);
      }
      BC_PARAMS.put(signing, ECNamedCurveTable.getParameterSpec(signing.curveName()));
    }
  }

  private EcKeys() {}

  /** A fresh key pair on the suite's curve. */
  public static KeyPair generate(Signing signing) {
    try {
      KeyPairGenerator generator = Jca.ecKeyPairGenerator();
      generator.initialize(new ECGenParameterSpec(signing.curveName()), Jca.random());
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new CryptoBugException("cannot generate a " + signing.curveName() + " key pair", e);
    }
  }

  /** The compressed point of {@code key}, Base64-encoded, as stored in the encryption context. */
  public static String encodePublicKey(ECPublicKey key, Signing signing) {
    ECPoint w = key.getW();
    int n = signing.fieldLength();
    byte[] out = new byte[1 + n];
    out[0] = (byte) (w.getAffineY().testBit(0) ? 0x03 : 0x02);
    byte[] x = w.getAffineX().toByteArray();
    int copy = Math.min(x.length, n);
    System.arraycopy(x, x.length - copy, out, 1 + n - copy, copy);
    return Base64.getEncoder().encodeToString(out);
  }

  /**
   * Decodes the context's public key.
   *
   * @throws MalformedMessageException if it is not valid Base64, not a compressed point of the
   *     suite's curve, or not on the curve
   */
  public static ECPublicKey decodePublicKey(String base64, Signing signing) {
    byte[] encoded;
    try {
      encoded = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException(
          "the message's public key (context field aws-crypto-public-key) is not valid Base64");
    }
    int n = signing.fieldLength();
    if (encoded.length != 1 + n || (encoded[0] != 0x02 && encoded[0] != 0x03)) {
      throw new MalformedMessageException(
          "the message's public key is not a compressed " + signing.curveName() + " point ("
              + (1 + n) + " bytes starting 02 or 03)");
    }
    try {
      org.bouncycastle.math.ec.ECPoint point = BC_PARAMS.get(signing).getCurve().decodePoint(encoded);
      if (!point.isValid()) {
        throw new MalformedMessageException("the message's public key is not on " + signing.curveName());
      }
      return Ecdsa.engine() == Ecdsa.Engine.BOUNCY_CASTLE ? bcKey(point, signing) : jdkKey(point, signing);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new MalformedMessageException(
          "the message's public key is not a point on " + signing.curveName());
    } catch (GeneralSecurityException e) {
      throw new CryptoBugException("the JDK rejected a valid " + signing.curveName() + " point", e);
    }
  }

  /**
   * {@code key} in the form {@code provider} verifies fastest: a Bouncy Castle key on its own
   * curve spec when the provider is Bouncy Castle (given a JDK key, it rebuilds the curve for
   * every verification, which measured 2.4 times slower on P-384), else {@code key} itself.
   */
  public static PublicKey forVerifier(PublicKey key, Provider provider) {
    if (!(provider instanceof BouncyCastleProvider)
        || key instanceof org.bouncycastle.jce.interfaces.ECPublicKey
        || !(key instanceof ECPublicKey)) {
      return key;
    }
    ECPublicKey ec = (ECPublicKey) key;
    for (Map.Entry<Signing, ECParameterSpec> e : JDK_PARAMS.entrySet()) {
      if (e.getValue().getCurve().equals(ec.getParams().getCurve())) {
        try {
          ECNamedCurveParameterSpec spec = BC_PARAMS.get(e.getKey());
          org.bouncycastle.math.ec.ECPoint point = spec.getCurve().createPoint(ec.getW().getAffineX(), ec.getW().getAffineY());
          return point.isValid() ? bcKey(point, e.getKey()) : key;
        } catch (IllegalArgumentException | GeneralSecurityException notOnCurve) {
          return key; // let the provider reject it as it would have
        }
      }
    }
    return key;
  }

  private static ECPublicKey bcKey(org.bouncycastle.math.ec.ECPoint point, Signing signing)
      throws GeneralSecurityException {
    KeyFactory factory = KeyFactory.getInstance("EC", Ecdsa.Engine.BOUNCY_CASTLE.provider());
    return (ECPublicKey) factory.generatePublic(new org.bouncycastle.jce.spec.ECPublicKeySpec(point, BC_PARAMS.get(signing)));
  }

  private static ECPublicKey jdkKey(org.bouncycastle.math.ec.ECPoint point, Signing signing)
      throws GeneralSecurityException {
    org.bouncycastle.math.ec.ECPoint affine = point.normalize();
    BigInteger x = affine.getAffineXCoord().toBigInteger();
    BigInteger y = affine.getAffineYCoord().toBigInteger();
    return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(x, y), JDK_PARAMS.get(signing)));
  }
}
