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

  private final String id;
  private final String hash;

  RsaPadding(String id, String hash) {
    this.id = id;
    this.hash = hash;
  }

  /**
   * The padding's short, stable id, e.g. {@code oaep-sha256} or {@code pkcs1}: how messages and
   * test-vector manifests name it.
   */
  public String id() {
    return id;
  }

  /**
   * The padding with this id (case-insensitive), see {@link #id()}.
   *
   * @throws IllegalArgumentException if no padding has that id; the message lists the ids
   */
  public static RsaPadding fromId(String id) {
    for (RsaPadding p : values()) {
      if (p.id.equals(id.toLowerCase(Locale.ROOT))) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "unknown RSA padding '" + id + "'; use pkcs1, oaep-sha1, oaep-sha256, oaep-sha384 or oaep-sha512");
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
