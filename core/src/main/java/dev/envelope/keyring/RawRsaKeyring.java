package dev.envelope.keyring;

import dev.envelope.DataKey;
import dev.envelope.DecryptionMaterials;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionMaterials;
import dev.envelope.KeyProviderException;
import dev.envelope.Keyring;
import dev.envelope.NoMatchingKeyException;
import dev.envelope.internal.crypto.Jca;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;

/**
 * Wraps data keys with an RSA key pair the application holds, exactly as the AWS Encryption SDK's
 * raw RSA keyring ({@code JceMasterKey} in RSA mode) does (spec: framework/raw-rsa-keyring.md).
 *
 * <pre>
 * provider id    UTF-8(key namespace)
 * provider info  UTF-8(key name)
 * ciphertext     RSA(public key, padding)(data key)   (modulus length)
 * </pre>
 *
 * Encryption needs the public key, decryption the private key; a keyring may hold either or both.
 * RSA wrapping does not bind the encryption context (the header tag does). Immutable and
 * thread-safe.
 *
 * <h2>Security guarantees</h2>
 *
 * <ul>
 *   <li>OAEP: a ciphertext that does not decrypt under this key is "not my key" ({@link
 *       NoMatchingKeyException}), as in the ESDK.
 *   <li>{@link RsaPadding#PKCS1_LEGACY}: implicit rejection. Every encrypted data key named for
 *       this key unwraps to a data key: the real one, or a deterministic pseudorandom one when the
 *       padding or length does not check, decoded in constant time. The message then fails its key
 *       commitment or header tag, exactly as under a wrong key, so a decrypting service is no
 *       padding oracle. A consequence: a PKCS#1 keyring never answers "not my key" for a
 *       ciphertext named for it, so a multi-keyring does not go on to its next child then.
 * </ul>
 */
public final class RawRsaKeyring implements Keyring {
  private final String namespace;
  private final String name;
  private final byte[] nameUtf8;
  private final RsaPadding padding;
  private final PublicKey publicKey;
  private final PrivateKey privateKey;
  private final Provider provider;
  private final Pkcs1Unwrapper pkcs1;

  private RawRsaKeyring(Builder b) {
    this.namespace = b.namespace;
    this.name = b.name;
    this.nameUtf8 = b.name.getBytes(StandardCharsets.UTF_8);
    this.padding = b.padding;
    this.publicKey = b.publicKey;
    this.privateKey = b.privateKey;
    this.provider = b.provider;
    this.pkcs1 = padding == RsaPadding.PKCS1_LEGACY && privateKey != null
        ? new Pkcs1Unwrapper(privateKey, publicKey, provider)
        : null;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public EncryptionMaterials onEncrypt(EncryptionMaterials materials) {
    if (publicKey == null) {
      throw new IllegalStateException(
          "raw RSA keyring " + this + " has no public key, so it can only decrypt");
    }
    EncryptionMaterials result = materials;
    DataKey generated = null;
    if (!materials.hasDataKey()) {
      generated = KeyringSupport.generateDataKey(materials.algorithmSuite());
      result = materials.withDataKey(generated);
    }
    byte[] plaintextKey = result.dataKey().orElseThrow().copyPlaintext();
    try {
      Cipher cipher = cipher();
      cipher.init(Cipher.ENCRYPT_MODE, publicKey, padding.parameters(), Jca.random());
      byte[] wrapped = cipher.doFinal(plaintextKey);
      return result.withEncryptedDataKey(EncryptedDataKey.of(namespace, nameUtf8, wrapped));
    } catch (GeneralSecurityException e) {
      if (generated != null) {
        generated.close();
      }
      throw new KeyProviderException(
          "raw RSA keyring " + this + " could not wrap the data key with " + padding.id()
              + ": " + e.getClass().getSimpleName() + " (is the key large enough for this padding?)",
          e);
    } finally {
      Arrays.fill(plaintextKey, (byte) 0);
    }
  }

  @Override
  public DecryptionMaterials onDecrypt(DecryptionMaterials materials, List<EncryptedDataKey> keys) {
    if (materials.hasDataKey()) {
      throw new IllegalStateException("the decryption materials already have a data key");
    }
    if (privateKey == null) {
      throw new NoMatchingKeyException(
          "raw RSA keyring " + this + " has no private key, so it cannot decrypt");
    }
    int candidates = 0;
    int dataKeyLength = materials.algorithmSuite().dataKeyLength();
    for (EncryptedDataKey edk : keys) {
      if (!edk.providerId().equals(namespace) || !edk.providerInfoEquals(nameUtf8)) {
        continue;
      }
      candidates++;
      if (pkcs1 != null) {
        byte[] plaintextKey = pkcs1.unwrap(edk.ciphertext(), dataKeyLength);
        try {
          return materials.withDataKey(DataKey.copyOf(plaintextKey));
        } finally {
          Arrays.fill(plaintextKey, (byte) 0);
        }
      }
      byte[] plaintextKey = null;
      try {
        Cipher cipher = cipher();
        cipher.init(Cipher.DECRYPT_MODE, privateKey, padding.parameters());
        plaintextKey = cipher.doFinal(edk.ciphertext());
        if (plaintextKey.length == dataKeyLength) {
          return materials.withDataKey(DataKey.copyOf(plaintextKey));
        }
      } catch (BadPaddingException | IllegalBlockSizeException wrongKey) {
        // Not this key: try the next one.
      } catch (InvalidKeyException e) {
        throw new KeyProviderException(
            "raw RSA keyring " + this + " cannot use its private key with " + padding.id(), e);
      } catch (GeneralSecurityException e) {
        throw new KeyProviderException(
            "raw RSA keyring " + this + " failed: " + e.getClass().getSimpleName(), e);
      } finally {
        if (plaintextKey != null) {
          Arrays.fill(plaintextKey, (byte) 0);
        }
      }
    }
    if (candidates == 0) {
      throw new NoMatchingKeyException(
          "no encrypted data key is for raw RSA key " + this + "; the message's keys are from "
              + KeyringSupport.providers(keys));
    }
    throw new NoMatchingKeyException(
        "raw RSA key " + this + " could not decrypt the encrypted data keys named for it: the"
            + " private key or the padding (" + padding.id() + ") differs from the one used to encrypt");
  }

  private Cipher cipher() throws GeneralSecurityException {
    return provider == null
        ? Cipher.getInstance(padding.transformation())
        : Cipher.getInstance(padding.transformation(), provider);
  }

  /** Shows namespace, name and padding, never key material. */
  @Override
  public String toString() {
    return "'" + namespace + "'/'" + name + "' (" + padding.id() + ")";
  }

  /** Reads an X.509 {@code BEGIN PUBLIC KEY} PEM. */
  public static PublicKey parsePublicKeyPem(String pem) {
    try {
      return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(pemBody(pem, "PUBLIC KEY")));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("the PEM is not an RSA public key (X.509 SubjectPublicKeyInfo)", e);
    }
  }

