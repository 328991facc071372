package dev.envelope.keyring;

import static dev.envelope.internal.util.Preconditions.requireUnset;

import dev.envelope.DataKey;
import dev.envelope.DecryptionMaterials;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionMaterials;
import dev.envelope.Keyring;
import dev.envelope.KeyProviderException;
import dev.envelope.NoMatchingKeyException;
import dev.envelope.internal.crypto.Jca;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Wraps data keys with an AES key the application holds, exactly as the AWS Encryption SDK's raw
 * AES keyring ({@code JceMasterKey} in AES mode) does, so messages cross between the two (spec:
 * framework/raw-aes-keyring.md).
 *
 * <pre>
 * provider id    UTF-8(key namespace)
 * provider info  UTF-8(key name) ‖ u32 tag length in bits (128) ‖ u32 IV length (12) ‖ IV (12 random bytes)
 * ciphertext     AES-GCM(wrapping key, IV, AAD = serialized encryption context)(data key) ‖ tag (16)
 * </pre>
 *
 * The wrapping AAD is the full encryption context of the materials, so an encrypted data key
 * only opens under the context it was made for.
 *
 * <p>The wrapping key can be raw bytes (16, 24 or 32) or a {@link SecretKey} of some provider,
 * e.g. a non-extractable key in a PKCS#11 token with the token's provider: the bytes never leave
 * the token and the layout stays the same. Immutable and thread-safe.
 */
public final class RawAesKeyring implements Keyring {
  private static final int IV_LENGTH = 12;
  private static final int TAG_BITS = 128;
  private static final int TAG_LENGTH = 16;

  private final String namespace;
  private final String name;
  private final byte[] nameUtf8;
  private final SecretKey wrappingKey;
  private final Provider provider;
  /**
   * One cipher per thread for this keyring alone: the wrapping key never changes, so the
   * provider's key schedule stays cached instead of being rebuilt whenever the thread's cipher
   * switches between this key and a message's content key.
   */
  private final ThreadLocal<Cipher> ciphers;

  private RawAesKeyring(Builder b) {
    this.namespace = b.namespace;
    this.name = b.name;
    this.nameUtf8 = b.name.getBytes(StandardCharsets.UTF_8);
    this.wrappingKey = b.key;
    this.provider = b.provider;
    this.ciphers = b.provider == null ? ThreadLocal.withInitial(() -> Jca.cipher("AES/GCM/NoPadding")) : null;
  }

  public static Builder builder() {
    return new Builder();
  }

  public String keyNamespace() {
    return namespace;
  }

  public String keyName() {
    return name;
  }

  @Override
  public EncryptionMaterials onEncrypt(EncryptionMaterials materials) {
    EncryptionMaterials result = materials;
    DataKey generated = null;
    if (!materials.hasDataKey()) {
      generated = KeyringSupport.generateDataKey(materials.algorithmSuite());
      result = materials.withDataKey(generated);
    }
    byte[] plaintextKey = result.dataKey().orElseThrow().copyPlaintext();
    try {
      byte[] iv = new byte[IV_LENGTH];
      Jca.random().nextBytes(iv);
      Cipher cipher = cipher();
      cipher.init(Cipher.ENCRYPT_MODE, wrappingKey, new GCMParameterSpec(TAG_BITS, iv));
      cipher.updateAAD(materials.encryptionContext().toCanonicalBytes());
      byte[] wrapped = cipher.doFinal(plaintextKey);
      return result.withEncryptedDataKey(EncryptedDataKey.of(namespace, providerInfo(iv), wrapped));
    } catch (GeneralSecurityException e) {
      if (generated != null) {
        generated.close();
      }
      throw new KeyProviderException(
          "raw AES keyring " + this + " could not wrap the data key: " + e.getClass().getSimpleName(), e);
    } finally {
      Arrays.fill(plaintextKey, (byte) 0);
    }
  }

  private byte[] providerInfo(byte[] iv) {
    byte[] info = new byte[nameUtf8.length + 8 + IV_LENGTH];
    System.arraycopy(nameUtf8, 0, info, 0, nameUtf8.length);
    int off = nameUtf8.length;
    putU32(info, off, TAG_BITS);
    putU32(info, off + 4, IV_LENGTH);
    System.arraycopy(iv, 0, info, off + 8, IV_LENGTH);
    return info;
  }

  private static void putU32(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }

  private static int getU32(byte[] b, int off) {
    return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
  }

