package dev.envelope.localkms.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The {@code CiphertextBlob} of Encrypt, GenerateDataKey and ReEncrypt, and its parser. Like a real
 * KMS blob it names the key, so Decrypt finds the key without being told. The rest is the
 * backend's payload: a local key store ciphertext, which names the store key and key version and
 * is AES-256-GCM under that version with the canonical encryption context as associated data.
 *
 * <pre>
 * offset  size  field
 * 0       1     format version, 0x02
 * 1       1     n = length of the KMS key id (1..36)
 * 2       n     KMS key id, ASCII (a UUID, or "mrk-" and 32 hex digits)
 * 2+n     rest  backend payload (at least 1 byte; the blob is at most 6144 bytes)
 *
 * payload (local key store blob, see the key store's EdkLayout):
 *   01 ‖ u16 length of info ‖ info = UTF-8("&lt;storeKeyId&gt;/v&lt;version&gt;") ‖ 00000080 ‖ 0000000C ‖ IV (12)
 *      ‖ AES-256-GCM(key version, IV, AAD = canonical encryption context)(plaintext) ‖ tag (16)
 * </pre>
 *
 * <p>What binds what: the encryption context is the AEAD's associated data; the key version is
 * the AEAD key itself (another version is another key); the KMS key id is bound by the backend,
 * which opens a payload only if it names the store key behind that KMS key id, so editing the key
 * id (or splicing another key's payload under it) gives {@code InvalidCiphertextException}. A
 * multi-Region key's replicas share one store key, so a blob made in one Region opens in another,
 * as in KMS. Format 0x01, written by earlier releases of this endpoint, is not read.
 */
public final class CiphertextBlob {
  public static final int MAX_BLOB = 6144;
  private static final byte VERSION = 0x02;

  private final String keyId;
  private final byte[] payload;

  private CiphertextBlob(String keyId, byte[] payload) {
    this.keyId = keyId;
    this.payload = payload;
  }

  public String keyId() {
    return keyId;
  }

  /** The backend's payload (a copy). */
  public byte[] payload() {
    return payload.clone();
  }

  /** Serializes a payload of {@code keyId}. */
  public static byte[] encode(String keyId, byte[] payload) {
    byte[] id = keyId.getBytes(StandardCharsets.US_ASCII);
    if (id.length < 1 || id.length > KeyIds.MAX_LENGTH) {
      throw new IllegalArgumentException("key id length out of range: " + id.length);
    }
    if (payload.length < 1) {
      throw new IllegalArgumentException("the payload is empty");
    }
    int size = 2 + id.length + payload.length;
    if (size > MAX_BLOB) {
      throw new IllegalArgumentException("blob would be " + size + " bytes, over " + MAX_BLOB);
    }
    return ByteBuffer.allocate(size).put(VERSION).put((byte) id.length).put(id).put(payload).array();
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
    int idLength = blob[1] & 0xff;
    if (idLength < 1 || idLength > KeyIds.MAX_LENGTH || blob.length - 2 < idLength + 1) {
      throw KmsException.invalidCiphertext();
    }
    String keyId = new String(blob, 2, idLength, StandardCharsets.US_ASCII);
    if (!KeyIds.isValid(keyId)) {
      throw KmsException.invalidCiphertext();
    }
    byte[] payload = new byte[blob.length - 2 - idLength];
    System.arraycopy(blob, 2 + idLength, payload, 0, payload.length);
    return new CiphertextBlob(keyId, payload);
  }

  @Override
  public String toString() {
    return "CiphertextBlob{keyId=" + keyId + ", payload=" + payload.length + " bytes}";
  }
}