  /** Reads a PKCS#8 {@code BEGIN PRIVATE KEY} PEM. */
  public static PrivateKey parsePrivateKeyPem(String pem) {
    byte[] der = pemBody(pem, "PRIVATE KEY");
    try {
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("the PEM is not an RSA private key (PKCS#8)", e);
    } finally {
      Arrays.fill(der, (byte) 0);
    }
  }

  private static byte[] pemBody(String pem, String type) {
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int b = pem.indexOf(begin);
    int e = pem.indexOf(end);
    if (b < 0 || e < b) {
      String found = pem.contains("-----BEGIN ") ? pem.substring(pem.indexOf("-----BEGIN ")).lines().findFirst().orElse("") : "no PEM block";
      throw new IllegalArgumentException(
          "expected a PEM block '" + begin + "', found " + (found.length() > 40 ? "another type" : "'" + found + "'")
              + ("PRIVATE KEY".equals(type) ? " (convert PKCS#1 'RSA PRIVATE KEY' with: openssl pkcs8 -topk8 -nocrypt)" : ""));
    }
    try {
      return Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
    } catch (IllegalArgumentException ex) {
      throw new IllegalArgumentException("the PEM block '" + type + "' is not valid Base64");
    }
  }

  /** Configures a {@link RawRsaKeyring}. */
  public static final class Builder {
    private String namespace;
    private String name;
    private RsaPadding padding;
    private PublicKey publicKey;
    private PrivateKey privateKey;
    private Provider provider;

    private Builder() {}

    public Builder keyNamespace(String namespace) {
      Objects.requireNonNull(namespace, "namespace");
      if (this.namespace != null) {
        throw new IllegalStateException("keyNamespace was already set");
      }
      KeyringSupport.checkNamespace(namespace);
      this.namespace = namespace;
      return this;
    }

    public Builder keyName(String name) {
      Objects.requireNonNull(name, "name");
      if (this.name != null) {
        throw new IllegalStateException("keyName was already set");
      }
      if (name.isEmpty()) {
        throw new IllegalArgumentException("the key name cannot be empty");
      }
      this.name = name;
      return this;
    }

    public Builder padding(RsaPadding padding) {
      Objects.requireNonNull(padding, "padding");
      if (this.padding != null) {
        throw new IllegalStateException("padding was already set");
      }
      this.padding = padding;
      return this;
    }

    /** The public key, for encryption. */
    public Builder publicKey(PublicKey key) {
      Objects.requireNonNull(key, "key");
      if (publicKey != null) {
        throw new IllegalStateException("publicKey was already set");
      }
      if (!"RSA".equals(key.getAlgorithm())) {
        throw new IllegalArgumentException("not an RSA public key: " + key.getAlgorithm());
      }
      this.publicKey = key;
      return this;
    }

    /** The private key, for decryption. */
    public Builder privateKey(PrivateKey key) {
      Objects.requireNonNull(key, "key");
      if (privateKey != null) {
        throw new IllegalStateException("privateKey was already set");
      }
      if (!"RSA".equals(key.getAlgorithm())) {
        throw new IllegalArgumentException("not an RSA private key: " + key.getAlgorithm());
      }
      this.privateKey = key;
      return this;
    }

    /** The provider that holds the keys (e.g. a PKCS#11 token); default: the JDK's providers. */
    public Builder provider(Provider provider) {
      this.provider = Objects.requireNonNull(provider, "provider");
      return this;
    }

    public RawRsaKeyring build() {
      if (namespace == null || name == null || padding == null) {
        throw new IllegalStateException("a raw RSA keyring needs keyNamespace, keyName and padding");
      }
      if (publicKey == null && privateKey == null) {
        throw new IllegalStateException("give a raw RSA keyring a public key, a private key, or both");
      }
      return new RawRsaKeyring(this);
    }
  }
}
