package dev.envelope.pkcs11;

import dev.envelope.DataKey;
import dev.envelope.DecryptionMaterials;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionMaterials;
import dev.envelope.KeyProviderException;
import dev.envelope.Keyring;
import dev.envelope.NoMatchingKeyException;
import dev.envelope.keyring.RawAesKeyring;
import dev.envelope.keyring.RawRsaKeyring;
import dev.envelope.keyring.RsaPadding;
import java.nio.charset.StandardCharsets;
import java.security.ProviderException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.encodings.OAEPEncoding;

/**
 * Wraps data keys with a master key that never leaves a PKCS#11 token (an HSM, a smart card,
 * SoftHSM), writing encrypted data keys byte for byte as the AWS Encryption SDK's raw keyrings do,
 * so messages stay decryptable by {@code RawAesKeyring}, {@code RawRsaKeyring} or the ESDK's {@code
 * JceMasterKey} if the key material is ever available outside the token.
 *
 * <h2>AES (default)</h2>
 *
 * The data key is encrypted with AES-GCM inside the token ({@code CKM_AES_GCM}) under the token's
 * AES key, with the serialized encryption context of the materials as AAD. The encrypted data key
 * has the raw AES keyring layout, built by core's {@link RawAesKeyring} over the token key (spec:
 * framework/raw-aes-keyring.md):
 *
 * <pre>
 * provider id    UTF-8(key namespace)
 * provider info  UTF-8(key name) ‖ 00000080 (tag bits) ‖ 0000000C (IV length) ‖ IV (12 random bytes)
 * ciphertext     AES-GCM(token key, IV, AAD = encryption context)(data key) ‖ tag (16)
 * </pre>
 *
 * <h2>RSA ({@link Builder#rsaPadding})</h2>
 *
 * The token holds the private key; encryption needs only the public key and runs in software
 * (core's {@link RawRsaKeyring}). Decryption runs as raw RSA in the token ({@code CKM_RSA_X_509}):
 * for OAEP with the decoding done by Bouncy Castle's {@code OAEPEncoding} in software, because
 * SunPKCS11 has no RSA-OAEP; for {@link RsaPadding#PKCS1_LEGACY} through core's {@link
 * RawRsaKeyring}, which decodes in constant time with implicit rejection (a bad padding unwraps
 * to a pseudorandom data key, so it fails exactly as a wrong key does). Layout
 * (spec: framework/raw-rsa-keyring.md): provider id = namespace, provider info = key name,
 * ciphertext = RSA output (modulus length). RSA wrapping does not bind the encryption context (the
 * message header's tag does).
 *
 * <pre>{@code
 * Pkcs11Token token = Pkcs11Token.open(config);
 * Keyring keyring = Pkcs11Keyring.builder()
 *     .token(token).keyNamespace("acme-hsm").keyLabel("orders-master-key").build();
 * Envelope envelope = Envelope.builder().keyring(keyring).build();
 * }</pre>
 *
 * <p>Immutable and thread-safe: every wrap and unwrap gets its own {@link Cipher} (cipher objects
 * are not thread-safe), and SunPKCS11 gives each one a pooled token session.
 *
 * <h2>Security guarantees</h2>
 *
 * <ul>
 *   <li>The AES master key and the RSA private key are used only inside the token; this class
 *       never asks for their bytes.
 *   <li>An AES-wrapped data key opens only with the encryption context it was wrapped with.
 *   <li>Plaintext data keys and decoded RSA blocks in this JVM are zeroed after use (best effort,
 *       see {@link DataKey}).
 *   <li>PKCS#1 v1.5 padding is checked in software, in constant time, with implicit rejection:
 *       no exception or exit status tells a bad padding from a wrong key. Prefer OAEP still.
 *   <li>Not promised: anyone who can log in to the token, or any code in a process that has, can
 *       use the key.
 * </ul>
 */
public final class Pkcs11Keyring implements Keyring {
  private final Pkcs11Token token;
  private final String namespace;
  private final String name;
  private final byte[] nameUtf8;
  private final String label;
  private final RsaPadding padding;
  /** AES: wraps and unwraps in the token. RSA: wraps with the public key in software. */
  private final Keyring wrapper;
  private final Pkcs11Token.RsaKeyPair rsa;
  /** PKCS#1 v1.5: core's implicit rejection, with the raw RSA operation in the token. */
  private final Keyring pkcs1Unwrapper;

