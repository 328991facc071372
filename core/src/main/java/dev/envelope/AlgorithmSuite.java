package dev.envelope;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The eleven algorithm suites of the AWS Encryption SDK message format. Each constant spells out
 * its parameters and carries its two-byte wire id.
 *
 * <p>Every suite encrypts with AES-GCM (12-byte IV, 16-byte tag). They differ in key size, key
 * derivation, key commitment and signatures:
 *
 * <ul>
 *   <li>{@code NO_KDF} suites use the data key directly; they exist to read old messages and
 *       should not be used for new ones (they cannot be cached safely either).
 *   <li>{@code HKDF} suites derive a per-message content key from the data key and message id.
 *   <li>{@code COMMIT_KEY} suites (message format version 2) also bind the ciphertext to exactly
 *       one data key, so no message can decrypt to two different plaintexts under two keys.
 *   <li>{@code ECDSA} suites sign the whole message with a per-message key pair, so holders of the
 *       data key who can decrypt cannot forge new messages.
 * </ul>
 *
 * <p>The default is {@link #AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384} (0x0578), as in the
 * ESDK; {@link #AES_256_GCM_HKDF_SHA512_COMMIT_KEY} (0x0478) is the fast choice when senders and
 * readers trust each other.
 */
public enum AlgorithmSuite {
  AES_128_GCM_IV12_TAG16_NO_KDF(0x0014, 1, 16, Kdf.NONE, Signing.NONE, false),
  AES_192_GCM_IV12_TAG16_NO_KDF(0x0046, 1, 24, Kdf.NONE, Signing.NONE, false),
  AES_256_GCM_IV12_TAG16_NO_KDF(0x0078, 1, 32, Kdf.NONE, Signing.NONE, false),
  AES_128_GCM_IV12_TAG16_HKDF_SHA256(0x0114, 1, 16, Kdf.HKDF_SHA256, Signing.NONE, false),
  AES_192_GCM_IV12_TAG16_HKDF_SHA256(0x0146, 1, 24, Kdf.HKDF_SHA256, Signing.NONE, false),
  AES_256_GCM_IV12_TAG16_HKDF_SHA256(0x0178, 1, 32, Kdf.HKDF_SHA256, Signing.NONE, false),
  AES_128_GCM_IV12_TAG16_HKDF_SHA256_ECDSA_P256(
      0x0214, 1, 16, Kdf.HKDF_SHA256, Signing.ECDSA_P256_SHA256, false),
  AES_192_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384(
      0x0346, 1, 24, Kdf.HKDF_SHA384, Signing.ECDSA_P384_SHA384, false),
  AES_256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384(
      0x0378, 1, 32, Kdf.HKDF_SHA384, Signing.ECDSA_P384_SHA384, false),
  AES_256_GCM_HKDF_SHA512_COMMIT_KEY(0x0478, 2, 32, Kdf.HKDF_SHA512, Signing.NONE, true),
  AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384(
      0x0578, 2, 32, Kdf.HKDF_SHA512, Signing.ECDSA_P384_SHA384, true);

  /** How the content key is derived from the data key. */
  public enum Kdf {
    /** The data key is the content key. */
    NONE(null, 0),
    HKDF_SHA256("HmacSHA256", 32),
    HKDF_SHA384("HmacSHA384", 48),
    HKDF_SHA512("HmacSHA512", 64);

    private final String macAlgorithm;
    private final int hashLength;

    Kdf(String macAlgorithm, int hashLength) {
      this.macAlgorithm = macAlgorithm;
      this.hashLength = hashLength;
    }

    /** The JCA name of the HMAC behind this HKDF, or {@code null} for {@link #NONE}. */
    public String macAlgorithm() {
      return macAlgorithm;
    }

    /** The hash output length in bytes, 0 for {@link #NONE}. */
    public int hashLength() {
      return hashLength;
    }
  }

  /** The trailing signature algorithm, if any. */
  public enum Signing {
    NONE(null, null, null, 0, 0),
    ECDSA_P256_SHA256("SHA256withECDSA", "secp256r1", "SHA-256", 32, 72),
    ECDSA_P384_SHA384("SHA384withECDSA", "secp384r1", "SHA-384", 48, 104);

    private final String signatureAlgorithm;
    private final String curveName;
    private final String digestAlgorithm;
    private final int fieldLength;
    private final int maxSignatureLength;

    Signing(
        String signatureAlgorithm,
        String curveName,
        String digestAlgorithm,
        int fieldLength,
        int maxSignatureLength) {
      this.signatureAlgorithm = signatureAlgorithm;
      this.curveName = curveName;
      this.digestAlgorithm = digestAlgorithm;
      this.fieldLength = fieldLength;
      this.maxSignatureLength = maxSignatureLength;
    }

    /** The JCA signature algorithm name, e.g. {@code SHA384withECDSA}. */
    public String signatureAlgorithm() {
      return signatureAlgorithm;
    }

    /** The standard curve name, e.g. {@code secp384r1}. */
    public String curveName() {
      return curveName;
    }

    /** The JCA message digest name, e.g. {@code SHA-384}. */
    public String digestAlgorithm() {
      return digestAlgorithm;
    }

    /** Bytes in one field element (the x coordinate of a point). */
    public int fieldLength() {
      return fieldLength;
    }

    /** The longest DER signature this curve produces. */
    public int maxSignatureLength() {
      return maxSignatureLength;
    }
  }

  private static final AlgorithmSuite[] BY_ID = new AlgorithmSuite[0x0579];

  static {
    for (AlgorithmSuite suite : values()) {
      BY_ID[suite.id] = suite;
    }
  }

  private final short id;
  private final int messageFormatVersion;
  private final int dataKeyLength;
  private final Kdf kdf;
  private final Signing signing;
  private final boolean committing;

  AlgorithmSuite(
      int id,
      int messageFormatVersion,
      int dataKeyLength,
      Kdf kdf,
      Signing signing,
      boolean committing) {
    this.id = (short) id;
    this.messageFormatVersion = messageFormatVersion;
    this.dataKeyLength = dataKeyLength;
    this.kdf = kdf;
    this.signing = signing;
    this.committing = committing;
  }

  /** The two-byte wire id, e.g. {@code 0x0578}. */
  public int id() {
    return id & 0xFFFF;
  }

  /** The id as the four hex digits used in documentation and the CLI, e.g. {@code 0x0578}. */
  public String idHex() {
    return String.format(Locale.ROOT, "0x%04X", id());
  }

  /** 1 for the legacy suites, 2 for the committing ones. */
  public int messageFormatVersion() {
    return messageFormatVersion;
  }

  /** The length in bytes of the plaintext data key (equal to the AES key length). */
  public int dataKeyLength() {
    return dataKeyLength;
  }

  /** How the per-message content key is derived. */
  public Kdf kdf() {
    return kdf;
  }

  /** The signature algorithm, {@link Signing#NONE} if the suite does not sign. */
  public Signing signing() {
    return signing;
  }

  /** Whether messages end with an ECDSA signature footer. */
  public boolean isSigned() {
    return signing != Signing.NONE;
  }

  /** Whether the suite commits the ciphertext to its data key (message format version 2). */
  public boolean isCommitting() {
    return committing;
  }

  /** Whether a data key of this suite may be reused for several messages (needs a KDF). */
  public boolean isCacheSafe() {
    return kdf != Kdf.NONE;
  }

  /** The length of the message id: 16 bytes in format version 1, 32 in version 2. */
  public int messageIdLength() {
    return messageFormatVersion == 1 ? 16 : 32;
  }

  /**
   * The suite with the given wire id.
   *
   * @throws IllegalArgumentException if no ESDK suite has that id
   */
  public static AlgorithmSuite fromId(int id) {
    AlgorithmSuite suite = lookup(id);
    if (suite == null) {
      throw new IllegalArgumentException(
          String.format(Locale.ROOT, "unknown algorithm suite id 0x%04X; known ids: %s", id,
              Arrays.stream(values()).map(AlgorithmSuite::idHex).collect(Collectors.joining(", "))));
    }
    return suite;
  }

  /**
   * Parses an id written in hex, with or without {@code 0x}, e.g. {@code "0x0478"} or {@code
   * "0578"}.
   *
   * @throws IllegalArgumentException if the text is not a known suite id
   */
  public static AlgorithmSuite fromHex(String hex) {
    String digits = hex.trim();
    if (digits.startsWith("0x") || digits.startsWith("0X")) {
      digits = digits.substring(2);
    }
    if (digits.isEmpty() || digits.length() > 4 || !digits.chars().allMatch(AlgorithmSuite::isHex)) {
      throw new IllegalArgumentException(
          "algorithm suite must be a hex id such as 0x0578, got '" + hex + "'");
    }
    return fromId(Integer.parseInt(digits, 16));
  }

  private static boolean isHex(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /** The suite with the given wire id, if it is one of the eleven ESDK suites. */
  public static Optional<AlgorithmSuite> find(int id) {
    return Optional.ofNullable(lookup(id));
  }

  private static AlgorithmSuite lookup(int id) {
    return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
  }
}
