package dev.envelope.local.internal;

/** A wrapped secret in the pieces of an ESDK raw AES encrypted data key. */
public final class Wrapped {
  public final int version;
  public final String keyName;
  public final byte[] providerInfo;
  public final byte[] ciphertext;

  Wrapped(int version, String keyName, byte[] providerInfo, byte[] ciphertext) {
    this.version = version;
    this.keyName = keyName;
    this.providerInfo = providerInfo;
    this.ciphertext = ciphertext;
  }
}
