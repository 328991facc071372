package dev.envelope.local.internal;

import dev.envelope.EncryptedDataKey;
import dev.envelope.MalformedMessageException;
import java.nio.charset.StandardCharsets;

/**
 * The raw-AES encrypted-data-key layout (spec: framework/raw-aes-keyring.md) as the key store
 * writes it, and the key store's small-blob ciphertext built from the same two pieces.
 *
 * <pre>
 * provider id    UTF-8(store namespace)
 * provider info  UTF-8("&lt;keyId&gt;/v&lt;version&gt;") ‖ 00 00 00 80 (tag bits) ‖ 00 00 00 0C (IV length) ‖ IV (12)
 * ciphertext     AES-256-GCM(key version, IV, AAD = canonical encryption context)(data key) ‖ tag (16)
 *
 * blob           01 ‖ u16 length of provider info ‖ provider info ‖ ciphertext
 * </pre>
 */
public final class EdkLayout {
  public static final int IV_LENGTH = 12;
  public static final int TAG_LENGTH = 16;
  private static final int TRAILER = 8 + IV_LENGTH;
  private static final byte BLOB_FORMAT = 1;
  /** The longest key name we write: a 36-character UUID, "/v" and up to 9 digits. */
  private static final int MAX_NAME = 36 + 2 + 9;

  private EdkLayout() {}

  /** Provider info for {@code keyName} and {@code iv}. */
  // spec: framework/raw-aes-keyring.md#onencrypt (provider info = key name ‖ tag bits ‖ IV length ‖ IV)
  public static byte[] providerInfo(String keyName, byte[] iv) {
    byte[] name = keyName.getBytes(StandardCharsets.UTF_8);
    byte[] info = new byte[name.length + TRAILER];
    System.arraycopy(name, 0, info, 0, name.length);
    info[name.length + 3] = (byte) 0x80;
    info[name.length + 7] = (byte) IV_LENGTH;
    System.arraycopy(iv, 0, info, name.length + 8, IV_LENGTH);
    return info;
  }

  /** A parsed provider info and ciphertext. */
  public static final class Parsed {
    public final String keyId;
    public final int version;
    public final byte[] iv;
    public final byte[] ciphertext;

    Parsed(String keyId, int version, byte[] iv, byte[] ciphertext) {
      this.keyId = keyId;
      this.version = version;
      this.iv = iv;
      this.ciphertext = ciphertext;
    }
  }

  /** Parses an EDK of {@code namespace}; null if it is not one the key store wrote. */
  public static Parsed parse(EncryptedDataKey edk, String namespace) {
    if (!edk.providerId().equals(namespace)) {
      return null;
    }
    return parse(edk.providerInfo(), edk.ciphertext());
  }

  // spec: framework/raw-aes-keyring.md#ondecrypt (only EDKs whose info parses with tag 128, IV 12)
  private static Parsed parse(byte[] info, byte[] ciphertext) {
    int nameLength = info.length - TRAILER;
    if (nameLength <= 0 || nameLength > MAX_NAME || ciphertext.length < TAG_LENGTH) {
      return null;
    }
    if (info[nameLength] != 0 || info[nameLength + 1] != 0 || info[nameLength + 2] != 0 || (info[nameLength + 3] & 0xFF) != 0x80
        || info[nameLength + 4] != 0 || info[nameLength + 5] != 0 || info[nameLength + 6] != 0 || info[nameLength + 7] != IV_LENGTH) {
      return null;
    }
    Names.ParsedKeyName name = Names.parseKeyName(new String(info, 0, nameLength, StandardCharsets.UTF_8));
    if (name == null) {
      return null;
    }
    byte[] iv = new byte[IV_LENGTH];
    System.arraycopy(info, nameLength + 8, iv, 0, IV_LENGTH);
    return new Parsed(name.keyId, name.version, iv, ciphertext);
  }

  /** A key store blob holding {@code providerInfo} and {@code ciphertext}. */
  public static byte[] blob(byte[] providerInfo, byte[] ciphertext) {
    byte[] out = new byte[3 + providerInfo.length + ciphertext.length];
    out[0] = BLOB_FORMAT;
    out[1] = (byte) (providerInfo.length >>> 8);
    out[2] = (byte) providerInfo.length;
    System.arraycopy(providerInfo, 0, out, 3, providerInfo.length);
    System.arraycopy(ciphertext, 0, out, 3 + providerInfo.length, ciphertext.length);
    return out;
  }

  /**
   * Parses a blob.
   *
   * @throws MalformedMessageException if it is not a key store ciphertext
   */
  public static Parsed parseBlob(byte[] blob, int maxPlaintext) {
    if (blob.length < 3 || blob[0] != BLOB_FORMAT) {
      throw new MalformedMessageException("not a key store ciphertext: unknown format byte");
    }
    int infoLength = ((blob[1] & 0xFF) << 8) | (blob[2] & 0xFF);
    int ctLength = blob.length - 3 - infoLength;
    if (infoLength > MAX_NAME + TRAILER || ctLength < TAG_LENGTH || ctLength > maxPlaintext + TAG_LENGTH) {
      throw new MalformedMessageException("not a key store ciphertext: bad lengths");
    }
    byte[] info = new byte[infoLength];
    System.arraycopy(blob, 3, info, 0, infoLength);
    byte[] ct = new byte[ctLength];
    System.arraycopy(blob, 3 + infoLength, ct, 0, ctLength);
    Parsed p = parse(info, ct);
    if (p == null) {
      throw new MalformedMessageException("not a key store ciphertext: malformed key name or IV fields");
    }
    return p;
  }
}
