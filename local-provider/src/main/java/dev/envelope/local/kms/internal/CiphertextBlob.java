package dev.envelope.local.kms.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The {@code CiphertextBlob} of Encrypt, GenerateDataKey and ReEncrypt, and its parser. Like a real
 * KMS blob it names the key, so Decrypt finds the key without being told; the key id and the
 * encryption context are bound as AES-GCM associated data, so a blob opens only under the context
 * it was made with, and a blob whose key id was edited does not open at all.
 *
 * <pre>
 * offset      size  field
 * 0           1     format version, 0x01
 * 1           1     n = length of the key id (1..36)
 * 2           n     key id, ASCII (a UUID, or "mrk-" and 32 hex digits)
 * 2+n         4     key version, unsigned big-endian (1..2^31-1)
 * 6+n         1     m = nonce length (12)
 * 7+n         m     AES-GCM nonce
 * 7+n+m       rest  AES-256-GCM ciphertext ‖ 16-byte tag     (the blob is at most 6144 bytes)
 *
 * AAD = "envelope-local-kms-blob/1" ‖ n ‖ key id ‖ canonical(encryption context)
 * canonical(ctx) = u16 count ‖ for each entry, sorted by the UTF-8 bytes of its key (unsigned):
 *                  u16 len ‖ UTF-8 key ‖ u16 len ‖ UTF-8 value
 * </pre>
 *
 * The key version is not in the AAD: opening under any other version is opening under another key,
 * which fails authentication anyway. A multi-Region key's replicas share the key id and material,
 * so a blob made in one Region opens in another, as in KMS.
 */
public final class CiphertextBlob {
  public static final int MAX_BLOB = 6144;
  private static final byte VERSION = 0x01;
  private static final byte[] AAD_LABEL =
      "envelope-local-kms-blob/1".getBytes(StandardCharsets.US_ASCII);
  private static final int TAG_BYTES = 16;
  private static final int MAX_NONCE = 32;

  private final String keyId;
  private final int keyVersion;
  private final byte[] nonce;
  private final byte[] ciphertext;

  private CiphertextBlob(String keyId, int keyVersion, byte[] nonce, byte[] ciphertext) {
    this.keyId = keyId;
    this.keyVersion = keyVersion;
    this.nonce = nonce;
    this.ciphertext = ciphertext;
  }

  public String keyId() {
    return keyId;
  }

  public int keyVersion() {
    return keyVersion;
  }

  public byte[] nonce() {
    return nonce.clone();
  }

  public byte[] ciphertext() {
    return ciphertext.clone();
  }

  /** Serializes a sealed payload of {@code keyId}. */
  public static byte[] encode(String keyId, KmsBackend.Sealed sealed) {
    byte[] id = keyId.getBytes(StandardCharsets.US_ASCII);
    if (id.length < 1 || id.length > KeyIds.MAX_LENGTH) {
      throw new IllegalArgumentException("key id length out of range: " + id.length);
    }
    if (sealed.nonce().length < 1 || sealed.nonce().length > MAX_NONCE) {
      throw new IllegalArgumentException("nonce length out of range: " + sealed.nonce().length);
    }
    int size = 7 + id.length + sealed.nonce().length + sealed.ciphertext().length;
    if (size > MAX_BLOB) {
      throw new IllegalArgumentException("blob would be " + size + " bytes, over " + MAX_BLOB);
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    b.put(VERSION).put((byte) id.length).put(id).putInt(sealed.version());
    b.put((byte) sealed.nonce().length).put(sealed.nonce()).put(sealed.ciphertext());
    return b.array();
  }

  /**
   * Parses a blob, checking every length against what remains before reading it.
   *
   * @throws KmsException {@code InvalidCiphertextException} if the bytes are not a blob
   */
  public static CiphertextBlob decode(byte[] blob) {
    if (blob.length > MAX_BLOB || blob.length < 2 || blob[0] != VERSION) {
      throw KmsException.invalidCiphertext();
    }
    ByteBuffer b = ByteBuffer.wrap(blob);
    b.get();
    int idLength = b.get() & 0xff;
    if (idLength < 1 || idLength > KeyIds.MAX_LENGTH || b.remaining() < idLength + 5) {
      throw KmsException.invalidCiphertext();
    }
    byte[] id = new byte[idLength];
    b.get(id);
    String keyId = new String(id, StandardCharsets.US_ASCII);
    if (!KeyIds.isValid(keyId)) {
      throw KmsException.invalidCiphertext();
    }
    int version = b.getInt();
    int nonceLength = b.get() & 0xff;
    if (version < 1
        || nonceLength < 1
        || nonceLength > MAX_NONCE
        || b.remaining() < nonceLength + TAG_BYTES) {
      throw KmsException.invalidCiphertext();
    }
    byte[] nonce = new byte[nonceLength];
    b.get(nonce);
    byte[] ciphertext = new byte[b.remaining()];
    b.get(ciphertext);
    return new CiphertextBlob(keyId, version, nonce, ciphertext);
  }

  /** The associated data binding a blob to its key id and encryption context. */
  public static byte[] aad(String keyId, Map<String, String> encryptionContext) {
    byte[] id = keyId.getBytes(StandardCharsets.US_ASCII);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(AAD_LABEL);
    out.write(id.length);
    out.writeBytes(id);
    out.writeBytes(canonicalContext(encryptionContext));
    return out.toByteArray();
  }

  /**
   * The canonical encoding of an encryption context: order of insertion never matters.
   *
   * @throws KmsException {@code ValidationException} if a key or value is over 65535 UTF-8 bytes or
   *     there are more than 65535 entries
   */
  public static byte[] canonicalContext(Map<String, String> context) {
    if (context.size() > 0xffff) {
      throw KmsException.validation("the encryption context has more than 65535 entries");
    }
    List<byte[][]> entries = new ArrayList<>(context.size());
    for (Map.Entry<String, String> e : context.entrySet()) {
      byte[] k = e.getKey().getBytes(StandardCharsets.UTF_8);
      byte[] v = e.getValue().getBytes(StandardCharsets.UTF_8);
      if (k.length > 0xffff || v.length > 0xffff) {
        throw KmsException.validation(
            "an encryption context key or value is longer than 65535 UTF-8 bytes");
      }
      entries.add(new byte[][] {k, v});
    }
    entries.sort((x, y) -> Arrays.compareUnsigned(x[0], y[0]));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeU16(out, entries.size());
    for (byte[][] e : entries) {
      writeU16(out, e[0].length);
      out.writeBytes(e[0]);
      writeU16(out, e[1].length);
      out.writeBytes(e[1]);
    }
    return out.toByteArray();
  }

  private static void writeU16(ByteArrayOutputStream out, int value) {
    out.write(value >>> 8);
    out.write(value);
  }

  @Override
  public String toString() {
    return "CiphertextBlob{keyId=" + keyId + ", keyVersion=" + keyVersion + "}";
  }
}
