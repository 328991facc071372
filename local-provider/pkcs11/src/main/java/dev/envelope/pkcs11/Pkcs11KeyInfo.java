package dev.envelope.pkcs11;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * What a token says about one of its keys, as {@link Pkcs11Token#listKeys()} and {@link
 * Pkcs11Token#describeKey(String)} report it. Holds no key material. Immutable.
 */
public final class Pkcs11KeyInfo {
  /** The kinds of token key a {@link Pkcs11Keyring} can use. */
  public enum Type {
    /** An AES secret key: wraps data keys with AES-GCM inside the token. */
    AES,
    /** An RSA key pair (private key and a self-signed certificate holding the public key). */
    RSA,
    /** Any other key entry (e.g. an EC or HMAC key): listed, but no {@link Pkcs11Keyring} uses it. */
    OTHER
  }

  private final String label;
  private final Type type;
  private final String algorithm;
  private final int bits;
  private final boolean exportable;

  Pkcs11KeyInfo(String label, Type type, String algorithm, int bits, boolean exportable) {
    this.label = Objects.requireNonNull(label, "label");
    this.type = Objects.requireNonNull(type, "type");
    this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
    this.bits = bits;
    this.exportable = exportable;
  }

  /** The key's label on the token (the SunPKCS11 key store alias). */
  public String label() {
    return label;
  }

  public Type type() {
    return type;
  }

  /** The JCA algorithm name SunPKCS11 gives the key, e.g. {@code AES} or {@code RSA}. */
  public String algorithm() {
    return algorithm;
  }

  /**
   * The RSA modulus size in bits. Empty for AES keys: SunPKCS11 does not report a token secret
   * key's length ({@link Pkcs11Token#createAesKey(String)} always makes 256-bit keys).
   */
  public OptionalInt bits() {
    return bits > 0 ? OptionalInt.of(bits) : OptionalInt.empty();
  }

  /**
   * Whether the token hands out the key's value ({@code getEncoded()} returns the bytes). False
   * for keys made by {@link Pkcs11Token}: they are sensitive and non-extractable.
   */
  public boolean exportable() {
    return exportable;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Pkcs11KeyInfo)) {
      return false;
    }
    Pkcs11KeyInfo other = (Pkcs11KeyInfo) o;
    return label.equals(other.label) && type == other.type && algorithm.equals(other.algorithm) && bits == other.bits && exportable == other.exportable;
  }

  @Override
  public int hashCode() {
    return Objects.hash(label, type, algorithm, bits, exportable);
  }

  @Override
  public String toString() {
    return "Pkcs11KeyInfo['" + label + "', " + (type == Type.OTHER ? algorithm : type.name()) + (bits > 0 ? "-" + bits : "")
        + (exportable ? ", exportable" : ", non-exportable") + "]";
  }
}
