package dev.envelope;

/**
 * The result of decrypting a message held in memory: the plaintext, and what the message was
 * authenticated with. Returned only after every check (header, key commitment, every frame, the
 * signature, nothing trailing) has passed.
 */
public final class Decrypted {
  private final byte[] plaintext;
  private final EncryptionContext context;
  private final AlgorithmSuite suite;

  Decrypted(byte[] plaintext, EncryptionContext context, AlgorithmSuite suite) {
    this.plaintext = plaintext;
    this.context = context;
    this.suite = suite;
  }

  /**
   * The plaintext. Not copied: the array belongs to the caller, who may modify or zero it.
   */
  public byte[] plaintext() {
    return plaintext;
  }

  /**
   * The authenticated encryption context: the pairs stored in the message, plus the required
   * pairs the caller supplied, plus {@code aws-crypto-public-key} for signing suites.
   */
  public EncryptionContext encryptionContext() {
    return context;
  }

  public AlgorithmSuite algorithmSuite() {
    return suite;
  }

  @Override
  public String toString() {
    return "Decrypted[" + plaintext.length + " bytes, suite=" + suite.idHex() + ", context=" + context + "]";
  }
}
