package dev.envelope.keyring;

import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.util.Locale;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

/**
 * The RSA padding schemes of the ESDK's raw RSA keyring. OAEP uses MGF1 with the same hash as
 * OAEP and an empty label (the JCE transformation names such as {@code
 * OAEPWithSHA-256AndMGF1Padding} would silently use MGF1-SHA-1, so explicit parameters are passed).
 */
public enum RsaPadding {
  /**
   * RSAES-PKCS1-v1_5, a legacy choice: only for reading and writing messages shared with systems
   * that cannot use OAEP. Its padding is malleable (Bleichenbacher), so {@link RawRsaKeyring}
   * decrypts it with implicit rejection: a ciphertext whose padding does not check unwraps to a
   * pseudorandom data key, and the message then fails exactly as under a wrong key. Prefer OAEP.
   */
  PKCS1_LEGACY("pkcs1", null),
  OAEP_SHA1_MGF1("oaep-sha1", "SHA-1"),
  OAEP_SHA256_MGF1("oaep-sha256", "SHA-256"),
  OAEP_SHA384_MGF1("oaep-sha384", "SHA-384"),
  OAEP_SHA512_MGF1("oaep-sha512", "SHA-512");

  private final String cliName;
  private final String hash;

  RsaPadding(String cliName, String hash) {
    this.cliName = cliName;
    this.hash = hash;
  }

  /** The name the CLI and test-vector manifests use, e.g. {@code oaep-sha256}. */
  public String cliName() {
    return cliName;
  }

  /** Parses a CLI name such as {@code oaep-sha256} or {@code pkcs1}. */
  public static RsaPadding fromCliName(String name) {
    for (RsaPadding p : values()) {
      if (p.cliName.equals(name.toLowerCase(Locale.ROOT))) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "unknown RSA padding '" + name + "'; use pkcs1, oaep-sha1, oaep-sha256, oaep-sha384 or oaep-sha512");
  }

  String transformation() {
    return hash == null ? "RSA/ECB/PKCS1Padding" : "RSA/ECB/OAEPPadding";
  }

  AlgorithmParameterSpec parameters() {
    if (hash == null) {
      return null;
    }
    return new OAEPParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash), PSource.PSpecified.DEFAULT);
  }
}
