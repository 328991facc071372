package dev.envelope;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One copy of the data key, encrypted ("wrapped") by a master key, as stored in a message header.
 *
 * <ul>
 *   <li>{@link #providerId()}: who wrapped it, e.g. {@code aws-kms} or a raw keyring's namespace.
 *   <li>{@link #providerInfo()}: which key of that provider, in the provider's own layout (a KMS key
 *       ARN; a raw AES keyring's key name, tag length, IV length and IV).
 *   <li>{@link #ciphertext()}: the wrapped key.
 * </ul>
 *
 * <p>Immutable: byte arrays are copied in and out. Equality compares all three fields.
 */
public final class EncryptedDataKey {
  private final String providerId;
  private final byte[] providerIdUtf8;
  private final byte[] providerInfo;
  private final byte[] ciphertext;

  private EncryptedDataKey(String providerId, byte[] providerIdUtf8, byte[] providerInfo, byte[] ciphertext) {
    this.providerId = providerId;
    this.providerIdUtf8 = providerIdUtf8;
    this.providerInfo = providerInfo;
    this.ciphertext = ciphertext;
  }

  /**
   * An encrypted data key.
   *
   * @throws IllegalArgumentException if a field is longer than the format's 65,535-byte limit
   */
  public static EncryptedDataKey of(String providerId, byte[] providerInfo, byte[] ciphertext) {
    Objects.requireNonNull(providerId, "providerId");
    byte[] idUtf8 = providerId.getBytes(StandardCharsets.UTF_8);
    checkLength("provider id", idUtf8.length);
    checkLength("provider info", providerInfo.length);
    checkLength("ciphertext", ciphertext.length);
    return new EncryptedDataKey(providerId, idUtf8, providerInfo.clone(), ciphertext.clone());
  }

  /** A key whose provider info is the UTF-8 of {@code providerInfo}, as KMS and raw RSA keyrings write. */
  public static EncryptedDataKey of(String providerId, String providerInfo, byte[] ciphertext) {
    return of(providerId, providerInfo.getBytes(StandardCharsets.UTF_8), ciphertext);
  }

  private static void checkLength(String field, int length) {
    if (length > 0xFFFF) {
      throw new IllegalArgumentException(
          "encrypted data key " + field + " is " + length + " bytes; the format allows at most 65535");
    }
  }

  public String providerId() {
    return providerId;
  }

  /** The provider id as UTF-8 bytes (a copy). */
  public byte[] providerIdBytes() {
    return providerIdUtf8.clone();
  }

  /** The provider info (a copy). */
  public byte[] providerInfo() {
    return providerInfo.clone();
  }

  /** The provider info decoded as UTF-8, as KMS and raw RSA keyrings write it. */
  public String providerInfoUtf8() {
    return new String(providerInfo, StandardCharsets.UTF_8);
  }

  /** Whether the provider info equals {@code expected}, without copying. */
  public boolean providerInfoEquals(byte[] expected) {
    return Arrays.equals(providerInfo, expected);
  }

  /** Whether the provider info starts with {@code prefix}, without copying. */
  public boolean providerInfoStartsWith(byte[] prefix) {
    return providerInfo.length >= prefix.length
        && Arrays.equals(providerInfo, 0, prefix.length, prefix, 0, prefix.length);
  }

  /** The provider info length in bytes. */
  public int providerInfoLength() {
    return providerInfo.length;
  }

  /** The wrapped key (a copy). */
  public byte[] ciphertext() {
    return ciphertext.clone();
  }

  /** The wrapped key length in bytes. */
  public int ciphertextLength() {
    return ciphertext.length;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof EncryptedDataKey)) {
      return false;
    }
    EncryptedDataKey other = (EncryptedDataKey) o;
    return providerId.equals(other.providerId)
        && Arrays.equals(providerInfo, other.providerInfo)
        && Arrays.equals(ciphertext, other.ciphertext);
  }

  /**
   * One linear pass over the fields, with no boxing (the data-key cache hashes every encrypted data
   * key of a message it looks up). Same value as {@code Objects.hash(providerId,
   * Arrays.hashCode(providerInfo), Arrays.hashCode(ciphertext))}.
   */
  @Override
  public int hashCode() {
    int h = 31 + providerId.hashCode();
    h = 31 * h + Arrays.hashCode(providerInfo);
    return 31 * h + Arrays.hashCode(ciphertext);
  }

  @Override
  public String toString() {
    return "EncryptedDataKey[provider=" + providerId + ", info=" + providerInfo.length
        + " bytes, ciphertext=" + ciphertext.length + " bytes]";
  }
}