  @Override
  public DecryptionMaterials onDecrypt(DecryptionMaterials materials, List<EncryptedDataKey> keys) {
    if (materials.hasDataKey()) {
      throw new IllegalStateException("the decryption materials already have a data key");
    }
    int dataKeyLength = materials.algorithmSuite().dataKeyLength();
    int candidates = 0;
    byte[] aad = null;
    for (EncryptedDataKey edk : keys) {
      if (!isMine(edk) || edk.ciphertextLength() != dataKeyLength + TAG_LENGTH) {
        continue;
      }
      candidates++;
      if (aad == null) {
        aad = materials.encryptionContext().toCanonicalBytes();
      }
      byte[] info = edk.providerInfo();
      byte[] plaintextKey = null;
      try {
        Cipher cipher = cipher();
        cipher.init(
            Cipher.DECRYPT_MODE,
            wrappingKey,
            new GCMParameterSpec(TAG_BITS, info, nameUtf8.length + 8, IV_LENGTH));
        cipher.updateAAD(aad);
        plaintextKey = cipher.doFinal(edk.ciphertext());
        return materials.withDataKey(DataKey.copyOf(plaintextKey));
      } catch (AEADBadTagException wrongKeyOrContext) {
        // Not this key, or a different context: try the next one.
      } catch (GeneralSecurityException e) {
        throw new KeyProviderException(
            "raw AES keyring " + this + " could not unwrap a data key: " + e.getClass().getSimpleName(), e);
      } finally {
        if (plaintextKey != null) {
          Arrays.fill(plaintextKey, (byte) 0);
        }
      }
    }
    if (candidates == 0) {
      throw new NoMatchingKeyException(
          "no encrypted data key is for raw AES key " + this + "; the message's keys are from "
              + KeyringSupport.providers(keys));
    }
    throw new NoMatchingKeyException(
        "raw AES key " + this + " could not decrypt " + (candidates == 1 ? "its encrypted data key" : candidates + " encrypted data keys named for it")
            + ": the key bytes differ from those used to encrypt, or the encryption context differs");
  }

  private boolean isMine(EncryptedDataKey edk) {
    if (!edk.providerId().equals(namespace) || edk.providerInfoLength() != nameUtf8.length + 8 + IV_LENGTH
        || !edk.providerInfoStartsWith(nameUtf8)) {
      return false;
    }
    byte[] info = edk.providerInfo();
    return getU32(info, nameUtf8.length) == TAG_BITS && getU32(info, nameUtf8.length + 4) == IV_LENGTH;
  }

  private Cipher cipher() throws GeneralSecurityException {
    return provider == null ? ciphers.get() : Cipher.getInstance("AES/GCM/NoPadding", provider);
  }

  /** Shows the namespace and key name, never the key. */
  @Override
  public String toString() {
    return "'" + namespace + "'/'" + name + "'";
  }

  /** Configures a {@link RawAesKeyring}. Namespace, name and wrapping key are required. */
  public static final class Builder {
    private String namespace;
    private String name;
    private SecretKey key;
    private Provider provider;

    private Builder() {}

    /** The key namespace, written as the provider id. Must not start with {@code aws-kms}. */
    public Builder keyNamespace(String namespace) {
      Objects.requireNonNull(namespace, "namespace");
      requireUnset(this.namespace != null, "keyNamespace");
      KeyringSupport.checkNamespace(namespace);
      this.namespace = namespace;
      return this;
    }

    /** The key name, written at the start of the provider info. */
    public Builder keyName(String name) {
      Objects.requireNonNull(name, "name");
      requireUnset(this.name != null, "keyName");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("the key name cannot be empty");
      }
      this.name = name;
      return this;
    }

    /** The wrapping key's bytes (16, 24 or 32); copied, so the caller may zero its array. */
    public Builder wrappingKey(byte[] keyBytes) {
      Objects.requireNonNull(keyBytes, "keyBytes");
      if (keyBytes.length != 16 && keyBytes.length != 24 && keyBytes.length != 32) {
        throw new IllegalArgumentException(
            "a raw AES wrapping key must be 16, 24 or 32 bytes, not " + keyBytes.length);
      }
      return wrappingKey(new SecretKeySpec(keyBytes, "AES"), null);
    }

    /**
     * A wrapping key held by a provider, e.g. a PKCS#11 token key with the token's provider
     * ({@code null} for the default providers). The provider must support {@code AES/GCM/NoPadding}
     * with caller-supplied IVs.
     */
    public Builder wrappingKey(SecretKey key, Provider provider) {
      Objects.requireNonNull(key, "key");
      requireUnset(this.key != null, "wrappingKey");
      this.key = key;
      this.provider = provider;
      return this;
    }

    public RawAesKeyring build() {
      if (namespace == null || name == null || key == null) {
        throw new IllegalStateException(
            "a raw AES keyring needs keyNamespace, keyName and wrappingKey");
      }
      return new RawAesKeyring(this);
    }
  }
}
