package dev.envelope.keyring;

import static dev.envelope.internal.util.Preconditions.requireUnset;

import dev.envelope.DecryptionMaterials;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionMaterials;
import dev.envelope.EnvelopeException;
import dev.envelope.Keyring;
import dev.envelope.NoMatchingKeyException;
import dev.envelope.internal.observe.KeyringCalls;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Combines keyrings (spec: framework/multi-keyring.md).
 *
 * <p>Encrypt: the generator (if any) makes the data key and its first encrypted copy; then every
 * child adds its own copy. Any failure fails the whole operation, so a message is never written
 * that some intended reader cannot open. Without a generator, the materials must already hold a
 * data key.
 *
 * <p>Decrypt: tries the generator, then each child, and returns the first that recovers the data
 * key. A keyring that fails (not its key, or its key source is down) does not stop the others: one
 * unreachable KMS region must not block decryption by another key. When all fail, the {@link
 * NoMatchingKeyException} lists each keyring's reason and carries each failure as a suppressed
 * exception.
 *
 * <p>Immutable and thread-safe if the keyrings are.
 */
public final class MultiKeyring implements Keyring {
  private final Keyring generator;
  private final List<Keyring> children;

  private MultiKeyring(Keyring generator, List<Keyring> children) {
    this.generator = generator;
    this.children = children;
  }

  /** A multi-keyring with a generator and optional children. */
  public static MultiKeyring of(Keyring generator, Keyring... children) {
    return builder().generator(generator).children(List.of(children)).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public EncryptionMaterials onEncrypt(EncryptionMaterials materials) {
    EncryptionMaterials result = materials;
    if (generator != null) {
      if (materials.hasDataKey()) {
        throw new IllegalStateException(
            "the materials already have a data key, but this multi-keyring's generator must make it");
      }
      result = KeyringCalls.onEncrypt(generator, materials);
      if (!result.hasDataKey()) {
        throw new IllegalStateException("the generator keyring " + generator + " produced no data key");
      }
    } else if (!materials.hasDataKey()) {
      throw new IllegalStateException(
          "this multi-keyring has no generator, so the materials must already have a data key");
    }
    try {
      for (Keyring child : children) {
        result = KeyringCalls.onEncrypt(child, result);
      }
      return result;
    } catch (RuntimeException e) {
      if (generator != null) {
        result.dataKey().ifPresent(k -> k.close());
      }
      throw e;
    }
  }

  @Override
  public DecryptionMaterials onDecrypt(DecryptionMaterials materials, List<EncryptedDataKey> keys) {
    if (materials.hasDataKey()) {
      throw new IllegalStateException("the decryption materials already have a data key");
    }
    List<EnvelopeException> failures = new ArrayList<>();
    List<Keyring> all = new ArrayList<>(children.size() + 1);
    if (generator != null) {
      all.add(generator);
    }
    all.addAll(children);
    for (Keyring keyring : all) {
      try {
        DecryptionMaterials result = KeyringCalls.onDecrypt(keyring, materials, keys);
        if (result.hasDataKey()) {
          return result;
        }
      } catch (EnvelopeException e) {
        failures.add(e);
      }
    }
    StringBuilder message = new StringBuilder("none of the ").append(all.size())
        .append(" keyrings could decrypt the data key:");
    for (int i = 0; i < failures.size(); i++) {
      message.append(' ').append(i + 1).append(") ").append(failures.get(i).getMessage());
      if (!message.toString().endsWith(".")) {
        message.append(';');
      }
    }
    NoMatchingKeyException e = new NoMatchingKeyException(message.toString());
    failures.forEach(e::addSuppressed);
    throw e;
  }

  @Override
  public String toString() {
    return "MultiKeyring[generator=" + generator + ", children=" + children + "]";
  }

  /** Configures a {@link MultiKeyring}. Give a generator, children, or both. */
  public static final class Builder {
    private Keyring generator;
    private final List<Keyring> children = new ArrayList<>();

    private Builder() {}

    public Builder generator(Keyring generator) {
      Objects.requireNonNull(generator, "generator");
      requireUnset(this.generator != null, "generator");
      this.generator = generator;
      return this;
    }

    public Builder child(Keyring child) {
      children.add(Objects.requireNonNull(child, "child"));
      return this;
    }

    public Builder children(List<? extends Keyring> keyrings) {
      keyrings.forEach(this::child);
      return this;
    }

    public MultiKeyring build() {
      if (generator == null && children.isEmpty()) {
        throw new IllegalStateException("give a multi-keyring a generator or at least one child");
      }
      return new MultiKeyring(generator, List.copyOf(children));
    }
  }
}
