package dev.envelope.testing;

import dev.envelope.DataKey;
import dev.envelope.DecryptionMaterials;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionMaterials;
import dev.envelope.Keyring;
import dev.envelope.NoMatchingKeyException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * <strong>Test only, insecure:</strong> a keyring whose data key is fixed. It lets tests inject a
 * known plaintext data key (known-answer vectors that give {@code decrypted-dek}, the Python
 * {@code null}/{@code test_counting} providers) and count keyring calls (caching tests).
 *
 * <p>The key material may be longer than a suite needs; a suite of data-key length {@code n} uses
 * its first {@code n} bytes. So {@code StaticKeyring.of(new byte[32])} serves every suite with an
 * all-zero key, as the Python {@code null} provider does.
 *
 * <ul>
 *   <li>encrypt: sets the data key (if the materials have none) and adds one encrypted data key
 *       {@code (providerId, providerInfo, empty ciphertext)}. Nothing is wrapped.
 *   <li>decrypt: returns the data key if some encrypted data key carries this keyring's provider id
 *       and info, or for any keys at all when built with {@link Builder#acceptAnyEncryptedDataKey()};
 *       otherwise throws {@link NoMatchingKeyException}.
 * </ul>
 *
 * Thread-safe.
 */
public final class StaticKeyring implements Keyring {
  /** The provider id written when none is configured. */
  public static final String DEFAULT_PROVIDER_ID = "static-test-key";

  private final byte[] keyMaterial;
  private final String providerId;
  private final byte[] providerInfo;
  private final boolean acceptAny;
  private final AtomicInteger encryptCalls = new AtomicInteger();
  private final AtomicInteger decryptCalls = new AtomicInteger();

  private StaticKeyring(Builder b) {
    this.keyMaterial = b.key.clone();
    this.providerId = b.providerId;
    this.providerInfo = b.providerInfo.clone();
    this.acceptAny = b.acceptAny;
  }

  /** A keyring with the default provider id and info that opens only its own keys. */
  public static StaticKeyring of(byte[] keyMaterial) {
    return builder().key(keyMaterial).build();
  }

  /** A keyring that returns {@code keyMaterial} for any message, whoever wrapped its keys. */
  public static StaticKeyring injecting(byte[] keyMaterial) {
    return builder().key(keyMaterial).acceptAnyEncryptedDataKey().build();
  }

  /** 32 bytes {@code 01 02 03 … 20}: the Python {@code test_counting} provider's key. */
  public static byte[] countingKey() {
    byte[] key = new byte[32];
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) (i + 1);
    }
    return key;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public EncryptionMaterials onEncrypt(EncryptionMaterials materials) {
    encryptCalls.incrementAndGet();
    EncryptionMaterials result = materials;
    if (!materials.hasDataKey()) {
      result = materials.withDataKey(keyFor(materials.algorithmSuite().dataKeyLength()));
    }
    return result.withEncryptedDataKey(EncryptedDataKey.of(providerId, providerInfo, new byte[0]));
  }

  @Override
  public DecryptionMaterials onDecrypt(DecryptionMaterials materials, List<EncryptedDataKey> keys) {
    decryptCalls.incrementAndGet();
    if (materials.hasDataKey()) {
      throw new IllegalStateException("the decryption materials already have a data key");
    }
    boolean mine = acceptAny;
    for (EncryptedDataKey edk : keys) {
      mine |= edk.providerId().equals(providerId) && edk.providerInfoEquals(providerInfo);
    }
    if (!mine) {
      throw new NoMatchingKeyException("no encrypted data key is for static test key " + this);
    }
    return materials.withDataKey(keyFor(materials.algorithmSuite().dataKeyLength()));
  }

  private DataKey keyFor(int length) {
    if (length > keyMaterial.length) {
      throw new IllegalStateException(
          "static test key has " + keyMaterial.length + " bytes, the suite needs " + length);
    }
    byte[] key = Arrays.copyOf(keyMaterial, length);
    try {
      return DataKey.copyOf(key);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /** How many times {@link #onEncrypt} was called. */
  public int encryptCalls() {
    return encryptCalls.get();
  }

  /** How many times {@link #onDecrypt} was called. */
  public int decryptCalls() {
    return decryptCalls.get();
  }

  @Override
  public String toString() {
    return "StaticKeyring['" + providerId + "'/'" + new String(providerInfo, StandardCharsets.UTF_8)
        + "'" + (acceptAny ? ", accepts any key" : "") + "]";
  }

  /** Configures a {@link StaticKeyring}; only the key is required. */
  public static final class Builder {
    private byte[] key;
    private String providerId = DEFAULT_PROVIDER_ID;
    private byte[] providerInfo = "static".getBytes(StandardCharsets.UTF_8);
    private boolean acceptAny;

    private Builder() {}

    /** The key material (at least as long as the longest data key of the suites used). */
    public Builder key(byte[] keyMaterial) {
      Objects.requireNonNull(keyMaterial, "keyMaterial");
      if (keyMaterial.length == 0) {
        throw new IllegalArgumentException("the static key cannot be empty");
      }
      this.key = keyMaterial.clone();
      return this;
    }

    public Builder providerId(String providerId) {
      this.providerId = Objects.requireNonNull(providerId, "providerId");
      return this;
    }

    public Builder providerInfo(String providerInfo) {
      this.providerInfo = providerInfo.getBytes(StandardCharsets.UTF_8);
      return this;
    }

    /** Decrypt every message, whatever its encrypted data keys say (to inject a known key). */
    public Builder acceptAnyEncryptedDataKey() {
      this.acceptAny = true;
      return this;
    }

    public StaticKeyring build() {
      if (key == null) {
        throw new IllegalStateException("give the static keyring a key");
      }
      return new StaticKeyring(this);
    }
  }
}
