package dev.envelope.local.internal;

import com.google.gson.JsonObject;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.ProviderException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * A KEK held by a JCA provider, e.g. a non-extractable AES key in a PKCS#11 token with the token's
 * {@code SunPKCS11} provider: the key bytes never enter this process. Uses {@code
 * AES/GCM/NoPadding} with a random 12-byte IV and a 128-bit tag.
 *
 * <pre>
 * ciphertext = IV (12) ‖ GCM ciphertext ‖ tag (16)
 * kek record: {"kind":"secret-key","algorithm":"AES/GCM/NoPadding"}
 * </pre>
 */
public final class SecretKeyKekSpec extends KekSpec {
  private static final String TRANSFORMATION = "AES/GCM/NoPadding";
  private static final int IV_LENGTH = 12;
  private static final int TAG_BITS = 128;

  private final SecretKey key;
  private final Provider provider;
  private final SecureRandom random;

  public SecretKeyKekSpec(SecretKey key, Provider provider, SecureRandom random) {
    this.key = key;
    this.provider = provider;
    this.random = random;
  }

  @Override
  public String kind() {
    return "secret-key";
  }

  @Override
  public Kek forNewStore(JsonObject record) {
    record.addProperty("algorithm", TRANSFORMATION);
    return kek();
  }

  @Override
  public Kek forExistingStore(JsonObject record) {
    if (!TRANSFORMATION.equals(PassphraseKekSpec.string(record, "algorithm"))) {
      throw new dev.envelope.local.KeyStoreIntegrityException(
          "the store's KEK algorithm is not " + TRANSFORMATION + "; the store file is damaged or from a newer release");
    }
    return kek();
  }

  private Kek kek() {
    return new Kek() {
      @Override
      public byte[] encrypt(byte[] plaintext, byte[] ad) throws GeneralSecurityException {
        byte[] iv = new byte[IV_LENGTH];
        random.nextBytes(iv);
        try {
          Cipher c = cipher();
          c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
          c.updateAAD(ad);
          byte[] body = c.doFinal(plaintext);
          byte[] out = new byte[IV_LENGTH + body.length];
          System.arraycopy(iv, 0, out, 0, IV_LENGTH);
          System.arraycopy(body, 0, out, IV_LENGTH, body.length);
          return out;
        } catch (GeneralSecurityException | ProviderException e) {
          throw new KekFailedException(e);
        }
      }

      @Override
      public byte[] decrypt(byte[] ciphertext, byte[] ad) throws GeneralSecurityException {
        if (ciphertext.length < IV_LENGTH + TAG_BITS / 8) {
          throw new AEADBadTagException("ciphertext too short");
        }
        try {
          Cipher c = cipher();
          c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, ciphertext, 0, IV_LENGTH));
          c.updateAAD(ad);
          return c.doFinal(ciphertext, IV_LENGTH, ciphertext.length - IV_LENGTH);
        } catch (AEADBadTagException wrongKeyOrData) {
          throw wrongKeyOrData;
        } catch (GeneralSecurityException | ProviderException e) {
          // Not a verdict on the data: the key or its provider (a token) failed.
          throw new KekFailedException(e);
        }
      }
    };
  }

  private Cipher cipher() throws GeneralSecurityException {
    return provider == null ? Cipher.getInstance(TRANSFORMATION) : Cipher.getInstance(TRANSFORMATION, provider);
  }

  @Override
  public String wrongKekHint() {
    return "the secret key is not the one the store was created with";
  }
}
