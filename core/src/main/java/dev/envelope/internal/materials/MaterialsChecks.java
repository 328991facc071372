package dev.envelope.internal.materials;

import dev.envelope.AlgorithmSuite;
import dev.envelope.CommitmentPolicy;
import dev.envelope.DecryptionMaterials;
import dev.envelope.EncryptionMaterials;
import dev.envelope.PolicyViolationException;

/**
 * What {@code Envelope} checks in the materials a materials manager returns, before using them:
 * the suite, the commitment policy, the data key and the number of encrypted data keys. A manager
 * is caller code, so none of this is taken on trust.
 */
public final class MaterialsChecks {
  private MaterialsChecks() {}

  /**
   * Checks encryption materials.
   *
   * @param requested the suite the Envelope asked for, or null for the policy's default
   * @throws PolicyViolationException if the suite or the number of encrypted data keys is refused
   * @throws IllegalStateException if the materials lack a data key or an encrypted data key
   */
  public static void checkEncryption(
      EncryptionMaterials materials,
      AlgorithmSuite requested,
      CommitmentPolicy commitmentPolicy,
      int maxEncryptedDataKeys) {
    AlgorithmSuite got = materials.algorithmSuite();
    if (requested != null && got != requested) {
      throw new PolicyViolationException(
          "the materials manager returned suite " + got.idHex() + " where " + requested.idHex()
              + " was requested");
    }
    commitmentPolicy.checkEncrypt(got, "the materials manager's suite");
    if (!materials.hasDataKey()) {
      throw new IllegalStateException("the materials manager returned no data key");
    }
    int edks = materials.encryptedDataKeys().size();
    if (edks == 0) {
      throw new IllegalStateException("the materials manager returned no encrypted data key");
    }
    if (edks > maxEncryptedDataKeys) {
      throw new PolicyViolationException(
          "the keyrings produced " + edks + " encrypted data keys, more than the configured maximum"
              + " of " + maxEncryptedDataKeys + "; raise maxEncryptedDataKeys or use fewer master keys");
    }
  }

  /**
   * Checks decryption materials for a message of {@code messageSuite}.
   *
   * @throws PolicyViolationException if the suite differs or the policy refuses it
   * @throws IllegalStateException if the materials lack a data key
   */
  public static void checkDecryption(
      DecryptionMaterials materials, AlgorithmSuite messageSuite, CommitmentPolicy commitmentPolicy) {
    if (materials.algorithmSuite() != messageSuite) {
      throw new PolicyViolationException(
          "the materials manager returned suite " + materials.algorithmSuite().idHex()
              + " for a message of suite " + messageSuite.idHex());
    }
    commitmentPolicy.checkDecrypt(materials.algorithmSuite());
    if (!materials.hasDataKey()) {
      throw new IllegalStateException("the materials manager returned no data key");
    }
  }
}
