package dev.envelope.keyring;

import dev.envelope.KeyProviderException;
import dev.envelope.internal.crypto.Jca;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPrivateKey;
import java.util.Arrays;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.AsymmetricBlockCipher;
import org.bouncycastle.crypto.CipherParameters;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.encodings.PKCS1Encoding;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;

/**
 * Unwraps RSAES-PKCS1-v1_5 data keys with <em>implicit rejection</em>, so that no caller can
 * learn whether a ciphertext's padding was conformant (the Bleichenbacher oracle).
 *
 * <p>The private-key operation is raw RSA in the JCA ({@code RSA/ECB/NoPadding}, in the key's
 * provider, e.g. a PKCS#11 token); the padding is checked by Bouncy Castle's {@link PKCS1Encoding}
 * with a fallback, which decodes in constant time and returns either the encoded data key or the
 * fallback, never an error. The fallback is a deterministic pseudorandom data key of the same
 * length:
 *
 * <pre>
 * kdk      = HMAC-SHA256(key = private exponent d, "envelope/pkcs1-implicit-rejection/v1")
 *            (a random 32 bytes per keyring when the key's exponent cannot be read, as in a token)
 * fallback = first L bytes of HMAC-SHA256(kdk, u8 L ‖ ciphertext),  L = the suite's data key length
 * </pre>
 *
 * so the same ciphertext always unwraps to the same key, and a padding failure, a wrong length
 * and a wrong key all end the same way: the message's key commitment or header tag fails. Every
 * unwrap computes the fallback, so both outcomes cost the same work. A ciphertext that is not the
 * modulus length, or not below the modulus, is rejected the same way (both are public facts).
 *
 * <p>Thread-safe: every unwrap gets its own cipher.
 */
final class Pkcs1Unwrapper {
  private static final byte[] KDK_LABEL =
      "envelope/pkcs1-implicit-rejection/v1".getBytes(StandardCharsets.US_ASCII);

  private final PrivateKey privateKey;
  private final Provider provider;
  private final int modulusBytes;
  private final SecretKeySpec kdk;

  /**
   * @param publicKey the matching public key, or null; used only to learn the modulus length
   *     when the private key does not tell it
   */
  Pkcs1Unwrapper(PrivateKey privateKey, PublicKey publicKey, Provider provider) {
    this.privateKey = privateKey;
    this.provider = provider;
    this.modulusBytes = modulusBytes(privateKey, publicKey);
    this.kdk = keyDerivationKey(privateKey);
  }

  /**
   * The data key in {@code ciphertext}, or the pseudorandom fallback when the padding, the length
   * or the ciphertext does not check. Never says which.
   *
   * @throws KeyProviderException if the provider cannot do raw RSA with the key
   */
  byte[] unwrap(byte[] ciphertext, int dataKeyLength) {
    byte[] fallback = fallback(ciphertext, dataKeyLength);
    int k = modulusBytes > 0 ? modulusBytes : ciphertext.length;
    if (ciphertext.length != k) {
      return fallback;
    }
    try {
      PKCS1Encoding decoder = new PKCS1Encoding(new RawRsa(k), fallback.clone());
      decoder.init(false, new AsymmetricKeyParameter(true));
      return decoder.processBlock(ciphertext, 0, ciphertext.length);
    } catch (InvalidCipherTextException notBelowModulus) {
      return fallback;
    } finally {
      Arrays.fill(fallback, (byte) 0);
    }
  }

  private byte[] fallback(byte[] ciphertext, int length) {
    Mac mac = Jca.hmac("HmacSHA256");
    try {
      mac.init(kdk);
    } catch (InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 refused a 32-byte key", e);
    }
    mac.update((byte) length);
    byte[] full = mac.doFinal(ciphertext);
    byte[] out = Arrays.copyOf(full, length);
    Arrays.fill(full, (byte) 0);
    return out;
  }

  private static int modulusBytes(PrivateKey privateKey, PublicKey publicKey) {
    BigInteger modulus = null;
    if (privateKey instanceof RSAKey) {
      modulus = ((RSAKey) privateKey).getModulus();
    }
    if (modulus == null && publicKey instanceof RSAKey) {
      modulus = ((RSAKey) publicKey).getModulus();
    }
    return modulus == null ? -1 : (modulus.bitLength() + 7) / 8;
  }

  private static SecretKeySpec keyDerivationKey(PrivateKey privateKey) {
    byte[] secret = null;
    try {
      BigInteger d = privateKey instanceof RSAPrivateKey ? ((RSAPrivateKey) privateKey).getPrivateExponent() : null;
      if (d != null) {
        secret = d.toByteArray();
      }
    } catch (RuntimeException notExtractable) {
      secret = null; // a token key: its exponent never leaves the token
    }
    byte[] kdkBytes;
    if (secret == null) {
      kdkBytes = new byte[32];
      Jca.random().nextBytes(kdkBytes);
    } else {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        kdkBytes = mac.doFinal(KDK_LABEL);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HMAC-SHA256 is not available", e);
      } finally {
        Arrays.fill(secret, (byte) 0);
      }
    }
    try {
      return new SecretKeySpec(kdkBytes, "HmacSHA256");
    } finally {
      Arrays.fill(kdkBytes, (byte) 0);
    }
  }

  /**
   * Raw RSA decryption in the JCA, shaped as Bouncy Castle's RSA engine: k bytes in, k - 1 out
   * (the encoded message without its leading byte). A non-zero leading byte sets the top bit of
   * the first output byte, without a branch, so the decoder sees a bad block type.
   */
  private final class RawRsa implements AsymmetricBlockCipher {
    private final int k;

    RawRsa(int k) {
      this.k = k;
    }

    @Override
    public void init(boolean forEncryption, CipherParameters params) {
      if (forEncryption) {
        throw new IllegalArgumentException("only decrypts");
      }
    }

    @Override
    public int getInputBlockSize() {
      return k;
    }

    @Override
    public int getOutputBlockSize() {
      return k - 1;
    }

    @Override
    public byte[] processBlock(byte[] in, int off, int len) throws InvalidCipherTextException {
      byte[] em;
      try {
        Cipher cipher = provider == null
            ? Cipher.getInstance("RSA/ECB/NoPadding")
            : Cipher.getInstance("RSA/ECB/NoPadding", provider);
        cipher.init(Cipher.DECRYPT_MODE, privateKey);
        em = cipher.doFinal(in, off, len);
      } catch (BadPaddingException | IllegalBlockSizeException e) {
        // Raw RSA has no padding to check: this is a ciphertext not below the modulus.
        throw new InvalidCipherTextException("the RSA ciphertext is not below the modulus");
      } catch (GeneralSecurityException e) {
        throw new KeyProviderException(
            "raw RSA decryption (RSA/ECB/NoPadding) failed with this private key: "
                + e.getClass().getSimpleName(), e);
      }
      byte[] full = new byte[k];
      int copied = Math.min(em.length, k);
      System.arraycopy(em, em.length - copied, full, k - copied, copied);
      Arrays.fill(em, (byte) 0);
      byte[] out = Arrays.copyOfRange(full, 1, k);
      int lead = full[0] & 0xFF;
      out[0] |= (byte) (((lead | -lead) >>> 31) << 7);
      Arrays.fill(full, (byte) 0);
      return out;
    }
  }
}
