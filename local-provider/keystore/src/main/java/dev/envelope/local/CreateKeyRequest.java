package dev.envelope.local;

import dev.envelope.local.internal.Names;
import java.util.Objects;
import java.util.Optional;

/**
 * What a new master key should look like: an optional alias, a description and a policy.
 * Immutable; build with {@link #builder()}.
 */
public final class CreateKeyRequest {
  private final String alias;
  private final String description;
  private final KeyPolicy policy;

  private CreateKeyRequest(Builder b) {
    this.alias = b.alias;
    this.description = b.description == null ? "" : b.description;
    this.policy = b.policy == null ? KeyPolicy.defaultPolicy() : b.policy;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A request with only an alias; default description and policy. */
  public static CreateKeyRequest withAlias(String alias) {
    return builder().alias(alias).build();
  }

  public Optional<String> alias() {
    return Optional.ofNullable(alias);
  }

  public String description() {
    return description;
  }

  public KeyPolicy policy() {
    return policy;
  }

  static String checkDescription(String description) {
    Objects.requireNonNull(description, "description");
    if (description.length() > LocalKeyStore.MAX_DESCRIPTION) {
      throw new IllegalArgumentException(
          "a key description is at most " + LocalKeyStore.MAX_DESCRIPTION + " characters: " + description.length());
    }
    return description;
  }

  @Override
  public String toString() {
    return "CreateKeyRequest[alias=" + alias + ", policy=" + policy + "]";
  }

  /** Builds a {@link CreateKeyRequest}. Each field may be set once. Not thread-safe. */
  public static final class Builder {
    private String alias;
    private String description;
    private KeyPolicy policy;

    private Builder() {}

    /**
     * A unique, human-friendly name: 1 to 256 characters from {@code A-Z a-z 0-9 / _ - . :}, not
     * shaped like a key id (a UUID).
     */
    public Builder alias(String alias) {
      Objects.requireNonNull(alias, "alias");
      if (this.alias != null) {
        throw new IllegalStateException("alias was already set");
      }
      Names.checkAlias(alias);
      this.alias = alias;
      return this;
    }

    /** Free text, at most 8192 characters. Stored in metadata (not secret). */
    public Builder description(String description) {
      if (this.description != null) {
        throw new IllegalStateException("description was already set");
      }
      this.description = checkDescription(description);
      return this;
    }

    /** Default: {@link KeyPolicy#defaultPolicy()}. */
    public Builder policy(KeyPolicy policy) {
      Objects.requireNonNull(policy, "policy");
      if (this.policy != null) {
        throw new IllegalStateException("policy was already set");
      }
      this.policy = policy;
      return this;
    }

    public CreateKeyRequest build() {
      return new CreateKeyRequest(this);
    }
  }
}
