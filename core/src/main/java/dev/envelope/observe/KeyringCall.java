package dev.envelope.observe;

import java.util.Objects;

/**
 * A keyring call about to be made within an operation: which keyring (its type, such as {@code
 * RawAesKeyring} or {@code KmsKeyring}, never its keys) and which way. Immutable.
 */
public final class KeyringCall {
  /** Which of the two keyring methods is called. */
  public enum Direction {
    /** {@code Keyring.onEncrypt}: generate and/or wrap a data key. */
    WRAP("wrap"),
    /** {@code Keyring.onDecrypt}: unwrap one of the message's encrypted data keys. */
    UNWRAP("unwrap");

    private final String id;

    Direction(String id) {
      this.id = id;
    }

    /** Lower-case name, as used in attributes: {@code wrap} or {@code unwrap}. */
    public String id() {
      return id;
    }
  }

  private final String keyring;
  private final Direction direction;

  private KeyringCall(String keyring, Direction direction) {
    this.keyring = keyring;
    this.direction = direction;
  }

  /**
   * A call of {@code keyring} (a type name, not an identifier of key material) in {@code
   * direction}.
   */
  public static KeyringCall of(String keyring, Direction direction) {
    Objects.requireNonNull(keyring, "keyring");
    Objects.requireNonNull(direction, "direction");
    if (keyring.isEmpty()) {
      throw new IllegalArgumentException("keyring type name must not be empty");
    }
    return new KeyringCall(keyring, direction);
  }

  /** The keyring's type, for example {@code RawAesKeyring}, {@code MultiKeyring}, {@code KmsKeyring}. */
  public String keyring() {
    return keyring;
  }

  public Direction direction() {
    return direction;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyringCall other
        && keyring.equals(other.keyring)
        && direction == other.direction;
  }

  @Override
  public int hashCode() {
    return keyring.hashCode() * 31 + direction.hashCode();
  }

  @Override
  public String toString() {
    return "KeyringCall[" + keyring + " " + direction.id() + "]";
  }
}
