package dev.envelope;

/**
 * Assembles the materials for one message: picks the suite, adds the signing key pair, and asks a
 * keyring (or another manager) for the data key. Managers compose: a caching manager wraps another
 * manager; a required-context manager wraps another and adds rules.
 *
 * <p>Implementations must be thread-safe. See {@code dev.envelope.materials} for the standard ones.
 */
public interface MaterialsManager {
  /** Materials to encrypt one message, with a plaintext data key and at least one encrypted copy. */
  EncryptionMaterials getEncryptionMaterials(EncryptionMaterialsRequest request);

  /** Materials to decrypt one message, with the recovered plaintext data key. */
  DecryptionMaterials getDecryptionMaterials(DecryptionMaterialsRequest request);
}
