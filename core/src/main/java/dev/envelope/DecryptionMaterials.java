package dev.envelope;

import java.security.PublicKey;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a message is decrypted with: its algorithm suite, the full encryption context (the pairs
 * stored in the message plus the required pairs the caller supplied), the recovered plaintext data
 * key and, for signing suites, the verification key.
 *
 * <p>A materials manager creates them without a data key; one keyring sets it with {@link
 * #withDataKey(DataKey)}. Immutable and thread-safe.
 */
public final class DecryptionMaterials {
  private final AlgorithmSuite suite;
  private final EncryptionContext context;
  private final Set<String> requiredContextKeys;
  private final DataKey dataKey;
  private final PublicKey verificationKey;

  private DecryptionMaterials(
      AlgorithmSuite suite,
      EncryptionContext context,
      Set<String> requiredContextKeys,
      DataKey dataKey,
      PublicKey verificationKey) {
    this.suite = suite;
    this.context = context;
    this.requiredContextKeys = requiredContextKeys;
    this.dataKey = dataKey;
    this.verificationKey = verificationKey;
  }

  /**
   * Materials without a data key.
   *
   * @param requiredContextKeys keys of {@code context} that are authenticated but not stored in
   *     the message; each must be in {@code context}
   * @param verificationKey the signature key; required for signing suites, {@code null} otherwise
   */
  public static DecryptionMaterials of(
      AlgorithmSuite suite,
      EncryptionContext context,
      Set<String> requiredContextKeys,
      PublicKey verificationKey) {
    Objects.requireNonNull(suite, "suite");
    Objects.requireNonNull(context, "context");
    for (String key : requiredContextKeys) {
      if (!context.containsKey(key)) {
        throw new IllegalArgumentException(
            "required encryption context key '" + key + "' is not in the encryption context");
      }
    }
    if (suite.isSigned() != (verificationKey != null)) {
      throw new IllegalArgumentException(
          "suite " + suite.idHex() + (suite.isSigned() ? " needs" : " must not have")
              + " a verification key");
    }
    return new DecryptionMaterials(
        suite, context, Set.copyOf(requiredContextKeys), null, verificationKey);
  }

  public AlgorithmSuite algorithmSuite() {
    return suite;
  }

  /** The full context: stored pairs plus the required (authenticate-only) pairs. */
  public EncryptionContext encryptionContext() {
    return context;
  }

  /** Keys of the context that are authenticated but not stored in the message. */
  public Set<String> requiredContextKeys() {
    return requiredContextKeys;
  }

  public boolean hasDataKey() {
    return dataKey != null;
  }

  public Optional<DataKey> dataKey() {
    return Optional.ofNullable(dataKey);
  }

  public Optional<PublicKey> verificationKey() {
    return Optional.ofNullable(verificationKey);
  }

  /**
   * A copy with the recovered data key.
   *
   * @throws IllegalStateException if a data key is already set
   * @throws IllegalArgumentException if its length is not the suite's data key length
   */
  public DecryptionMaterials withDataKey(DataKey key) {
    Objects.requireNonNull(key, "key");
    if (dataKey != null) {
      throw new IllegalStateException("these decryption materials already have a data key");
    }
    EncryptionMaterials.checkDataKeyLength(suite, key);
    return new DecryptionMaterials(suite, context, requiredContextKeys, key, verificationKey);
  }

  @Override
  public String toString() {
    return "DecryptionMaterials[suite=" + suite.idHex() + ", context=" + context + ", dataKey="
        + (dataKey == null ? "none" : "redacted") + "]";
  }
}
