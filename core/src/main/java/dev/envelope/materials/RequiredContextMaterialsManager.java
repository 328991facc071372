package dev.envelope.materials;

import dev.envelope.ContextMismatchException;
import dev.envelope.DataKey;
import dev.envelope.DecryptionMaterials;
import dev.envelope.DecryptionMaterialsRequest;
import dev.envelope.EncryptionMaterials;
import dev.envelope.EncryptionMaterialsRequest;
import dev.envelope.Keyring;
import dev.envelope.MaterialsManager;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Authenticates some context pairs without storing them in the message (spec:
 * framework/required-encryption-context-cmm.md). The message header then omits those pairs, and the
 * reader must supply them in its expected context to decrypt: the data is bound to, say, a tenant id
 * that is kept out of the message itself.
 *
 * <p>Encrypt: the caller's context must contain every configured key. Decrypt: the caller's
 * expected context must contain every configured key.
 *
 * <p>Thread-safe if the underlying manager is.
 */
public final class RequiredContextMaterialsManager implements MaterialsManager {
  private final MaterialsManager underlying;
  private final Set<String> requiredKeys;

  private RequiredContextMaterialsManager(MaterialsManager underlying, Set<String> requiredKeys) {
    this.underlying = underlying;
    this.requiredKeys = requiredKeys;
  }

  /** Requires {@code keys} around a {@link DefaultMaterialsManager} of {@code keyring}. */
  public static RequiredContextMaterialsManager of(Keyring keyring, Set<String> keys) {
    return of(new DefaultMaterialsManager(keyring), keys);
  }

  /** Requires {@code keys} around {@code underlying}. */
  public static RequiredContextMaterialsManager of(MaterialsManager underlying, Set<String> keys) {
    Objects.requireNonNull(underlying, "underlying");
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("give at least one required encryption context key");
    }
    return new RequiredContextMaterialsManager(underlying, Set.copyOf(keys));
  }

  public Set<String> requiredKeys() {
    return requiredKeys;
  }

  @Override
  public EncryptionMaterials getEncryptionMaterials(EncryptionMaterialsRequest request) {
    List<String> missing = missing(request.encryptionContext().keys());
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          "the encryption context lacks the required keys " + missing
              + "; every message encrypted through this manager must carry them");
    }
    Set<String> all = new HashSet<>(request.requiredContextKeys());
    all.addAll(requiredKeys);
    EncryptionMaterials materials =
        underlying.getEncryptionMaterials(request.toBuilder().requiredContextKeys(all).build());
    if (!materials.requiredContextKeys().containsAll(requiredKeys)) {
      materials.dataKey().ifPresent(DataKey::close);
      throw new IllegalStateException(
          "the underlying materials manager dropped required encryption context keys");
    }
    return materials;
  }

  @Override
  public DecryptionMaterials getDecryptionMaterials(DecryptionMaterialsRequest request) {
    List<String> missing = missing(request.reproducedContext().keys());
    if (!missing.isEmpty()) {
      throw new ContextMismatchException(
          "decrypting needs the required encryption context keys " + missing
              + " in the expected context; supply the values used at encryption",
          missing);
    }
    DecryptionMaterials materials = underlying.getDecryptionMaterials(request);
    if (!materials.encryptionContext().keys().containsAll(requiredKeys)) {
      materials.dataKey().ifPresent(DataKey::close);
      throw new IllegalStateException(
          "the underlying materials manager dropped required encryption context keys");
    }
    return materials;
  }

  private List<String> missing(Set<String> present) {
    List<String> missing = new ArrayList<>();
    for (String key : requiredKeys) {
      if (!present.contains(key)) {
        missing.add(key);
      }
    }
    missing.sort(null);
    return missing;
  }

  @Override
  public String toString() {
    return "RequiredContextMaterialsManager[keys=" + requiredKeys + ", " + underlying + "]";
  }
}
