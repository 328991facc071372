package dev.envelope;

import java.util.List;

/**
 * Generates, wraps and unwraps data keys under master keys. The one abstraction every key source
 * (raw keys, a PKCS#11 token, the local key store, AWS KMS) implements.
 *
 * <p>Implementations must be thread-safe.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>{@link #onEncrypt}: if the materials have no data key, generate one for the suite and add
 *       at least one encrypted copy of it; if they have one, add an encrypted copy. Bind {@link
 *       EncryptionMaterials#encryptionContext()} where the master key can (AAD, KMS context).
 *   <li>{@link #onDecrypt}: try the encrypted data keys this keyring can open and return materials
 *       with the first recovered data key. If none is this keyring's to open, throw {@link
 *       NoMatchingKeyException}; that is an expected outcome a {@code MultiKeyring} handles by
 *       trying the next keyring. Throw {@link KeyProviderException} when the key source failed.
 * </ul>
 *
 * Wire compatibility with the AWS Encryption SDK depends on each keyring writing the same provider
 * id, provider info and ciphertext layout as its ESDK counterpart.
 */
public interface Keyring {
  EncryptionMaterials onEncrypt(EncryptionMaterials materials);

  DecryptionMaterials onDecrypt(DecryptionMaterials materials, List<EncryptedDataKey> encryptedDataKeys);
}
