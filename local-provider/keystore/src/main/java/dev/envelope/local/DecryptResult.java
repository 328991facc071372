package dev.envelope.local;

import java.util.Arrays;

/**
 * The result of {@link LocalKeyStore#decrypt}: which key and version decrypted the blob, and the
 * plaintext. Close it to zero the plaintext. Not thread-safe.
 */
public final class DecryptResult implements AutoCloseable {
  private final String keyId;
  private final int keyVersion;
  private final byte[] plaintext;

  DecryptResult(String keyId, int keyVersion, byte[] plaintext) {
    this.keyId = keyId;
    this.keyVersion = keyVersion;
    this.plaintext = plaintext;
  }

  public String keyId() {
    return keyId;
  }

  public int keyVersion() {
    return keyVersion;
  }

  /** A copy of the plaintext; zero it when done. */
  public byte[] plaintext() {
    return plaintext.clone();
  }

  /** Zeroes the plaintext held here. */
  @Override
  public void close() {
    Arrays.fill(plaintext, (byte) 0);
  }

  @Override
  public String toString() {
    return "DecryptResult[" + KeyVersion.keyName(keyId, keyVersion) + ", " + plaintext.length + " bytes, redacted]";
  }
}
