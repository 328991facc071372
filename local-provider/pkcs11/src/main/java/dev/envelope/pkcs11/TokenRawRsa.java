package dev.envelope.pkcs11;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.ProviderException;
import java.util.Arrays;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.NoSuchPaddingException;
import org.bouncycastle.crypto.AsymmetricBlockCipher;
import org.bouncycastle.crypto.CipherParameters;
import org.bouncycastle.crypto.InvalidCipherTextException;

/**
 * The raw RSA private-key operation ({@code CKM_RSA_X_509}, JCA {@code RSA/ECB/NoPadding}) done
 * inside a token, shaped as a Bouncy Castle {@link AsymmetricBlockCipher} so that Bouncy Castle's
 * {@code OAEPEncoding} can decode OAEP in software around it: SunPKCS11 offers no RSA-OAEP.
 *
 * <p>Decryption only, and it follows the conventions of Bouncy Castle's own RSA engine that
 * {@code OAEPEncoding} relies on: the input block is the modulus length k, the output block is
 * k - 1 bytes (the encoded message without its leading zero byte). A result whose leading byte is
 * not zero is returned whole (k bytes), which {@code OAEPEncoding} rejects as a decryption error.
 *
 * <p>One instance per decryption; each block gets its own {@link Cipher}, so nothing is shared
 * between threads.
 */
final class TokenRawRsa implements AsymmetricBlockCipher {
  private final Provider provider;
  private final PrivateKey privateKey;
  private final int modulusBytes;

  TokenRawRsa(Provider provider, PrivateKey privateKey, int modulusBits) {
    this.provider = provider;
    this.privateKey = privateKey;
    this.modulusBytes = (modulusBits + 7) / 8;
  }

  @Override
  public void init(boolean forEncryption, CipherParameters params) {
    if (forEncryption) {
      throw new IllegalArgumentException("the token's raw RSA adapter only decrypts; encrypt with the public key");
    }
  }

  @Override
  public int getInputBlockSize() {
    return modulusBytes;
  }

  @Override
  public int getOutputBlockSize() {
    return modulusBytes - 1;
  }

  @Override
  public byte[] processBlock(byte[] in, int inOff, int inLen) throws InvalidCipherTextException {
    if (inLen != modulusBytes) {
      throw new InvalidCipherTextException("RSA ciphertext must be " + modulusBytes + " bytes, not " + inLen);
    }
    byte[] result;
    try {
      Cipher cipher = Cipher.getInstance("RSA/ECB/NoPadding", provider);
      cipher.init(Cipher.DECRYPT_MODE, privateKey);
      result = cipher.doFinal(in, inOff, inLen);
    } catch (BadPaddingException | IllegalBlockSizeException e) {
      // The token rejects a ciphertext not below the modulus: not this key's.
      throw new InvalidCipherTextException("the token rejected the RSA ciphertext");
    } catch (NoSuchAlgorithmException | NoSuchPaddingException | InvalidKeyException e) {
      throw new ProviderException("the token cannot do raw RSA (CKM_RSA_X_509) with this key", e);
    }
    if (result.length == modulusBytes && result[0] == 0) {
      byte[] withoutLeadingZero = Arrays.copyOfRange(result, 1, modulusBytes);
      Arrays.fill(result, (byte) 0);
      return withoutLeadingZero;
    }
    return result;
  }
}
