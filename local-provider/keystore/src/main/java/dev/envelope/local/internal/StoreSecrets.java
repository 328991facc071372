package dev.envelope.local.internal;

import com.google.crypto.tink.subtle.Hkdf;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The MAC keys of one store. The store record holds a random 32-byte secret sealed under the KEK
 * (AAD {@code "envelope-local/store-secret" 00 storeId 00 namespace}); HKDF-SHA256 (salt = the
 * store id) derives from it one key for the key records and manifest and one for the audit trail.
 * A KEK change re-seals the same secret, so MACs and the audit chain carry on across it. The KEK
 * itself may be a non-extractable token key or a remote keyring, which is why the keys come from
 * a KEK-sealed secret rather than from the KEK's bytes: only a KEK holder can unseal it.
 */
final class StoreSecrets {
  static final int SECRET_LENGTH = 32;
  private static final String RECORDS_INFO = "envelope-local/record-mac/1";
  private static final String AUDIT_INFO = "envelope-local/audit-mac/1";

  private final byte[] recordKey;
  private final byte[] auditKey;

  private StoreSecrets(byte[] recordKey, byte[] auditKey) {
    this.recordKey = recordKey;
    this.auditKey = auditKey;
  }

  static byte[] sealAad(String storeId, String namespace) {
    return ("envelope-local/store-secret\0" + storeId + "\0" + namespace).getBytes(StandardCharsets.UTF_8);
  }

  /** Derives the keys from {@code secret}, which is zeroed. */
  static StoreSecrets derive(byte[] secret, String storeId) {
    try {
      byte[] salt = storeId.getBytes(StandardCharsets.UTF_8);
      return new StoreSecrets(
          Hkdf.computeHkdf("HMACSHA256", secret, salt, RECORDS_INFO.getBytes(StandardCharsets.UTF_8), 32),
          Hkdf.computeHkdf("HMACSHA256", secret, salt, AUDIT_INFO.getBytes(StandardCharsets.UTF_8), 32));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  /** The audit trail's MAC key (a copy). */
  byte[] auditKey() {
    return auditKey.clone();
  }

  /** Hex HMAC-SHA256 of {@code parts}, each followed by a 00 byte, under the record key. */
  String recordMac(String... parts) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(recordKey, "HmacSHA256"));
      for (String p : parts) {
        mac.update(p.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
      }
      return HexFormat.of().formatHex(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  /** Constant-time check of a hex MAC from a file against {@link #recordMac}. */
  boolean matches(String macFromFile, String... parts) {
    if (macFromFile == null) {
      return false;
    }
    return MessageDigest.isEqual(recordMac(parts).getBytes(StandardCharsets.US_ASCII),
        macFromFile.getBytes(StandardCharsets.US_ASCII));
  }

  void destroy() {
    Arrays.fill(recordKey, (byte) 0);
    Arrays.fill(auditKey, (byte) 0);
  }
}
