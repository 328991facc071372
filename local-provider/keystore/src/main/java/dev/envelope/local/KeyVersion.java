package dev.envelope.local;

import java.time.Instant;
import java.util.Objects;

/**
 * One version of a master key: its number (1, 2, …), when it was created, and the key name it
 * writes into encrypted data keys: {@code <keyId>/v<number>} for the local key store, the key's
 * label for a PKCS#11 token key ({@link #named}). Metadata only. Immutable.
 */
public final class KeyVersion {
  private final int number;
  private final Instant createdAt;
  private final String keyName;

  private KeyVersion(int number, Instant createdAt, String keyName) {
    this.number = number;
    this.createdAt = createdAt;
    this.keyName = keyName;
  }

  /**
   * A version record.
   *
   * @throws IllegalArgumentException if {@code number} is not positive
   */
  public static KeyVersion of(String keyId, int number, Instant createdAt) {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(createdAt, "createdAt");
    if (number < 1) {
      throw new IllegalArgumentException("key version numbers start at 1: " + number);
    }
    return new KeyVersion(number, createdAt, keyName(keyId, number));
  }

  /**
   * A version whose encrypted data keys carry {@code keyName} as it is, for key managers whose keys
   * are not named {@code <keyId>/v<number>} (a PKCS#11 token key is named by its label).
   *
   * @throws IllegalArgumentException if {@code number} is not positive or the name is empty
   */
  public static KeyVersion named(String keyName, int number, Instant createdAt) {
    Objects.requireNonNull(keyName, "keyName");
    Objects.requireNonNull(createdAt, "createdAt");
    if (number < 1) {
      throw new IllegalArgumentException("key version numbers start at 1: " + number);
    }
    if (keyName.isEmpty()) {
      throw new IllegalArgumentException("a key name cannot be empty");
    }
    return new KeyVersion(number, createdAt, keyName);
  }

  /** The key name of {@code version} of {@code keyId} in the local key store. */
  public static String keyName(String keyId, int version) {
    return keyId + "/v" + version;
  }

  public int number() {
    return number;
  }

  public Instant createdAt() {
    return createdAt;
  }

  /**
   * The key name in the provider info of encrypted data keys: {@code <keyId>/v<number>} in the
   * local key store.
   */
  public String keyName() {
    return keyName;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyVersion
        && ((KeyVersion) o).number == number
        && ((KeyVersion) o).createdAt.equals(createdAt)
        && ((KeyVersion) o).keyName.equals(keyName);
  }

  @Override
  public int hashCode() {
    return Objects.hash(number, createdAt, keyName);
  }

  @Override
  public String toString() {
    return keyName + "@" + createdAt;
  }
}
