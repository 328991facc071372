package dev.envelope;

import java.util.List;
import java.util.Objects;

/**
 * What the {@link Envelope} asks a {@link MaterialsManager} for when it decrypts a message: the
 * suite, encrypted data keys and stored context read from the (not yet authenticated) header, and
 * the context the caller expects. Immutable.
 */
public final class DecryptionMaterialsRequest {
  private final AlgorithmSuite suite;
  private final CommitmentPolicy commitmentPolicy;
  private final List<EncryptedDataKey> encryptedDataKeys;
  private final EncryptionContext storedContext;
  private final EncryptionContext reproducedContext;

  private DecryptionMaterialsRequest(
      AlgorithmSuite suite,
      CommitmentPolicy commitmentPolicy,
      List<EncryptedDataKey> encryptedDataKeys,
      EncryptionContext storedContext,
      EncryptionContext reproducedContext) {
    this.suite = suite;
    this.commitmentPolicy = commitmentPolicy;
    this.encryptedDataKeys = encryptedDataKeys;
    this.storedContext = storedContext;
    this.reproducedContext = reproducedContext;
  }

  /**
   * @param storedContext the context stored in the message header
   * @param reproducedContext the pairs the caller expects (may be empty); pairs whose key is not
   *     stored are required, authenticate-only context
   */
  public static DecryptionMaterialsRequest of(
      AlgorithmSuite suite,
      CommitmentPolicy commitmentPolicy,
      List<EncryptedDataKey> encryptedDataKeys,
      EncryptionContext storedContext,
      EncryptionContext reproducedContext) {
    return new DecryptionMaterialsRequest(
        Objects.requireNonNull(suite, "suite"),
        Objects.requireNonNull(commitmentPolicy, "commitmentPolicy"),
        List.copyOf(encryptedDataKeys),
        Objects.requireNonNull(storedContext, "storedContext"),
        Objects.requireNonNull(reproducedContext, "reproducedContext"));
  }

  public AlgorithmSuite algorithmSuite() {
    return suite;
  }

  public CommitmentPolicy commitmentPolicy() {
    return commitmentPolicy;
  }

  public List<EncryptedDataKey> encryptedDataKeys() {
    return encryptedDataKeys;
  }

  /** The context stored in the message header. */
  public EncryptionContext storedContext() {
    return storedContext;
  }

  /** The context the caller expects (the ESDK's "reproduced encryption context"). */
  public EncryptionContext reproducedContext() {
    return reproducedContext;
  }

  @Override
  public String toString() {
    return "DecryptionMaterialsRequest[suite=" + suite.idHex() + ", encryptedDataKeys="
        + encryptedDataKeys.size() + ", stored=" + storedContext + ", reproduced="
        + reproducedContext + "]";
  }
}
