package dev.envelope.local;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What is known about a master key, never its key material: id, alias, description, state,
 * versions, times and policy. Returned by every {@link KeyManager} call. Immutable.
 *
 * <p>{@link #keyNamespace()} and {@link #keyNamePrefix()} say how encrypted data keys made under
 * this key look: provider id = the namespace, provider info starts with {@code <keyId>/v} (local
 * key store) or the key's label (PKCS#11 token key); each {@link KeyVersion#keyName()} is exact.
 */
public final class KeyMetadata {
  private final String keyId;
  private final String alias;
  private final String description;
  private final KeyState state;
  private final List<KeyVersion> versions;
  private final int primaryVersion;
  private final Instant createdAt;
  private final Instant lastRotatedAt;
  private final Instant stateChangedAt;
  private final Instant destructionDate;
  private final KeyPolicy policy;
  private final String keyNamespace;
  private final String keyNamePrefix;
  private final int minDecryptionVersion;

  private KeyMetadata(Builder b) {
    this.keyId = b.keyId;
    this.alias = b.alias;
    this.description = b.description;
    this.state = b.state;
    this.versions = List.copyOf(b.versions);
    this.primaryVersion = b.primaryVersion;
    this.createdAt = b.createdAt;
    this.lastRotatedAt = b.lastRotatedAt;
    this.stateChangedAt = b.stateChangedAt == null ? b.createdAt : b.stateChangedAt;
    this.destructionDate = b.destructionDate;
    this.policy = b.policy;
    this.keyNamespace = b.keyNamespace;
    this.keyNamePrefix = commonPrefix(keyId, versions);
    this.minDecryptionVersion = b.minDecryptionVersion;
  }

  /** {@code <keyId>/v} if every version is named that way (the key store), else the names' common prefix. */
  private static String commonPrefix(String keyId, List<KeyVersion> versions) {
    String storePrefix = keyId + "/v";
    String common = null;
    boolean allStore = true;
    for (KeyVersion v : versions) {
      String name = v.keyName();
      allStore &= name.startsWith(storePrefix);
      if (common == null) {
        common = name;
      } else {
        int n = 0;
        while (n < common.length() && n < name.length() && common.charAt(n) == name.charAt(n)) {
          n++;
        }
        common = common.substring(0, n);
      }
    }
    return allStore ? storePrefix : common;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The immutable key id (a UUID for the local key store). */
  public String keyId() {
    return keyId;
  }

  public Optional<String> alias() {
    return Optional.ofNullable(alias);
  }

  public String description() {
    return description;
  }

  public KeyState state() {
    return state;
  }

  /** All versions, oldest first. Kept (as metadata) after destruction. */
  public List<KeyVersion> versions() {
    return versions;
  }

  /** The version new data keys are wrapped under. */
  public int primaryVersion() {
    return primaryVersion;
  }

  public Instant createdAt() {
    return createdAt;
  }

  /** When the last rotation happened; empty if the key was never rotated. */
  public Optional<Instant> lastRotatedAt() {
    return Optional.ofNullable(lastRotatedAt);
  }

  /** When the state last changed (the creation time for a key that never changed state). */
  public Instant stateChangedAt() {
    return stateChangedAt;
  }

  /** When a key pending destruction may be destroyed, or when it was destroyed. */
  public Optional<Instant> destructionDate() {
    return Optional.ofNullable(destructionDate);
  }

  public KeyPolicy policy() {
    return policy;
  }

  /** The provider id of encrypted data keys made under this key. */
  public String keyNamespace() {
    return keyNamespace;
  }

  /**
   * The start of the key name of every version of this key: {@code <keyId>/v} in the local key
   * store, the label of a PKCS#11 token key (its one version's full name). For {@code
   * CachingMaterialsManager.invalidateWrappedBy(keyNamespace(), keyNamePrefix())}; note that a
   * label prefix also matches longer labels, which {@link KeyStateEvent#matches} does not.
   */
  public String keyNamePrefix() {
    return keyNamePrefix;
  }

  /**
   * The oldest version that may still decrypt (as Vault's {@code min_decryption_version}): data
   * keys wrapped under an older version are refused. 1, every version, unless it was raised.
   */
  public int minDecryptionVersion() {
    return minDecryptionVersion;
  }

  /** Whether the key can be used for cryptographic operations right now. */
  public boolean isEnabled() {
    return state == KeyState.ENABLED;
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.keyId = keyId;
    b.alias = alias;
    b.description = description;
    b.state = state;
    b.versions = versions;
    b.primaryVersion = primaryVersion;
    b.createdAt = createdAt;
    b.lastRotatedAt = lastRotatedAt;
    b.stateChangedAt = stateChangedAt;
    b.destructionDate = destructionDate;
    b.policy = policy;
    b.keyNamespace = keyNamespace;
    b.minDecryptionVersion = minDecryptionVersion;
    return b;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof KeyMetadata)) {
      return false;
    }
    KeyMetadata m = (KeyMetadata) o;
    return keyId.equals(m.keyId) && Objects.equals(alias, m.alias) && description.equals(m.description)
        && state == m.state && versions.equals(m.versions) && primaryVersion == m.primaryVersion
        && createdAt.equals(m.createdAt) && Objects.equals(lastRotatedAt, m.lastRotatedAt)
        && stateChangedAt.equals(m.stateChangedAt) && Objects.equals(destructionDate, m.destructionDate)
        && policy.equals(m.policy) && keyNamespace.equals(m.keyNamespace)
        && minDecryptionVersion == m.minDecryptionVersion;
  }

  @Override
  public int hashCode() {
    return Objects.hash(keyId, state, versions, primaryVersion);
  }

  @Override
  public String toString() {
    return "KeyMetadata[" + keyId + (alias == null ? "" : " (" + alias + ")") + ", " + state
        + ", versions=" + versions.size() + ", primary=v" + primaryVersion + "]";
  }

  /**
   * Builds {@link KeyMetadata}; for implementers of {@link KeyManager}. Required: keyId, state,
   * at least one version, createdAt, policy, keyNamespace. Not thread-safe.
   */
  public static final class Builder {
    private String keyId;
    private String alias;
    private String description = "";
    private KeyState state;
    private List<KeyVersion> versions = List.of();
    private int primaryVersion;
    private Instant createdAt;
    private Instant lastRotatedAt;
    private Instant stateChangedAt;
    private Instant destructionDate;
    private KeyPolicy policy;
    private String keyNamespace;
    private int minDecryptionVersion = 1;

    private Builder() {}

    public Builder keyId(String keyId) {
      this.keyId = Objects.requireNonNull(keyId, "keyId");
      return this;
    }

    /** The alias, or {@code null} for none. */
    public Builder alias(String alias) {
      this.alias = alias;
      return this;
    }

    public Builder description(String description) {
      this.description = Objects.requireNonNull(description, "description");
      return this;
    }

    public Builder state(KeyState state) {
      this.state = Objects.requireNonNull(state, "state");
      return this;
    }

    /** All versions, oldest first; the primary is the last unless set with {@link #primaryVersion}. */
    public Builder versions(List<KeyVersion> versions) {
      this.versions = List.copyOf(versions);
      return this;
    }

    public Builder primaryVersion(int version) {
      this.primaryVersion = version;
      return this;
    }

    public Builder createdAt(Instant createdAt) {
      this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
      return this;
    }

    public Builder lastRotatedAt(Instant lastRotatedAt) {
      this.lastRotatedAt = lastRotatedAt;
      return this;
    }

    public Builder stateChangedAt(Instant stateChangedAt) {
      this.stateChangedAt = stateChangedAt;
      return this;
    }

    public Builder destructionDate(Instant destructionDate) {
      this.destructionDate = destructionDate;
      return this;
    }

    public Builder policy(KeyPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    public Builder keyNamespace(String keyNamespace) {
      this.keyNamespace = Objects.requireNonNull(keyNamespace, "keyNamespace");
      return this;
    }

    /** The oldest version that may decrypt; 1 (the default) lets every version decrypt. */
    public Builder minDecryptionVersion(int version) {
      this.minDecryptionVersion = version;
      return this;
    }

    /**
     * @throws IllegalStateException if a required field is missing, the primary is not a version,
     *     or the minimum decryption version is not between 1 and the primary version
     */
    public KeyMetadata build() {
      if (keyId == null || state == null || createdAt == null || policy == null || keyNamespace == null) {
        throw new IllegalStateException("key metadata needs keyId, state, createdAt, policy and keyNamespace");
      }
      if (versions.isEmpty()) {
        throw new IllegalStateException("key " + keyId + " has no versions");
      }
      if (primaryVersion == 0) {
        primaryVersion = versions.get(versions.size() - 1).number();
      }
      boolean found = false;
      for (KeyVersion v : versions) {
        found |= v.number() == primaryVersion;
      }
      if (!found) {
        throw new IllegalStateException("primary version " + primaryVersion + " of key " + keyId + " is not among its versions");
      }
      if (minDecryptionVersion < 1 || minDecryptionVersion > primaryVersion) {
        throw new IllegalStateException("minimum decryption version " + minDecryptionVersion + " of key " + keyId
            + " is not between 1 and the primary version " + primaryVersion);
      }
      return new KeyMetadata(this);
    }
  }
}
