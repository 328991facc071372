package dev.envelope.testing;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.CryptoAlgorithm;
import com.amazonaws.encryptionsdk.CryptoResult;
import com.amazonaws.encryptionsdk.MasterKey;
import com.amazonaws.encryptionsdk.MasterKeyProvider;
import com.amazonaws.encryptionsdk.jce.JceMasterKey;
import dev.envelope.AlgorithmSuite;
import dev.envelope.EncryptionContext;
import dev.envelope.Keyring;
import dev.envelope.keyring.RawAesKeyring;
import dev.envelope.keyring.RawRsaKeyring;
import dev.envelope.keyring.RsaPadding;
import java.security.KeyPair;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.spec.SecretKeySpec;

/**
 * Adapters to the real AWS Encryption SDK for Java (3.0.2, test scope) for interop tests: one
 * wrapping key as both an Envelope keyring and the ESDK's {@link JceMasterKey}, built the way each
 * library documents, and {@link AwsCrypto} clients per suite and frame size.
 *
 * <p>{@code JceMasterKey} is the ESDK's raw key: in AES mode it writes provider info {@code key id
 * ‖ tag bits ‖ IV length ‖ IV} and binds the encryption context as AAD, in RSA mode provider info
 * {@code key id}; the same layouts as {@link RawAesKeyring} and {@link RawRsaKeyring}.
 */
public final class Esdk {
  private static final Map<String, AwsCrypto> CLIENTS = new ConcurrentHashMap<>();

  private Esdk() {}

  /** One wrapping key seen from both libraries. */
  public static final class MatchedKey {
    private final String label;
    private final Keyring keyring;
    private final JceMasterKey masterKey;

    MatchedKey(String label, Keyring keyring, JceMasterKey masterKey) {
      this.label = label;
      this.keyring = keyring;
      this.masterKey = masterKey;
    }

    /** A short name for test display, e.g. {@code aes-256} or {@code rsa-oaep-sha256}. */
    public String label() {
      return label;
    }

    public Keyring keyring() {
      return keyring;
    }

    public JceMasterKey masterKey() {
      return masterKey;
    }

    @Override
    public String toString() {
      return label;
    }
  }

  /** A raw AES key (16, 24 or 32 bytes) as a {@link RawAesKeyring} and an ESDK {@link JceMasterKey}. */
  public static MatchedKey rawAes(String namespace, String name, byte[] key) {
    Keyring keyring =
        RawAesKeyring.builder().keyNamespace(namespace).keyName(name).wrappingKey(key).build();
    return new MatchedKey("aes-" + key.length * 8, keyring, aesMasterKey(namespace, name, key));
  }

  /** An RSA key pair as a {@link RawRsaKeyring} and an ESDK {@link JceMasterKey} with the same padding. */
  public static MatchedKey rawRsa(String namespace, String name, RsaPadding padding, KeyPair pair) {
    Keyring keyring =
        RawRsaKeyring.builder()
            .keyNamespace(namespace)
            .keyName(name)
            .padding(padding)
            .publicKey(pair.getPublic())
            .privateKey(pair.getPrivate())
            .build();
    return new MatchedKey(
        "rsa-" + padding.id(), keyring, rsaMasterKey(namespace, name, padding, pair));
  }

  /** The ESDK's raw AES master key: provider id = namespace, key id = name. */
  public static JceMasterKey aesMasterKey(String namespace, String name, byte[] key) {
    return JceMasterKey.getInstance(new SecretKeySpec(key, "AES"), namespace, name, "AES/GCM/NoPadding");
  }

  /** The ESDK's raw RSA master key with the transformation matching {@code padding}. */
  public static JceMasterKey rsaMasterKey(String namespace, String name, RsaPadding padding, KeyPair pair) {
    return JceMasterKey.getInstance(
        pair.getPublic(), pair.getPrivate(), namespace, name, rsaTransformation(padding));
  }

  /**
   * The JCE transformation the ESDK's {@code JceMasterKey} accepts for {@code padding}. (Its
   * {@code RsaJceKeyCipher} turns {@code OAEPWith<H>AndMGF1Padding} into explicit OAEP parameters
   * with MGF1 over the same hash, as the spec requires.)
   */
  public static String rsaTransformation(RsaPadding padding) {
    switch (padding) {
      case PKCS1_LEGACY:
        return "RSA/ECB/PKCS1Padding";
      case OAEP_SHA1_MGF1:
        return "RSA/ECB/OAEPWithSHA-1AndMGF1Padding";
      case OAEP_SHA256_MGF1:
        return "RSA/ECB/OAEPWithSHA-256AndMGF1Padding";
      case OAEP_SHA384_MGF1:
        return "RSA/ECB/OAEPWithSHA-384AndMGF1Padding";
      case OAEP_SHA512_MGF1:
        return "RSA/ECB/OAEPWithSHA-512AndMGF1Padding";
      default:
        throw new IllegalArgumentException("unmapped padding " + padding);
    }
  }

  /** The ESDK's constant for {@code suite}, found by wire id. */
  public static CryptoAlgorithm algorithm(AlgorithmSuite suite) {
    for (CryptoAlgorithm algorithm : CryptoAlgorithm.values()) {
      if ((algorithm.getValue() & 0xFFFF) == suite.id()) {
        return algorithm;
      }
    }
    throw new IllegalArgumentException("the ESDK has no suite " + suite.idHex());
  }

  /**
   * An ESDK client that encrypts with {@code suite}, framed at {@code frameSize} bytes, or
   * non-framed when {@code frameSize} is 0. Its commitment policy is the one that allows the
   * suite: {@code RequireEncryptAllowDecrypt} for committing suites, {@code
   * ForbidEncryptAllowDecrypt} otherwise. Clients are cached.
   */
  public static AwsCrypto encryptor(AlgorithmSuite suite, int frameSize) {
    return CLIENTS.computeIfAbsent(
        suite.idHex() + "/" + frameSize,
        k ->
            AwsCrypto.builder()
                .withCommitmentPolicy(
                    suite.isCommitting()
                        ? com.amazonaws.encryptionsdk.CommitmentPolicy.RequireEncryptAllowDecrypt
                        : com.amazonaws.encryptionsdk.CommitmentPolicy.ForbidEncryptAllowDecrypt)
                .withEncryptionAlgorithm(algorithm(suite))
                .withEncryptionFrameSize(frameSize)
                .build());
  }

  /** An ESDK client that decrypts every suite ({@code RequireEncryptAllowDecrypt}). */
  public static AwsCrypto decryptor() {
    return CLIENTS.computeIfAbsent(
        "decrypt",
        k ->
            AwsCrypto.builder()
                .withCommitmentPolicy(com.amazonaws.encryptionsdk.CommitmentPolicy.RequireEncryptAllowDecrypt)
                .build());
  }

  /** Encrypts with the ESDK; {@code frameSize} 0 writes a non-framed message. */
  public static <K extends MasterKey<K>> byte[] encrypt(
      MasterKeyProvider<K> key, AlgorithmSuite suite, int frameSize, byte[] plaintext, EncryptionContext context) {
    return encryptor(suite, frameSize).encryptData(key, plaintext, toMap(context)).getResult();
  }

  /** Decrypts with the ESDK. */
  public static <K extends MasterKey<K>> CryptoResult<byte[], K> decrypt(MasterKeyProvider<K> key, byte[] message) {
    return decryptor().decryptData(key, message);
  }

  /** The context as the plain map the ESDK takes. */
  public static Map<String, String> toMap(EncryptionContext context) {
    return Map.copyOf(context.asMap());
  }
}
