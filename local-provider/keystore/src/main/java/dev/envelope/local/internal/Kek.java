package dev.envelope.local.internal;

import java.security.GeneralSecurityException;

/**
 * A key-encryption key: authenticated encryption of the store's key files. Ciphertexts are
 * self-contained (they carry their own IV). A wrong key or wrong associated data makes {@link
 * #decrypt} throw {@link javax.crypto.AEADBadTagException}; any other exception means the key
 * source itself failed.
 */
public interface Kek {
  byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException;

  byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException;

  /** Adapts this KEK to Tink's {@code Aead}, to seal keysets. */
  default com.google.crypto.tink.Aead asTinkAead() {
    Kek self = this;
    return new com.google.crypto.tink.Aead() {
      @Override
      public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
        return self.encrypt(plaintext, associatedData);
      }

      @Override
      public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
        return self.decrypt(ciphertext, associatedData);
      }
    };
  }
}
