package dev.envelope;

import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a message is encrypted with: the algorithm suite, the full encryption context, the
 * plaintext data key and its encrypted copies, and (for signing suites) the signing key.
 *
 * <p>Materials managers create them; keyrings add a data key and encrypted data keys through the
 * {@code with...} methods, each of which returns a new instance. Immutable and thread-safe; the
 * {@link DataKey} they hold is shared between the instances derived from one another, and whoever
 * finishes with the materials last closes it (the {@link Envelope} does so after each message).
 */
public final class EncryptionMaterials {
  /**
   * Told how many plaintext bytes are encrypted under these materials as they flow, so a caching
   * materials manager can charge a shared data key's byte limit. It may refuse by throwing {@link
   * PolicyViolationException}, before those bytes are encrypted.
   */
  @FunctionalInterface
  public interface PlaintextMeter {
    void charge(long plaintextBytes);
  }

  private final AlgorithmSuite suite;
  private final EncryptionContext context;
  private final List<EncryptedDataKey> encryptedDataKeys;
  private final Set<String> requiredContextKeys;
  private final DataKey dataKey;
  private final PrivateKey signingKey;
  private final PlaintextMeter meter;

  private EncryptionMaterials(
      AlgorithmSuite suite,
      EncryptionContext context,
      List<EncryptedDataKey> encryptedDataKeys,
      Set<String> requiredContextKeys,
      DataKey dataKey,
      PrivateKey signingKey,
      PlaintextMeter meter) {
    this.suite = suite;
    this.context = context;
    this.encryptedDataKeys = encryptedDataKeys;
    this.requiredContextKeys = requiredContextKeys;
    this.dataKey = dataKey;
    this.signingKey = signingKey;
    this.meter = meter;
  }

  /** Starts materials for {@code suite} and {@code context}, without keys. */
  public static Builder builder(AlgorithmSuite suite, EncryptionContext context) {
    return new Builder(suite, context);
  }

  public Builder toBuilder() {
    Builder b = new Builder(suite, context);
    b.encryptedDataKeys.addAll(encryptedDataKeys);
    b.requiredContextKeys = requiredContextKeys;
    b.dataKey = dataKey;
    b.signingKey = signingKey;
    b.meter = meter;
    return b;
  }

  public AlgorithmSuite algorithmSuite() {
    return suite;
  }

  /**
   * The full encryption context: what the keyrings bind, including the keys that are only
   * authenticated and not stored in the message, and {@code aws-crypto-public-key} for signing suites.
   */
  public EncryptionContext encryptionContext() {
    return context;
  }

  public List<EncryptedDataKey> encryptedDataKeys() {
    return encryptedDataKeys;
  }

  /** Context keys that are authenticated but not stored in the message header. */
  public Set<String> requiredContextKeys() {
    return requiredContextKeys;
  }

  public boolean hasDataKey() {
    return dataKey != null;
  }

  /** The plaintext data key, if a keyring has set one. */
  public Optional<DataKey> dataKey() {
    return Optional.ofNullable(dataKey);
  }

  /** The per-message signing key of a signing suite. */
  public Optional<PrivateKey> signingKey() {
    return Optional.ofNullable(signingKey);
  }

  /** The meter charged as plaintext flows, if the materials manager attached one. */
  public Optional<PlaintextMeter> plaintextMeter() {
    return Optional.ofNullable(meter);
  }

  /**
   * A copy with the plaintext data key set.
   *
   * @throws IllegalStateException if a data key is already set
   * @throws IllegalArgumentException if its length is not the suite's data key length
   */
  public EncryptionMaterials withDataKey(DataKey key) {
    Objects.requireNonNull(key, "key");
    if (dataKey != null) {
      throw new IllegalStateException("these encryption materials already have a data key");
    }
    checkDataKeyLength(suite, key);
    return new EncryptionMaterials(
        suite, context, encryptedDataKeys, requiredContextKeys, key, signingKey, meter);
  }

