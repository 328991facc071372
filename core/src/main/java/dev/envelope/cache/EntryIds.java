package dev.envelope.cache;

import dev.envelope.AlgorithmSuite;
import dev.envelope.CommitmentPolicy;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Cache entry identifiers: SHA-384 over a canonical, length-prefixed serialization of everything
 * that must match for cached materials to be reused.
 *
 * <p>spec: keyrings.md §7.3 (entry identifiers). The spec's formulas separate fields with NUL bytes,
 * which is ambiguous when a partition id contains NUL; this layout length-prefixes every variable
 * field instead and adds the commitment policy and required-context keys. Identifiers are internal
 * to one process, so interop with other implementations' identifiers is not needed, only
 * uniqueness:
 *
 * <pre>
 * encrypt: SHA-384( 0x01 0x01 | str(partitionId) | u16 suiteId | str(policy)
 *                  | u32 n | n × str(required key), sorted by unsigned UTF-8 bytes
 *                  | bytes(canonical EC) )
 * decrypt: SHA-384( 0x01 0x02 | str(partitionId) | u16 suiteId | str(policy)
 *                  | u32 n | n × bytes(serialized EDK), sorted by unsigned bytes
 *                  | bytes(canonical stored EC) | bytes(canonical reproduced EC) )
 * str(s)   = bytes(UTF-8 of s)
 * bytes(b) = u32 length ‖ b
 * serialized EDK = u16 len ‖ provider id ‖ u16 len ‖ provider info ‖ u16 len ‖ ciphertext
 * </pre>
 *
 * The encrypt id uses the suite the request resolves to (the requested one, or the commitment
 * policy's default), never "no suite", so an entry's id always names the suite of its materials.
 */
final class EntryIds {
  private static final byte VERSION = 0x01;
  private static final byte ENCRYPT = 0x01;
  private static final byte DECRYPT = 0x02;

  /** Cloned per id: cheaper than a provider lookup, and no thread-local to leak. */
  private static final MessageDigest SHA384 = newSha384();

  private static MessageDigest newSha384() {
    try {
      return MessageDigest.getInstance("SHA-384");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-384", e);
    }
  }

  private EntryIds() {}

  static EntryId encrypt(
      byte[] partitionUtf8,
      AlgorithmSuite suite,
      CommitmentPolicy policy,
      Collection<String> requiredContextKeys,
      EncryptionContext context) {
    MessageDigest d = digest();
    d.update(VERSION);
    d.update(ENCRYPT);
    bytes(d, partitionUtf8);
    u16(d, suite.id());
    str(d, policy.name());
    List<byte[]> keys = new ArrayList<>(requiredContextKeys.size());
    for (String key : requiredContextKeys) {
      keys.add(key.getBytes(StandardCharsets.UTF_8));
    }
    sortedList(d, keys);
    bytes(d, context.toCanonicalBytes());
    return new EntryId(d.digest());
  }

  static EntryId decrypt(
      byte[] partitionUtf8,
      AlgorithmSuite suite,
      CommitmentPolicy policy,
      List<EncryptedDataKey> encryptedDataKeys,
      EncryptionContext storedContext,
      EncryptionContext reproducedContext) {
    MessageDigest d = digest();
    d.update(VERSION);
    d.update(DECRYPT);
    bytes(d, partitionUtf8);
    u16(d, suite.id());
    str(d, policy.name());
    List<byte[]> edks = new ArrayList<>(encryptedDataKeys.size());
    for (EncryptedDataKey edk : encryptedDataKeys) {
      edks.add(serialize(edk));
    }
    sortedList(d, edks);
    bytes(d, storedContext.toCanonicalBytes());
    bytes(d, reproducedContext.toCanonicalBytes());
    return new EntryId(d.digest());
  }

  private static MessageDigest digest() {
    try {
      return (MessageDigest) SHA384.clone();
    } catch (CloneNotSupportedException e) {
      return newSha384();
    }
  }

  /** spec: message-format.md (encrypted data key entry): the EDK as stored in a header. */
  private static byte[] serialize(EncryptedDataKey edk) {
    byte[] id = edk.providerIdBytes();
    byte[] info = edk.providerInfo();
    byte[] ct = edk.ciphertext();
    byte[] out = new byte[6 + id.length + info.length + ct.length];
    int off = put(out, 0, id);
    off = put(out, off, info);
    put(out, off, ct);
    return out;
  }

  private static int put(byte[] out, int off, byte[] field) {
    out[off] = (byte) (field.length >>> 8);
    out[off + 1] = (byte) field.length;
    System.arraycopy(field, 0, out, off + 2, field.length);
    return off + 2 + field.length;
  }

  private static void sortedList(MessageDigest d, List<byte[]> items) {
    items.sort(Arrays::compareUnsigned);
    u32(d, items.size());
    for (byte[] item : items) {
      bytes(d, item);
    }
  }

  private static void str(MessageDigest d, String s) {
    bytes(d, s.getBytes(StandardCharsets.UTF_8));
  }

  private static void bytes(MessageDigest d, byte[] b) {
    u32(d, b.length);
    d.update(b);
  }

  private static void u16(MessageDigest d, int v) {
    d.update((byte) (v >>> 8));
    d.update((byte) v);
  }

  private static void u32(MessageDigest d, int v) {
    d.update((byte) (v >>> 24));
    d.update((byte) (v >>> 16));
    d.update((byte) (v >>> 8));
    d.update((byte) v);
  }

  /** A 48-byte SHA-384 entry id. Not secret: it hashes suites, contexts and encrypted keys. */
  static final class EntryId {
    private final byte[] digest;
    private final int hash;

    EntryId(byte[] digest) {
      this.digest = digest;
      this.hash = Arrays.hashCode(digest);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof EntryId && Arrays.equals(digest, ((EntryId) o).digest);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public String toString() {
      return "EntryId[" + String.format("%02x%02x%02x%02x…", digest[0], digest[1], digest[2], digest[3]) + "]";
    }
  }
}
