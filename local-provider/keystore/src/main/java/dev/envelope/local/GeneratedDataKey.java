package dev.envelope.local;

import dev.envelope.DataKey;

/**
 * A fresh data key from {@link LocalKeyStore#generateDataKey}: the plaintext (in a {@link
 * DataKey}) and the same key encrypted under the store key (a blob for {@link
 * LocalKeyStore#decrypt}). Close it to zero the plaintext.
 */
public final class GeneratedDataKey implements AutoCloseable {
  private final String keyId;
  private final int keyVersion;
  private final DataKey plaintext;
  private final byte[] ciphertext;

  GeneratedDataKey(String keyId, int keyVersion, DataKey plaintext, byte[] ciphertext) {
    this.keyId = keyId;
    this.keyVersion = keyVersion;
    this.plaintext = plaintext;
    this.ciphertext = ciphertext;
  }

  public String keyId() {
    return keyId;
  }

  public int keyVersion() {
    return keyVersion;
  }

  /** The plaintext data key; closed with this object. */
  public DataKey plaintext() {
    return plaintext;
  }

  /** The encrypted data key (a copy). */
  public byte[] ciphertext() {
    return ciphertext.clone();
  }

  @Override
  public void close() {
    plaintext.close();
  }

  @Override
  public String toString() {
    return "GeneratedDataKey[" + KeyVersion.keyName(keyId, keyVersion) + ", " + plaintext + "]";
  }
}
