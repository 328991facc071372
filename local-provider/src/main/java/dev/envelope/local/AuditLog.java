package dev.envelope.local;

import dev.envelope.local.internal.AuditChain;
import java.nio.file.Path;

/**
 * The key store's default audit log: append-only JSON lines, one {@link AuditEvent} per line,
 * hash-chained.
 *
 * <pre>
 * {"seq":1,"prev":"000…0","time":"2025-01-01T00:00:00Z","operation":"CREATE","outcome":"SUCCESS",
 *  "keyId":"…","keyVersion":1,"caller":"app","contextKeys":[],"context":{},"detail":""}
 * </pre>
 *
 * {@code seq} counts records from 1; {@code prev} is the hex SHA-256 of the previous line's
 * UTF-8 bytes (without its newline), 64 zeros for the first. Fields are always written in this
 * order; {@code keyId} and {@code keyVersion} are omitted when there is none, and {@code repair}
 * appears on the first record after an incomplete (torn) last line was dropped.
 *
 * <h2>Security guarantees</h2>
 *
 * {@link #verify(Path)} detects any edit of a record that is followed by another record, any
 * deleted or reordered record, and a torn last line. It does <em>not</em> detect a truncated or
 * rewritten tail (someone able to write the file can recompute the chain after their edit): anchor
 * a verification result elsewhere and use {@link #verify(Path, AuditVerification)} for that. No
 * key material or plaintext is ever written; context values only for keys the key's policy marks
 * loggable.
 */
public final class AuditLog {
  /** The log's file name inside a key store directory. */
  public static final String FILE_NAME = "audit.log";

  private AuditLog() {}

  /** Verifies the whole chain of the log at {@code file}. An absent file is an empty, intact log. */
  public static AuditVerification verify(Path file) {
    return AuditChain.verify(file, null);
  }

  /**
   * Verifies the chain and that it still starts with the chain {@code anchor} saw: at least as many
   * records, and the same hash at the anchor's last record.
   */
  public static AuditVerification verify(Path file, AuditVerification anchor) {
    if (!anchor.isValid()) {
      throw new IllegalArgumentException("an anchor must come from an intact verification: " + anchor);
    }
    return AuditChain.verify(file, anchor);
  }
}
