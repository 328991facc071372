package dev.envelope;

/**
 * Which algorithm suites may be used, with regard to key commitment. The same three policies as
 * the AWS Encryption SDK.
 *
 * <p>The default is {@link #REQUIRE_ENCRYPT_REQUIRE_DECRYPT}: write committing suites only, and
 * read only committing messages. Use {@link #REQUIRE_ENCRYPT_ALLOW_DECRYPT} while messages written
 * by older ESDK versions (format version 1) must still be read.
 */
public enum CommitmentPolicy {
  /** Encrypt with non-committing suites only; decrypt anything. For writing to old readers. */
  FORBID_ENCRYPT_ALLOW_DECRYPT(false, false, AlgorithmSuite.AES_256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384),
  /** Encrypt with committing suites only; decrypt anything. For migrating. */
  REQUIRE_ENCRYPT_ALLOW_DECRYPT(true, false, AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384),
  /** Encrypt and decrypt committing suites only. The default. */
  REQUIRE_ENCRYPT_REQUIRE_DECRYPT(true, true, AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384);

  private final boolean requireEncrypt;
  private final boolean requireDecrypt;
  private final AlgorithmSuite defaultSuite;

  CommitmentPolicy(boolean requireEncrypt, boolean requireDecrypt, AlgorithmSuite defaultSuite) {
    this.requireEncrypt = requireEncrypt;
    this.requireDecrypt = requireDecrypt;
    this.defaultSuite = defaultSuite;
  }

  /** Whether new messages may be written with this suite under this policy. */
  public boolean allowsEncrypt(AlgorithmSuite suite) {
    return suite.isCommitting() == requireEncrypt;
  }

  /** Whether messages written with this suite may be read under this policy. */
  public boolean allowsDecrypt(AlgorithmSuite suite) {
    return !requireDecrypt || suite.isCommitting();
  }

  /** The suite used for encryption when none is requested (0x0578, or 0x0378 when forbidding). */
  public AlgorithmSuite defaultSuite() {
    return defaultSuite;
  }

  /**
   * Throws {@link PolicyViolationException} unless {@code suite} may be used to encrypt.
   *
   * @param where what asked for the suite, for the message (e.g. "the requested suite")
   */
  public void checkEncrypt(AlgorithmSuite suite, String where) {
    if (!allowsEncrypt(suite)) {
      throw new PolicyViolationException(
          requireEncrypt
              ? where + " " + suite.idHex() + " does not commit to its key, and commitment policy "
                  + this + " requires a committing suite (0x0478 or 0x0578); choose one of those,"
                  + " or use FORBID_ENCRYPT_ALLOW_DECRYPT only while old readers must be served"
              : where + " " + suite.idHex() + " is a committing suite, and commitment policy "
                  + this + " forbids them (old readers cannot decrypt format version 2);"
                  + " choose a version-1 suite or a REQUIRE_ENCRYPT policy");
    }
  }

  /** Throws {@link PolicyViolationException} unless messages of {@code suite} may be read. */
  public void checkDecrypt(AlgorithmSuite suite) {
    if (!allowsDecrypt(suite)) {
      throw new PolicyViolationException(
          "the message uses suite " + suite.idHex() + ", which does not commit to its key, and"
              + " commitment policy " + this + " only reads committing suites; if the message was"
              + " written by an older ESDK, decrypt with REQUIRE_ENCRYPT_ALLOW_DECRYPT");
    }
  }
}
