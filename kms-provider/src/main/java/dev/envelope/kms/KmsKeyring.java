package dev.envelope.kms;

import dev.envelope.DataKey;
import dev.envelope.DecryptionMaterials;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionMaterials;
import dev.envelope.KeyProviderException;
import dev.envelope.Keyring;
import dev.envelope.kms.internal.DecryptAttempts;
import dev.envelope.kms.internal.KmsCaller;
import dev.envelope.kms.internal.KmsCaller.Generated;
import dev.envelope.kms.internal.KmsCaller.Outcome;
import dev.envelope.kms.internal.KmsCaller.Wrapped;
import dev.envelope.kms.internal.KmsIdentifier;
import dev.envelope.kms.internal.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Wraps data keys under one or more AWS KMS keys, and unwraps only with those keys: the strict
 * AWS KMS keyring of the AWS Encryption SDK, with several keys in one keyring (spec: keyrings.md
 * §6.2, and §6.4 with {@link Builder#multiRegionAware(boolean)}).
 *
 * <pre>
 * provider id    "aws-kms"
 * provider info  UTF-8 of the key ARN KMS returned (always a key ARN, also when configured by alias)
 * ciphertext     KMS CiphertextBlob
 * </pre>
 *
 * This is exactly what the ESDK's KMS keyrings write, so messages cross between the two in both
 * directions.
 *
 * <h2>Encrypt</h2>
 *
 * The generator key makes the data key with GenerateDataKey; every additional key then encrypts it
 * with Encrypt. The Encrypt calls run in parallel, each bounded by {@link Builder#callTimeout};
 * the encrypted data keys are in a fixed order all the same (generator first, then the additional
 * keys in configured order). If the materials already have a data key, every configured key
 * (generator included) encrypts it. Any failure fails the whole operation: a message is never
 * written that one of the configured keys could not open. Every call sends the full encryption
 * context of the materials (KMS binds it to the ciphertext) and the grant tokens.
 *
 * <h2>Decrypt</h2>
 *
 * Only {@code aws-kms} encrypted data keys whose key ARN equals a configured key (or, when
 * multi-Region aware, is a replica of a configured multi-Region key) are sent to KMS, always
 * naming the configured key ARN as {@code KeyId}; the data key is accepted only if KMS answers with
 * that same key ARN. Keys are tried in message order until one decrypts. Aliases cannot match on
 * decrypt, because messages record key ARNs; see {@link Builder#resolveAliasesOnDecrypt(boolean)}.
 *
 * <h2>Clients</h2>
 *
 * Give one {@link KmsClient} (all keys must be in its region), or a {@link KmsClientSupplier};
 * by default one client per region is built from the key ARNs and reused. A region is never
 * guessed: with a supplier every key must be an ARN.
 *
 * <h2>Security guarantees</h2>
 *
 * <ul>
 *   <li>Only the configured keys are ever asked to decrypt; KMS cannot substitute another key
 *       unnoticed (the response key id is checked).
 *   <li>Plaintext data keys returned by KMS are copied into a {@link DataKey} and the SDK's array
 *       is zeroed (best effort: the SDK's HTTP and JSON buffers are out of reach).
 *   <li>Failures are {@link KmsProviderException}s with the KMS error code and request id; no
 *       message carries key material or encryption-context values.
 *   <li>It does not hide which KMS keys protect a message: key ARNs are stored in the clear.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class KmsKeyring implements Keyring {
  private final KmsIdentifier generator;
  private final List<KmsIdentifier> additionalKeys;
  private final List<KmsIdentifier> allKeys;
  private final boolean multiRegionAware;
  private final boolean resolveAliases;
  private final KmsCaller caller;

  private KmsKeyring(Builder b, KmsCaller caller) {
    this.generator = b.generator;
    this.additionalKeys = List.copyOf(b.additionalKeys);
    List<KmsIdentifier> all = new ArrayList<>();
    if (generator != null) {
      all.add(generator);
    }
    all.addAll(additionalKeys);
    this.allKeys = List.copyOf(all);
    this.multiRegionAware = b.multiRegionAware;
    this.resolveAliases = b.resolveAliases;
    this.caller = caller;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The generator key identifier as configured, if any. */
  public Optional<String> generatorKey() {
    return Optional.ofNullable(generator).map(KmsIdentifier::value);
  }

  /** The additional key identifiers as configured, in order. */
  public List<String> additionalKeys() {
    List<String> ids = new ArrayList<>(additionalKeys.size());
    additionalKeys.forEach(k -> ids.add(k.value()));
    return List.copyOf(ids);
  }

  @Override
  public EncryptionMaterials onEncrypt(EncryptionMaterials materials) {
    Map<String, String> context = materials.encryptionContext().asMap();
    int length = materials.algorithmSuite().dataKeyLength();
    EncryptionMaterials result = materials;
    List<KmsIdentifier> wrappers;
    DataKey generated = null;
    if (!materials.hasDataKey()) {
      if (generator == null) {
        throw new IllegalStateException(
            "this KmsKeyring has no generator key, so it cannot make a data key: set generatorKey(...)"
                + " or use it after a keyring that makes one");
      }
      // spec: keyrings.md §6.2 OnEncrypt without a data key (GenerateDataKey).
      Generated g = caller.generateDataKey(generator, length, context);
      try {
        generated = DataKey.copyOf(g.plaintext);
      } finally {
        Arrays.fill(g.plaintext, (byte) 0);
      }
      result = result.withDataKey(generated).withEncryptedDataKey(edk(g.keyArn, g.ciphertext));
      wrappers = additionalKeys;
    } else {
      wrappers = allKeys;
    }
    if (wrappers.isEmpty()) {
      return result;
    }
    try {
      return wrapAll(result, wrappers, context);
    } catch (RuntimeException e) {
      if (generated != null) {
        generated.close();
      }
      throw e;
    }
  }

  // spec: keyrings.md §6.2 OnEncrypt with a data key (Encrypt), for each key; run in parallel,
  // results kept in configured order.
  private EncryptionMaterials wrapAll(
      EncryptionMaterials materials, List<KmsIdentifier> keys, Map<String, String> context) {
    byte[] plaintext = materials.dataKey().orElseThrow().copyPlaintext();
    List<Outcome<Wrapped>> outcomes;
    try {
      List<Callable<Wrapped>> calls = new ArrayList<>(keys.size());
      List<String[]> names = new ArrayList<>(keys.size());
      for (KmsIdentifier key : keys) {
        calls.add(() -> caller.encrypt(key, plaintext, context));
        names.add(new String[] {"Encrypt", key.value()});
      }
      outcomes = caller.runAll(calls, names);
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
    List<RuntimeException> failures = new ArrayList<>();
    EncryptionMaterials result = materials;
    for (Outcome<Wrapped> outcome : outcomes) {
      if (outcome.failure != null) {
        failures.add(outcome.failure);
      } else {
        result = result.withEncryptedDataKey(edk(outcome.value.keyArn, outcome.value.ciphertext));
      }
    }
    if (failures.isEmpty()) {
      return result;
    }
    throw combine(failures, keys.size());
  }

  private static RuntimeException combine(List<RuntimeException> failures, int total) {
    RuntimeException first = failures.get(0);
    if (failures.size() == 1) {
      return first;
    }
    StringBuilder m = new StringBuilder("KMS could not encrypt the data key under ")
        .append(failures.size()).append(" of ").append(total).append(" keys");
    for (RuntimeException f : failures) {
      m.append("; ").append(f.getMessage());
    }
    KmsProviderException e;
    if (first instanceof KmsProviderException) {
      KmsProviderException k = (KmsProviderException) first;
      e = new KmsProviderException(k.reason(), m.toString(), k.operation().orElse(null),
          k.keyId().orElse(null), k.errorCode().orElse(null), k.requestId().orElse(null), k);
    } else {
      e = new KmsProviderException(KeyProviderException.Reason.OTHER, m.toString(), "Encrypt",
          null, null, null, first);
    }
    for (int i = 1; i < failures.size(); i++) {
      e.addSuppressed(failures.get(i));
    }
    return e;
  }

  private static EncryptedDataKey edk(KmsIdentifier keyArn, byte[] ciphertext) {
    // spec: keyrings.md §6.2: provider info = UTF-8 of the KeyId KMS returned (a key ARN).
    return EncryptedDataKey.of(DecryptAttempts.PROVIDER_ID, keyArn.value(), ciphertext);
  }

  @Override
  public DecryptionMaterials onDecrypt(DecryptionMaterials materials, List<EncryptedDataKey> keys) {
    if (materials.hasDataKey()) {
      throw new IllegalStateException("the decryption materials already have a data key");
    }
    DecryptAttempts attempts = new DecryptAttempts("KmsKeyring " + idList(allKeys), keys.size());
    List<KmsIdentifier> candidates = new ArrayList<>(allKeys.size());
    List<KmsIdentifier> unresolved = new ArrayList<>();
    for (KmsIdentifier key : allKeys) {
      if (key.isKeyArn()) {
        candidates.add(key);
      } else if (resolveAliases) {
        try {
          candidates.add(caller.describeKey(key));
        } catch (KmsProviderException e) {
          attempts.failed(-1, null, e);
        }
      } else {
        unresolved.add(key);
      }
    }
    Map<String, String> context = materials.encryptionContext().asMap();
    int length = materials.algorithmSuite().dataKeyLength();
    Set<String> mrkHints = new LinkedHashSet<>();
    for (int i = 0; i < keys.size(); i++) {
      EncryptedDataKey edk = keys.get(i);
      Optional<KmsIdentifier> arn = attempts.kmsKeyArn(i, edk);
      if (arn.isEmpty()) {
        continue;
      }
      KmsIdentifier match = match(candidates, arn.get());
      if (match == null) {
        attempts.skipped(i, edk, "not one of this keyring's keys");
        if (!multiRegionAware) {
          for (KmsIdentifier c : candidates) {
            if (KmsIdentifier.mrkMatch(c, arn.get())) {
              mrkHints.add(arn.get() + " is a replica of the configured multi-Region key " + c);
            }
          }
        }
        continue;
      }
      byte[] plaintext = null;
      try {
        plaintext = caller.decrypt(match, match.region().orElse(null), edk.ciphertext(), length, context);
        return materials.withDataKey(DataKey.copyOf(plaintext));
      } catch (KmsProviderException e) {
        attempts.failed(i, edk, e);
      } finally {
        if (plaintext != null) {
          Arrays.fill(plaintext, (byte) 0);
        }
      }
    }
    throw attempts.failure(hint(unresolved, mrkHints));
  }

  // spec: keyrings.md §6.2 (strict: provider info equals the configured ARN) and §6.4 (MRK keyring:
  // MRK match for decrypt, KMS called with the configured ARN).
  private KmsIdentifier match(List<KmsIdentifier> candidates, KmsIdentifier recorded) {
    for (KmsIdentifier c : candidates) {
      if (multiRegionAware ? KmsIdentifier.mrkMatch(c, recorded) : c.value().equals(recorded.value())) {
        return c;
      }
    }
    return null;
  }

  private static String hint(List<KmsIdentifier> unresolved, Set<String> mrkHints) {
    List<String> hints = new ArrayList<>();
    if (!unresolved.isEmpty()) {
      hints.add("This keyring names " + idList(unresolved) + " by alias or key id, but messages"
          + " record the key ARN KMS returned, never an alias or bare id, so these can never match"
          + " on decrypt. Configure the key ARNs (arn:PARTITION:kms:REGION:ACCOUNT:key/ID), or set"
          + " resolveAliasesOnDecrypt(true) to look them up with DescribeKey when decrypting");
    }
    if (!mrkHints.isEmpty()) {
      hints.add(String.join("; ", mrkHints)
          + ": build the keyring with multiRegionAware(true) to decrypt with the replica");
    }
    return hints.isEmpty() ? null : String.join(". ", hints);
  }

  private static String idList(List<KmsIdentifier> keys) {
    return keys.toString();
  }

  @Override
  public String toString() {
    return "KmsKeyring[generator=" + generator + ", additionalKeys=" + additionalKeys
        + (multiRegionAware ? ", multiRegionAware" : "") + ", " + caller + "]";
  }

  /**
   * Configures a {@link KmsKeyring}. Give a generator key, additional keys, or both. Each setting
   * may be set once.
   */
  public static final class Builder {
    private KmsIdentifier generator;
    private final List<KmsIdentifier> additionalKeys = new ArrayList<>();
    private KmsClient client;
    private KmsClientSupplier supplier;
    private List<String> grantTokens;
    private Duration callTimeout;
    private boolean multiRegionAware;
    private boolean multiRegionAwareSet;
    private boolean resolveAliases;
    private boolean resolveAliasesSet;

    private Builder() {}

    /**
     * The key that makes data keys (GenerateDataKey): a key ARN, alias ARN, alias name or key id
     * (the last two only with {@link #kmsClient}).
     */
    public Builder generatorKey(String keyId) {
      Settings.checkUnset(generator, "generatorKey");
      generator = KmsIdentifier.parse(keyId);
      return this;
    }

    /** Keys that each encrypt the data key as well (Encrypt), in this order. */
    public Builder additionalKeys(List<String> keyIds) {
      Objects.requireNonNull(keyIds, "keyIds");
      if (!additionalKeys.isEmpty()) {
        throw new IllegalStateException("additionalKeys was already set");
      }
      for (String id : keyIds) {
        additionalKeys.add(KmsIdentifier.parse(id));
      }
      return this;
    }

    /** Same as {@link #additionalKeys(List)}. */
    public Builder additionalKeys(String... keyIds) {
      return additionalKeys(Arrays.asList(keyIds));
    }

    /** The one client for every call; every key must be in its region. */
    public Builder kmsClient(KmsClient client) {
      Settings.checkUnset(this.client, "kmsClient");
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /** Where to get the client for each key's region (the region comes from the key ARN). */
    public Builder clientSupplier(KmsClientSupplier supplier) {
      Settings.checkUnset(this.supplier, "clientSupplier");
      this.supplier = Objects.requireNonNull(supplier, "supplier");
      return this;
    }

    /** Grant tokens sent with every call (at most 10), for grants not yet in effect everywhere. */
    public Builder grantTokens(List<String> tokens) {
      Settings.checkUnset(grantTokens, "grantTokens");
      grantTokens = Settings.grantTokens(tokens);
      return this;
    }

    /**
     * The bound on each KMS call, the SDK's retries included (default 30 s). It overrides the
     * client's own API call timeout.
     */
    public Builder callTimeout(Duration timeout) {
      Settings.checkUnset(callTimeout, "callTimeout");
      callTimeout = Settings.callTimeout(timeout);
      return this;
    }

    /**
     * Whether decrypt accepts an encrypted data key wrapped by another region's replica of a
     * configured multi-Region key ({@code mrk-} key id), calling KMS with the configured ARN
     * (spec: keyrings.md §6.4). Default false. When true, each multi-Region key may be
     * configured once.
     */
    public Builder multiRegionAware(boolean aware) {
      if (multiRegionAwareSet) {
        throw new IllegalStateException("multiRegionAware was already set");
      }
      multiRegionAwareSet = true;
      multiRegionAware = aware;
      return this;
    }

    /**
     * Whether decrypt resolves keys configured by alias or key id to their key ARN with
     * DescribeKey (one call per such key and decrypt). Default false: such keys never match on
     * decrypt, and the failure says so. The alias is resolved as it points at decrypt time.
     */
    public Builder resolveAliasesOnDecrypt(boolean resolve) {
      if (resolveAliasesSet) {
        throw new IllegalStateException("resolveAliasesOnDecrypt was already set");
      }
      resolveAliasesSet = true;
      resolveAliases = resolve;
      return this;
    }

    /**
     * @throws IllegalStateException if no key is configured, or both a client and a supplier are
     * @throws IllegalArgumentException if a key is configured twice, two identifiers name replicas
     *     of one multi-Region key in a multi-Region-aware keyring, a key without a region is used
     *     with a supplier, or a key is outside the injected client's region
     */
    public KmsKeyring build() {
      if (generator == null && additionalKeys.isEmpty()) {
        throw new IllegalStateException("give the KmsKeyring a generatorKey, additionalKeys, or both");
      }
      if (client != null && supplier != null) {
        throw new IllegalStateException(
            "give either kmsClient (one region) or clientSupplier (any region), not both");
      }
      List<KmsIdentifier> all = new ArrayList<>();
      if (generator != null) {
        all.add(generator);
      }
      all.addAll(additionalKeys);
      Set<String> seen = new LinkedHashSet<>();
      for (KmsIdentifier key : all) {
        if (!seen.add(key.value())) {
          throw new IllegalArgumentException("key " + key + " is configured twice; name each key once");
        }
      }
      if (multiRegionAware) {
        KmsIdentifier.checkMrkUniqueness(all);
      }
      List<String> tokens = grantTokens == null ? List.of() : grantTokens;
      Duration timeout = callTimeout == null ? Settings.DEFAULT_CALL_TIMEOUT : callTimeout;
      KmsCaller caller;
      if (client != null) {
        caller = KmsCaller.withClient(client, tokens, timeout);
        Optional<String> region = caller.fixedRegion();
        for (KmsIdentifier key : all) {
          if (region.isPresent() && key.region().isPresent() && !key.region().equals(region)) {
            throw new IllegalArgumentException(
                "key " + key + " is in region " + key.region().get() + " but the kmsClient is for "
                    + region.get() + "; use clientSupplier(...) to reach several regions");
          }
        }
      } else {
        for (KmsIdentifier key : all) {
          if (key.region().isEmpty()) {
            throw new IllegalArgumentException(
                "key " + key + " names no region, and a KmsKeyring never guesses one: use its ARN"
                    + " (arn:PARTITION:kms:REGION:ACCOUNT:key/ID or .../alias/NAME), or give a"
                    + " kmsClient(...) for the key's region");
          }
        }
        caller = KmsCaller.withSupplier(
            supplier == null ? KmsClientSupplier.defaultSupplier() : supplier, tokens, timeout);
      }
      return new KmsKeyring(this, caller);
    }
  }
}