  /** A copy with one more encrypted data key. */
  public EncryptionMaterials withEncryptedDataKey(EncryptedDataKey key) {
    Objects.requireNonNull(key, "key");
    List<EncryptedDataKey> keys = new ArrayList<>(encryptedDataKeys.size() + 1);
    keys.addAll(encryptedDataKeys);
    keys.add(key);
    return new EncryptionMaterials(
        suite, context, Collections.unmodifiableList(keys), requiredContextKeys, dataKey, signingKey, meter);
  }

  static void checkDataKeyLength(AlgorithmSuite suite, DataKey key) {
    if (key.length() != suite.dataKeyLength()) {
      throw new IllegalArgumentException(
          "data key is " + key.length() + " bytes, suite " + suite.idHex() + " needs "
              + suite.dataKeyLength());
    }
  }

  @Override
  public String toString() {
    return "EncryptionMaterials[suite=" + suite.idHex() + ", context=" + context
        + ", encryptedDataKeys=" + encryptedDataKeys.size() + ", dataKey="
        + (dataKey == null ? "none" : "redacted") + "]";
  }

  /** Builds materials; used by materials managers. */
  public static final class Builder {
    private final AlgorithmSuite suite;
    private final EncryptionContext context;
    private final List<EncryptedDataKey> encryptedDataKeys = new ArrayList<>();
    private Set<String> requiredContextKeys = Set.of();
    private DataKey dataKey;
    private PrivateKey signingKey;
    private PlaintextMeter meter;

    private Builder(AlgorithmSuite suite, EncryptionContext context) {
      this.suite = Objects.requireNonNull(suite, "suite");
      this.context = Objects.requireNonNull(context, "context");
    }

    /** Keys of the context that are authenticated but not stored; each must be in the context. */
    public Builder requiredContextKeys(Set<String> keys) {
      for (String key : keys) {
        if (!context.containsKey(key)) {
          throw new IllegalArgumentException(
              "required encryption context key '" + key + "' is not in the encryption context");
        }
      }
      this.requiredContextKeys = Set.copyOf(keys);
      return this;
    }

    public Builder dataKey(DataKey key) {
      checkDataKeyLength(suite, key);
      this.dataKey = key;
      return this;
    }

    public Builder addEncryptedDataKey(EncryptedDataKey key) {
      encryptedDataKeys.add(Objects.requireNonNull(key, "key"));
      return this;
    }

    public Builder encryptedDataKeys(List<EncryptedDataKey> keys) {
      encryptedDataKeys.clear();
      encryptedDataKeys.addAll(keys);
      return this;
    }

    public Builder signingKey(PrivateKey key) {
      this.signingKey = key;
      return this;
    }

    public Builder plaintextMeter(PlaintextMeter meter) {
      this.meter = meter;
      return this;
    }

    /**
     * @throws IllegalArgumentException if a signing suite has no signing key or the context has no
     *     public key field, or a non-signing suite has either
     */
    public EncryptionMaterials build() {
      boolean hasPublicKey = context.containsKey(EncryptionContext.PUBLIC_KEY_FIELD);
      if (suite.isSigned() && (signingKey == null || !hasPublicKey)) {
        throw new IllegalArgumentException(
            "suite " + suite.idHex() + " signs messages: the materials need a signing key and the"
                + " context field " + EncryptionContext.PUBLIC_KEY_FIELD);
      }
      if (!suite.isSigned() && (signingKey != null || hasPublicKey)) {
        throw new IllegalArgumentException(
            "suite " + suite.idHex() + " does not sign: the materials must have no signing key and"
                + " no context field " + EncryptionContext.PUBLIC_KEY_FIELD);
      }
      return new EncryptionMaterials(
          suite,
          context,
          Collections.unmodifiableList(new ArrayList<>(encryptedDataKeys)),
          requiredContextKeys,
          dataKey,
          signingKey,
          meter);
    }
  }
}
