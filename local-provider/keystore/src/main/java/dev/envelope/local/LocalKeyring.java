package dev.envelope.local;

import dev.envelope.AuthenticationFailedException;
import dev.envelope.DataKey;
import dev.envelope.DecryptionMaterials;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionMaterials;
import dev.envelope.Keyring;
import dev.envelope.NoMatchingKeyException;
import dev.envelope.local.internal.EdkLayout;
import dev.envelope.local.internal.StoreEngine;
import dev.envelope.local.internal.Wrapped;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A keyring over one key of a {@link LocalKeyStore}. Encrypted data keys have exactly the layout
 * of the AWS Encryption SDK's raw AES keyring (spec: framework/raw-aes-keyring.md):
 *
 * <pre>
 * provider id    the store's key namespace
 * provider info  UTF-8("&lt;keyId&gt;/v&lt;version&gt;") ‖ 00000080 ‖ 0000000C ‖ IV (12)
 * ciphertext     AES-256-GCM(version key, IV, AAD = full encryption context, canonical)(data key) ‖ tag
 * </pre>
 *
 * so a message stays decryptable by a raw AES keyring (ours or the ESDK's) configured with that
 * namespace, the key name {@code <keyId>/v<version>} and the exported version bytes.
 *
 * <p>On encrypt: {@link KeyOperation#GENERATE} if the materials have no data key yet, else {@link
 * KeyOperation#ENCRYPT}, under the key's primary version. On decrypt ({@link KeyOperation#DECRYPT}):
 * tries each encrypted data key naming this key, with the version it names. Encrypted data keys of
 * other providers or keys are not this keyring's ({@link NoMatchingKeyException}); a key that is
 * disabled, pending destruction or destroyed, or a policy denial, fails the whole operation with
 * {@link KeyStateException} or {@link KeyPolicyViolationException} (inside a {@code MultiKeyring}'s
 * decrypt, which tries its other keyrings, as one of the failures its {@link
 * NoMatchingKeyException} lists and carries as suppressed exceptions).
 *
 * <p>Every use is checked against the key's state and policy and audited. Thread-safe.
 */
public final class LocalKeyring implements Keyring {
  private final StoreEngine engine;
  private final String keyId;
  private final String caller;

  LocalKeyring(StoreEngine engine, String keyId, String caller) {
    this.engine = engine;
    this.keyId = keyId;
    this.caller = caller;
  }

  /** The key this keyring uses. */
  public String keyId() {
    return keyId;
  }

  /** The provider id of its encrypted data keys. */
  public String keyNamespace() {
    return engine.namespace();
  }

  /**
   * The key and version of a local key store that an encrypted data key names, e.g. to show who can
   * decrypt a message ({@code Envelope.inspectUnauthenticated(...).encryptedDataKeys()}).
   *
   * @param keyId the key store's id of the key
   * @param version the key version that wrapped the data key, from 1
   */
  public record WrappingKey(String keyId, int version) {
    public WrappingKey {
      Objects.requireNonNull(keyId, "keyId");
      if (version < 1) {
        throw new IllegalArgumentException("key versions start at 1: " + version);
      }
    }
  }

  /**
   * Which key and version wrapped {@code edk}, if it has the layout a {@link LocalKeyring} of a
   * store with key namespace {@code keyNamespace} writes ({@link LocalKeyStore#keyNamespace()}):
   * provider id {@code keyNamespace}, key name {@code <keyId>/v<version>}, the raw AES trailer.
   * Empty for any other encrypted data key.
   *
   * <p>Reads the provider id and info only, unauthenticated: anyone can write a message that names
   * any key. Use it to display or to route, never to decide access; decrypting is what checks.
   */
  public static Optional<WrappingKey> wrappingKey(EncryptedDataKey edk, String keyNamespace) {
    Objects.requireNonNull(edk, "edk");
    Objects.requireNonNull(keyNamespace, "keyNamespace");
    EdkLayout.Parsed parsed = EdkLayout.parse(edk, keyNamespace);
    return parsed == null ? Optional.empty() : Optional.of(new WrappingKey(parsed.keyId, parsed.version));
  }

  @Override
  public EncryptionMaterials onEncrypt(EncryptionMaterials materials) {
    EncryptionMaterials result = materials;
    DataKey generated = null;
    KeyOperation op = KeyOperation.ENCRYPT;
    if (!materials.hasDataKey()) {
      generated = DataKey.generate(materials.algorithmSuite().dataKeyLength(), engine.random());
      result = materials.withDataKey(generated);
      op = KeyOperation.GENERATE;
    }
    byte[] plain = result.dataKey().orElseThrow().copyPlaintext();
    try {
      Wrapped w = engine.wrap(keyId, op, plain, materials.encryptionContext(), caller);
      return result.withEncryptedDataKey(EncryptedDataKey.of(engine.namespace(), w.providerInfo, w.ciphertext));
    } catch (RuntimeException e) {
      if (generated != null) {
        generated.close();
      }
      throw e;
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  @Override
  public DecryptionMaterials onDecrypt(DecryptionMaterials materials, List<EncryptedDataKey> keys) {
    if (materials.hasDataKey()) {
      throw new IllegalStateException("the decryption materials already have a data key");
    }
    int expectedLength = materials.algorithmSuite().dataKeyLength() + EdkLayout.TAG_LENGTH;
    NoMatchingKeyException failures = null;
    int candidates = 0;
    for (EncryptedDataKey edk : keys) {
      EdkLayout.Parsed p = EdkLayout.parse(edk, engine.namespace());
      if (p == null || !p.keyId.equals(keyId) || p.ciphertext.length != expectedLength) {
        continue;
      }
      candidates++;
      byte[] plain = null;
      try {
        plain = engine.unwrap(keyId, p.version, p.iv, p.ciphertext, materials.encryptionContext(), KeyOperation.DECRYPT, caller);
        return materials.withDataKey(DataKey.copyOf(plain));
      } catch (AuthenticationFailedException | KeyNotFoundException e) {
        if (failures == null) {
          failures = new NoMatchingKeyException("local key " + keyId + " could not decrypt any of its encrypted data keys");
        }
        failures.addSuppressed(e);
      } finally {
        if (plain != null) {
          Arrays.fill(plain, (byte) 0);
        }
      }
    }
    if (candidates == 0) {
      throw new NoMatchingKeyException(
          "no encrypted data key is for local key " + engine.namespace() + "/" + keyId + " of key store "
              + engine.storeId() + " (" + engine.describeHome() + "); the message needs " + needed(keys));
    }
    throw failures;
  }

  /** What the message's encrypted data keys name: local key versions, or other providers. */
  private String needed(List<EncryptedDataKey> keys) {
    Set<String> local = new LinkedHashSet<>();
    for (EncryptedDataKey edk : keys) {
      EdkLayout.Parsed p = EdkLayout.parse(edk, engine.namespace());
      if (p != null) {
        local.add(p.keyId + " version " + p.version);
      }
    }
    if (local.isEmpty()) {
      return "a key of " + providers(keys);
    }
    return "local key " + String.join(" or ", local) + ": it was encrypted under another key, or in another key"
        + " store (one with the same namespace but another store id); open the store that holds that key";
  }

  private static String providers(List<EncryptedDataKey> keys) {
    Set<String> ids = new LinkedHashSet<>();
    keys.forEach(k -> ids.add(k.providerId()));
    return ids.toString();
  }

  @Override
  public String toString() {
    return "LocalKeyring['" + engine.namespace() + "'/" + keyId + "]";
  }
}
