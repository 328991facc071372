package dev.envelope.local.internal;

import com.google.gson.JsonObject;
import dev.envelope.AlgorithmSuite;
import dev.envelope.AuthenticationFailedException;
import dev.envelope.Decrypted;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.Keyring;
import dev.envelope.MalformedMessageException;
import dev.envelope.NoMatchingKeyException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;

/**
 * A KEK that is any Envelope {@link Keyring} (for example a KMS keyring, without this module
 * depending on a cloud SDK): each sealed file is an Envelope message (suite 0x0478, committing,
 * unsigned) under that keyring, with the encryption context {@code envelope-local-aad =
 * hex(SHA-256(associated data))}, which a KMS keyring passes on as the KMS encryption context.
 *
 * <pre>
 * kek record: {"kind":"keyring","suite":"0478"}
 * </pre>
 */
public final class KeyringKekSpec extends KekSpec {
  static final String CONTEXT_KEY = "envelope-local-aad";
  private final Keyring keyring;

  public KeyringKekSpec(Keyring keyring) {
    this.keyring = keyring;
  }

  @Override
  public String kind() {
    return "keyring";
  }

  @Override
  public Kek forNewStore(JsonObject record) {
    record.addProperty("suite", "0478");
    return kek();
  }

  @Override
  public Kek forExistingStore(JsonObject record) {
    if (!"0478".equals(PassphraseKekSpec.string(record, "suite"))) {
      throw new dev.envelope.local.KeyStoreIntegrityException(
          "the store's keyring KEK suite is not 0478; the store file is damaged or from a newer release");
    }
    return kek();
  }

  private Kek kek() {
    Envelope envelope =
        Envelope.builder()
            .keyring(keyring)
            .algorithmSuite(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY)
            .build();
    return new Kek() {
      @Override
      public byte[] encrypt(byte[] plaintext, byte[] ad) {
        return envelope.encrypt(plaintext, context(ad));
      }

      @Override
      public byte[] decrypt(byte[] ciphertext, byte[] ad) throws GeneralSecurityException {
        try {
          Decrypted d = envelope.decrypt(ciphertext, context(ad));
          return d.plaintext();
        } catch (NoMatchingKeyException | AuthenticationFailedException | MalformedMessageException e) {
          AEADBadTagException bad = new AEADBadTagException("the keyring could not open this file: " + e.getMessage());
          bad.initCause(e);
          throw bad;
        }
      }
    };
  }

  private static EncryptionContext context(byte[] ad) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(ad);
      return EncryptionContext.of(CONTEXT_KEY, HexFormat.of().formatHex(digest));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }

  @Override
  public String wrongKekHint() {
    return "the keyring " + keyring + " cannot open it (a different master key, or no access to it)";
  }
}
