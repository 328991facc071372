package dev.envelope.materials;

import dev.envelope.AlgorithmSuite;
import dev.envelope.CommitmentPolicy;
import dev.envelope.ContextMismatchException;
import dev.envelope.DataKey;
import dev.envelope.DecryptionMaterials;
import dev.envelope.DecryptionMaterialsRequest;
import dev.envelope.EncryptionContext;
import dev.envelope.EncryptionMaterials;
import dev.envelope.EncryptionMaterialsRequest;
import dev.envelope.Keyring;
import dev.envelope.MalformedMessageException;
import dev.envelope.MaterialsManager;
import dev.envelope.internal.crypto.EcKeys;
import dev.envelope.internal.crypto.SigningKeys;
import dev.envelope.internal.observe.KeyringCalls;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The standard materials manager around one keyring (spec: framework/default-cmm.md).
 *
 * <p>Encrypt: picks the requested suite or the commitment policy's default; for signing suites
 * creates a fresh ECDSA key pair per message and stores its public key in the context under
 * {@code aws-crypto-public-key}; asks the keyring for the data key.
 *
 * <p>Decrypt: checks the suite against the commitment policy; for signing suites decodes the
 * verification key from the stored context (and refuses a non-signing message that carries one);
 * merges the caller's expected pairs: a pair whose key is stored must match, a pair whose key is not
 * stored becomes required (authenticate-only) context; asks the keyring to recover the data key.
 *
 * <p>Signing key pairs come from a small queue that a daemon thread keeps filled, so the caller
 * only signs; {@link #DefaultMaterialsManager(Keyring, int)} sets its depth (0: no queue and no
 * thread, every pair is generated on the caller's thread). Each pair is used for one message only.
 *
 * <p>Thread-safe if the keyring is.
 */
public final class DefaultMaterialsManager implements MaterialsManager {
  /** The deepest signing-key queue {@link #DefaultMaterialsManager(Keyring, int)} accepts. */
  public static final int MAX_SIGNING_KEY_PREFETCH = SigningKeys.MAX_DEPTH;

  private final Keyring keyring;
  private final int signingKeyPrefetch;

  /**
   * A manager around {@code keyring} with the JVM-wide signing-key prefetch depth (system property
   * {@code dev.envelope.signing.prefetch}, default 8, read once).
   */
  public DefaultMaterialsManager(Keyring keyring) {
    this(keyring, SigningKeys.defaultDepth());
  }

  /**
   * A manager around {@code keyring} that prefetches up to {@code signingKeyPrefetch} signing key
   * pairs per curve on a daemon thread; 0 generates each pair on the caller's thread and starts no
   * thread.
   *
   * @throws IllegalArgumentException if {@code signingKeyPrefetch} is not between 0 and {@value
   *     #MAX_SIGNING_KEY_PREFETCH}
   */
  public DefaultMaterialsManager(Keyring keyring, int signingKeyPrefetch) {
    this.keyring = Objects.requireNonNull(keyring, "keyring");
    if (signingKeyPrefetch < 0 || signingKeyPrefetch > MAX_SIGNING_KEY_PREFETCH) {
      throw new IllegalArgumentException(
          "signingKeyPrefetch must be between 0 and " + MAX_SIGNING_KEY_PREFETCH + ": "
              + signingKeyPrefetch);
    }
    this.signingKeyPrefetch = signingKeyPrefetch;
  }

  /** How many signing key pairs per curve this manager prefetches; 0 for none. */
  public int signingKeyPrefetch() {
    return signingKeyPrefetch;
  }

  public Keyring keyring() {
    return keyring;
  }

  @Override
  public EncryptionMaterials getEncryptionMaterials(EncryptionMaterialsRequest request) {
    CommitmentPolicy policy = request.commitmentPolicy();
    AlgorithmSuite suite = request.algorithmSuite().orElse(policy.defaultSuite());
    policy.checkEncrypt(suite, "the requested suite");
    EncryptionContext context = request.encryptionContext();
    if (context.containsKey(EncryptionContext.PUBLIC_KEY_FIELD)) {
      throw new IllegalArgumentException(
          "the encryption context already has " + EncryptionContext.PUBLIC_KEY_FIELD
              + ", which the library sets for signing suites; remove it");
    }
    EncryptionMaterials.Builder builder;
    if (suite.isSigned()) {
      KeyPair pair = SigningKeys.next(suite.signing(), signingKeyPrefetch);
      String encoded = EcKeys.encodePublicKey((ECPublicKey) pair.getPublic(), suite.signing());
      builder =
          EncryptionMaterials.builder(suite, context.with(EncryptionContext.PUBLIC_KEY_FIELD, encoded))
              .signingKey(pair.getPrivate());
    } else {
      builder = EncryptionMaterials.builder(suite, context);
    }
    EncryptionMaterials start = builder.requiredContextKeys(request.requiredContextKeys()).build();
    EncryptionMaterials result = KeyringCalls.onEncrypt(keyring, start);
    if (!result.hasDataKey() || result.encryptedDataKeys().isEmpty()) {
      result.dataKey().ifPresent(DataKey::close);
      throw new IllegalStateException(
          "keyring " + keyring + " returned materials without a data key or without an encrypted"
              + " data key");
    }
    if (result.algorithmSuite() != suite || !result.encryptionContext().equals(start.encryptionContext())) {
      result.dataKey().ifPresent(DataKey::close);
      throw new IllegalStateException("keyring " + keyring + " changed the suite or the encryption context");
    }
    return result;
  }

  @Override
  public DecryptionMaterials getDecryptionMaterials(DecryptionMaterialsRequest request) {
    AlgorithmSuite suite = request.algorithmSuite();
    request.commitmentPolicy().checkDecrypt(suite);
    EncryptionContext stored = request.storedContext();
    PublicKey verificationKey = null;
    String encodedKey = stored.get(EncryptionContext.PUBLIC_KEY_FIELD).orElse(null);
    if (suite.isSigned()) {
      if (encodedKey == null) {
        throw new MalformedMessageException(
            "suite " + suite.idHex() + " signs messages, but the message has no "
                + EncryptionContext.PUBLIC_KEY_FIELD + " in its encryption context");
      }
      verificationKey = EcKeys.decodePublicKey(encodedKey, suite.signing());
    } else if (encodedKey != null) {
      throw new MalformedMessageException(
          "suite " + suite.idHex() + " does not sign, but the message carries a public key in its"
              + " encryption context");
    }

    EncryptionContext full = stored;
    Set<String> required = Set.of();
    List<String> differing = List.of();
    if (!request.reproducedContext().isEmpty()) {
      Set<String> requiredKeys = new HashSet<>();
      List<String> differingKeys = new ArrayList<>();
      EncryptionContext.Builder merged = null;
      for (var pair : request.reproducedContext().asMap().entrySet()) {
        String storedValue = stored.get(pair.getKey()).orElse(null);
        if (storedValue == null) {
          if (merged == null) {
            merged = EncryptionContext.builder().putAll(stored.asMap());
          }
          merged.put(pair.getKey(), pair.getValue());
          requiredKeys.add(pair.getKey());
        } else if (!storedValue.equals(pair.getValue())) {
          differingKeys.add(pair.getKey());
        }
      }
      full = merged == null ? stored : merged.build();
      required = requiredKeys;
      differing = differingKeys;
    }
    if (!differing.isEmpty()) {
      throw new ContextMismatchException(
          "the message's encryption context has different values for " + differing
              + " than expected", differing);
    }
    DecryptionMaterials start = DecryptionMaterials.of(suite, full, required, verificationKey);
    DecryptionMaterials result = KeyringCalls.onDecrypt(keyring, start, request.encryptedDataKeys());
    if (!result.hasDataKey()) {
      throw new IllegalStateException("keyring " + keyring + " returned materials without a data key");
    }
    return result;
  }

  @Override
  public String toString() {
    return "DefaultMaterialsManager[" + keyring + "]";
  }
}