  private Pkcs11Keyring(Builder b) {
    this.token = b.token;
    this.namespace = b.namespace;
    this.name = b.name != null ? b.name : b.label;
    this.nameUtf8 = name.getBytes(StandardCharsets.UTF_8);
    this.label = b.label;
    this.padding = b.padding;
    if (padding == null) {
      token.requireService("Cipher", "AES/GCM/NoPadding", "CKM_AES_GCM", "wrap data keys with AES-GCM");
      SecretKey key = token.aesKey(label);
      this.wrapper = RawAesKeyring.builder()
          .keyNamespace(namespace).keyName(name).wrappingKey(key, token.provider()).build();
      this.rsa = null;
    } else {
      token.requireService("Cipher", "RSA/ECB/NoPadding", "CKM_RSA_X_509",
          padding == RsaPadding.PKCS1_LEGACY
              ? "unwrap data keys with raw RSA for PKCS#1 v1.5 with implicit rejection"
              : "unwrap data keys with raw RSA for OAEP");
      this.rsa = token.rsaKeyPair(label);
      this.wrapper = RawRsaKeyring.builder()
          .keyNamespace(namespace).keyName(name).padding(padding).publicKey(rsa.publicKey()).build();
      if (padding == RsaPadding.PKCS1_LEGACY) {
        this.pkcs1Unwrapper = RawRsaKeyring.builder().keyNamespace(namespace).keyName(name).padding(padding)
            .privateKey(rsa.privateKey()).publicKey(rsa.publicKey()).provider(token.provider()).build();
        return;
      }
    }
    this.pkcs1Unwrapper = null;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The key namespace, written as the encrypted data keys' provider id. */
  public String keyNamespace() {
    return namespace;
  }

  /** The key name, written in the encrypted data keys' provider info. */
  public String keyName() {
    return name;
  }

  @Override
  public EncryptionMaterials onEncrypt(EncryptionMaterials materials) {
    return translate(() -> wrapper.onEncrypt(materials), "wrap the data key");
  }

  @Override
  public DecryptionMaterials onDecrypt(DecryptionMaterials materials, List<EncryptedDataKey> keys) {
    if (rsa == null) {
      return translate(() -> wrapper.onDecrypt(materials, keys), "unwrap a data key");
    }
    if (pkcs1Unwrapper != null) {
      return translate(() -> pkcs1Unwrapper.onDecrypt(materials, keys), "unwrap a data key");
    }
    return translate(() -> rsaDecrypt(materials, keys), "unwrap a data key");
  }

  /** spec: framework/raw-rsa-keyring.md#ondecrypt, with the private-key operation in the token. */
  private DecryptionMaterials rsaDecrypt(DecryptionMaterials materials, List<EncryptedDataKey> keys) {
    if (materials.hasDataKey()) {
      throw new IllegalStateException("the decryption materials already have a data key");
    }
    int dataKeyLength = materials.algorithmSuite().dataKeyLength();
    int candidates = 0;
    for (EncryptedDataKey edk : keys) {
      if (!edk.providerId().equals(namespace) || !edk.providerInfoEquals(nameUtf8)) {
        continue;
      }
      candidates++;
      byte[] plaintextKey = rsaUnwrap(edk.ciphertext());
      if (plaintextKey == null) {
        continue; // not this key (or another padding): try the next one
      }
      try {
        if (plaintextKey.length == dataKeyLength) {
          return materials.withDataKey(DataKey.copyOf(plaintextKey));
        }
      } finally {
        Arrays.fill(plaintextKey, (byte) 0);
      }
    }
    if (candidates == 0) {
      Set<String> providers = new LinkedHashSet<>();
      keys.forEach(k -> providers.add(k.providerId()));
      throw new NoMatchingKeyException(
          "no encrypted data key is for PKCS#11 RSA key " + this + "; the message's keys are from " + providers);
    }
    throw new NoMatchingKeyException(
        "PKCS#11 RSA key " + this + " could not decrypt the encrypted data keys named for it: the"
            + " private key or the padding (" + padding.id() + ") differs from the one used to encrypt");
  }

  /**
   * The OAEP-unwrapped data key, or null if the ciphertext does not decrypt under this key and
   * padding. Token failures surface as {@link ProviderException}s, which {@link #translate} maps.
   */
  private byte[] rsaUnwrap(byte[] ciphertext) {
    try {
      OAEPEncoding oaep = new OAEPEncoding(
          new TokenRawRsa(token.provider(), rsa.privateKey(), rsa.publicKey().getModulus().bitLength()),
          digest(), digest(), null);
      oaep.init(false, null);
      return oaep.processBlock(ciphertext, 0, ciphertext.length);
    } catch (InvalidCipherTextException wrongKey) {
      return null;
    }
  }

  /** The OAEP hash, also used for MGF1, as core's {@link RsaPadding} and the ESDK define it. */
  private Digest digest() {
    switch (padding) {
      case OAEP_SHA1_MGF1:
        return new SHA1Digest();
      case OAEP_SHA256_MGF1:
        return new SHA256Digest();
      case OAEP_SHA384_MGF1:
        return new SHA384Digest();
      case OAEP_SHA512_MGF1:
        return new SHA512Digest();
      default:
        throw new IllegalStateException("no OAEP digest for " + padding);
    }
  }

  /** Keeps "not my key" as is and turns token failures into {@link Pkcs11Exception}. */
  private <T> T translate(Supplier<T> operation, String action) {
    try {
      return operation.get();
    } catch (Pkcs11Exception | NoMatchingKeyException | IllegalStateException e) {
      throw e;
    } catch (KeyProviderException | ProviderException e) {
      throw new Pkcs11Exception(KeyProviderException.Reason.SERVICE_ERROR,
          "PKCS#11 keyring " + this + " could not " + action + ": " + Pkcs11Token.rootMessage(e)
              + " (was the key destroyed, or the token removed?)", e);
    }
  }

  /** Shows namespace, name, key label and token; never key material. */
  @Override
  public String toString() {
    return "'" + namespace + "'/'" + name + "' (" + (padding == null ? "AES" : "RSA " + padding.id())
        + " key '" + label + "' on " + token.description() + ")";
  }

  /** Configures a {@link Pkcs11Keyring}: token, keyNamespace and keyLabel are required. */
  public static final class Builder {
    private Pkcs11Token token;
    private String namespace;
    private String label;
    private String name;
    private RsaPadding padding;

    private Builder() {}

    /** The open token that holds the key. */
    public Builder token(Pkcs11Token token) {
      Objects.requireNonNull(token, "token");
      if (this.token != null) {
        throw new IllegalStateException("token was already set");
      }
      this.token = token;
      return this;
    }

    /** The key namespace, written as the provider id (as a raw keyring's). Must not start with {@code aws-kms}. */
    public Builder keyNamespace(String namespace) {
      Objects.requireNonNull(namespace, "namespace");
      if (this.namespace != null) {
        throw new IllegalStateException("keyNamespace was already set");
      }
      if (namespace.isEmpty()) {
        throw new IllegalArgumentException("the key namespace cannot be empty");
      }
      this.namespace = namespace;
      return this;
    }

    /** The label of the key (AES) or key pair (RSA) in the token. */
    public Builder keyLabel(String label) {
      Objects.requireNonNull(label, "label");
      if (this.label != null) {
        throw new IllegalStateException("keyLabel was already set");
      }
      if (label.isEmpty()) {
        throw new IllegalArgumentException("the key label cannot be empty");
      }
      this.label = label;
      return this;
    }

    /**
     * The key name written into the encrypted data keys (the ESDK's key id). Default: the key
     * label. Set it when the label differs from the name other parties use for the key.
     */
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

    /** Makes this an RSA keyring over the key pair labelled {@link #keyLabel}, with this padding. */
    public Builder rsaPadding(RsaPadding padding) {
      Objects.requireNonNull(padding, "padding");
      if (this.padding != null) {
        throw new IllegalStateException("rsaPadding was already set");
      }
      this.padding = padding;
      return this;
    }

    /**
     * Finds the key in the token and checks the token offers the mechanisms the keyring needs.
     *
     * @throws IllegalStateException if token, keyNamespace or keyLabel is missing
     * @throws IllegalArgumentException if the namespace is reserved ({@code aws-kms...})
     * @throws Pkcs11Exception {@code KEY_NOT_FOUND}, {@code WRONG_KEY_TYPE}, {@code
     *     UNSUPPORTED} or {@code SERVICE_ERROR}
     */
    public Pkcs11Keyring build() {
      if (token == null || namespace == null || label == null) {
        throw new IllegalStateException("a PKCS#11 keyring needs token, keyNamespace and keyLabel");
      }
      return new Pkcs11Keyring(this);
    }
  }
}
