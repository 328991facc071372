package dev.envelope.kms;

import dev.envelope.DataKey;
import dev.envelope.DecryptionMaterials;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionMaterials;
import dev.envelope.Keyring;
import dev.envelope.kms.internal.DecryptAttempts;
import dev.envelope.kms.internal.KmsCaller;
import dev.envelope.kms.internal.KmsIdentifier;
import dev.envelope.kms.internal.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Decrypts with whichever AWS KMS key a message names, within limits: the discovery keyring of
 * the AWS Encryption SDK (spec: keyrings.md §6.3, and §6.4 with {@link
 * Builder#multiRegionAware(boolean)}). It cannot encrypt.
 *
 * <p>For each {@code aws-kms} encrypted data key, in message order: the recorded key ARN must pass
 * the {@link DiscoveryFilter} (partition and account) if one is set, and its region must be one
 * this keyring may call; then KMS Decrypt is called naming that ARN, and the answer is accepted
 * only if KMS names the same key. The first key that decrypts wins.
 *
 * <h2>Regions</h2>
 *
 * <ul>
 *   <li>With a {@link KmsClient}: only keys in that client's region are tried (others are skipped
 *       without a call).
 *   <li>With a {@link KmsClientSupplier} (default: one client per region, built on first use):
 *       each key is tried in its own region; {@link Builder#regions} limits which regions
 *       (default: the regions the AWS SDK knows, never an unknown name a message invents).
 *   <li>Multi-Region aware: a multi-Region key ({@code mrk-} id) recorded in any region is
 *       decrypted by its replica in this keyring's region(s) (the ARN's region is replaced);
 *       other keys must be in one of those regions. The regions are the client's, or {@link
 *       Builder#regions} (required then with a supplier).
 * </ul>
 *
 * <h2>Security guarantees</h2>
 *
 * A discovery keyring trusts the message to name the key: anyone who can write a message can make
 * it call KMS with any key ARN that passes the filter. Set a discovery filter listing your
 * accounts, and prefer {@link KmsKeyring} when you know the keys. It never uses a key KMS did not
 * confirm (the response key id is checked). No key material or context values appear in errors.
 *
 * <p>Immutable and thread-safe.
 */
public final class KmsDiscoveryKeyring implements Keyring {
  private final DiscoveryFilter filter;
  private final List<String> regions;
  private final boolean multiRegionAware;
  private final KmsCaller caller;

  private KmsDiscoveryKeyring(
      DiscoveryFilter filter, List<String> regions, boolean multiRegionAware, KmsCaller caller) {
    this.filter = filter;
    this.regions = regions;
    this.multiRegionAware = multiRegionAware;
    this.caller = caller;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Optional<DiscoveryFilter> discoveryFilter() {
    return Optional.ofNullable(filter);
  }

  // spec: keyrings.md §6.3: the discovery keyring is decrypt-only; OnEncrypt fails.
  /**
   * Always fails: a discovery keyring has no key to encrypt with.
   *
   * @throws IllegalStateException always
   */
  @Override
  public EncryptionMaterials onEncrypt(EncryptionMaterials materials) {
    throw new IllegalStateException(
        "a KmsDiscoveryKeyring only decrypts; to encrypt, use a KmsKeyring with the key ARNs");
  }

  @Override
  public DecryptionMaterials onDecrypt(DecryptionMaterials materials, List<EncryptedDataKey> keys) {
    if (materials.hasDataKey()) {
      throw new IllegalStateException("the decryption materials already have a data key");
    }
    DecryptAttempts attempts = new DecryptAttempts(toString(), keys.size());
    Map<String, String> context = materials.encryptionContext().asMap();
    int length = materials.algorithmSuite().dataKeyLength();
    for (int i = 0; i < keys.size(); i++) {
      EncryptedDataKey edk = keys.get(i);
      Optional<KmsIdentifier> recorded = attempts.kmsKeyArn(i, edk);
      if (recorded.isEmpty()) {
        continue;
      }
      KmsIdentifier arn = recorded.get();
      // spec: keyrings.md §6.3: partition must equal the filter's and the account be in its set.
      if (filter != null && !filter.accepts(arn.partition().orElseThrow(), arn.account().orElseThrow())) {
        attempts.skipped(i, edk, "rejected by the discovery filter (partition "
            + arn.partition().orElseThrow() + ", account " + arn.account().orElseThrow()
            + "; the filter allows partition " + filter.partition() + ", accounts "
            + filter.accountIds() + ")");
        continue;
      }
      List<KmsIdentifier> tries = keyIdsToTry(arn);
      if (tries.isEmpty()) {
        attempts.skipped(i, edk, "in region " + arn.region().orElseThrow() + ", outside this"
            + " keyring's regions " + (regions.isEmpty() ? "(the regions the AWS SDK knows)" : regions)
            + (multiRegionAware ? " (and not a multi-Region key)" : ""));
        continue;
      }
      for (KmsIdentifier keyId : tries) {
        byte[] plaintext = null;
        try {
          // spec: keyrings.md §6.3/§6.4: Decrypt with the (region-adjusted) ARN as KeyId; the
          // response KeyId must equal it (checked by the caller).
          plaintext = caller.decrypt(keyId, keyId.region().orElseThrow(), edk.ciphertext(), length, context);
          return materials.withDataKey(DataKey.copyOf(plaintext));
        } catch (KmsProviderException e) {
          attempts.failed(i, edk, e);
        } finally {
          if (plaintext != null) {
            Arrays.fill(plaintext, (byte) 0);
          }
        }
      }
    }
    throw attempts.failure(null);
  }

  // spec: keyrings.md §6.4 MRK discovery: an MRK is called in the keyring's region with the ARN's
  // region replaced; a non-MRK must already be in that region. Without MRK awareness the recorded
  // ARN is called in its own region, if that region is allowed.
  private List<KmsIdentifier> keyIdsToTry(KmsIdentifier arn) {
    String region = arn.region().orElseThrow();
    if (multiRegionAware && arn.isMultiRegionKey()) {
      List<KmsIdentifier> tries = new ArrayList<>(regions.size());
      for (String r : regions) {
        tries.add(arn.withRegion(r));
      }
      return tries;
    }
    if (regions.isEmpty() ? KNOWN_REGIONS.contains(region) : regions.contains(region)) {
      return List.of(arn);
    }
    return List.of();
  }

  /**
   * Without {@link Builder#regions}, the regions the SDK knows: a message names the region, and a
   * crafted one must not make the keyring build clients for invented region names without bound.
   */
  private static final Set<String> KNOWN_REGIONS = knownRegions();

  private static Set<String> knownRegions() {
    Set<String> ids = new HashSet<>();
    for (Region r : Region.regions()) {
      ids.add(r.id());
    }
    return Set.copyOf(ids);
  }

  @Override
  public String toString() {
    return "KmsDiscoveryKeyring[" + (filter == null ? "no filter" : filter)
        + (regions.isEmpty() ? ", any region" : ", regions=" + regions)
        + (multiRegionAware ? ", multiRegionAware" : "") + "]";
  }

  /** Configures a {@link KmsDiscoveryKeyring}. Each setting may be set once. */
  public static final class Builder {
    private DiscoveryFilter filter;
    private List<String> regions;
    private KmsClient client;
    private KmsClientSupplier supplier;
    private List<String> grantTokens;
    private Duration callTimeout;
    private boolean multiRegionAware;
    private boolean multiRegionAwareSet;

    private Builder() {}

    /** Only keys of these accounts in this partition are tried. Strongly recommended. */
    public Builder discoveryFilter(DiscoveryFilter filter) {
      Settings.checkUnset(this.filter, "discoveryFilter");
      this.filter = Objects.requireNonNull(filter, "filter");
      return this;
    }

    /**
     * The regions this keyring calls, in the order it tries them for a multi-Region key. With a
     * supplier: optional (default: any key's own region), required when multi-Region aware.
     * Not allowed with {@link #kmsClient}, whose region is used.
     */
    public Builder regions(List<String> regions) {
      Settings.checkUnset(this.regions, "regions");
      Objects.requireNonNull(regions, "regions");
      Set<String> copy = new LinkedHashSet<>();
      for (String r : regions) {
        Objects.requireNonNull(r, "region");
        if (r.isEmpty() || r.contains(":")) {
          throw new IllegalArgumentException("not a region name: '" + r + "'");
        }
        if (!copy.add(r)) {
          throw new IllegalArgumentException("region " + r + " is listed twice");
        }
      }
      if (copy.isEmpty()) {
        throw new IllegalArgumentException("give at least one region");
      }
      this.regions = List.copyOf(copy);
      return this;
    }

    /** Same as {@link #regions(List)}. */
    public Builder regions(String... regions) {
      return regions(Arrays.asList(regions));
    }

    /** The one client for every call: only keys in its region are tried. */
    public Builder kmsClient(KmsClient client) {
      Settings.checkUnset(this.client, "kmsClient");
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /** Where to get the client for each region. */
    public Builder clientSupplier(KmsClientSupplier supplier) {
      Settings.checkUnset(this.supplier, "clientSupplier");
      this.supplier = Objects.requireNonNull(supplier, "supplier");
      return this;
    }

    /** Grant tokens sent with every call (at most 10). */
    public Builder grantTokens(List<String> tokens) {
      Settings.checkUnset(grantTokens, "grantTokens");
      grantTokens = Settings.grantTokens(tokens);
      return this;
    }

    /** The bound on each KMS call, the SDK's retries included (default 30 s). */
    public Builder callTimeout(Duration timeout) {
      Settings.checkUnset(callTimeout, "callTimeout");
      callTimeout = Settings.callTimeout(timeout);
      return this;
    }

    /** Whether multi-Region keys recorded in other regions are decrypted by their local replica. */
    public Builder multiRegionAware(boolean aware) {
      if (multiRegionAwareSet) {
        throw new IllegalStateException("multiRegionAware was already set");
      }
      multiRegionAwareSet = true;
      multiRegionAware = aware;
      return this;
    }

    /**
     * @throws IllegalStateException if both a client and a supplier are given, regions are given
     *     with a client, or a multi-Region-aware keyring has no region to call
     */
    public KmsDiscoveryKeyring build() {
      if (client != null && supplier != null) {
        throw new IllegalStateException(
            "give either kmsClient (one region) or clientSupplier (any region), not both");
      }
      List<String> tokens = grantTokens == null ? List.of() : grantTokens;
      Duration timeout = callTimeout == null ? Settings.DEFAULT_CALL_TIMEOUT : callTimeout;
      if (client != null) {
        if (regions != null) {
          throw new IllegalStateException(
              "regions cannot be combined with kmsClient, whose region is used; give a"
                  + " clientSupplier to call several regions");
        }
        KmsCaller caller = KmsCaller.withClient(client, tokens, timeout);
        String region = caller.fixedRegion().orElseThrow(() -> new IllegalStateException(
            "the kmsClient does not report its region; give a clientSupplier and regions(...)"));
        return new KmsDiscoveryKeyring(filter, List.of(region), multiRegionAware, caller);
      }
      if (multiRegionAware && regions == null) {
        throw new IllegalStateException(
            "a multi-Region-aware discovery keyring needs the region(s) to decrypt in: set"
                + " regions(...) (a region is never guessed)");
      }
      KmsCaller caller = KmsCaller.withSupplier(
          supplier == null ? KmsClientSupplier.defaultSupplier() : supplier, tokens, timeout);
      return new KmsDiscoveryKeyring(
          filter, regions == null ? List.of() : regions, multiRegionAware, caller);
    }
  }
}
