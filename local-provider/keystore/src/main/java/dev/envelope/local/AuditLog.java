package dev.envelope.local;

import dev.envelope.local.internal.AuditChain;
import dev.envelope.local.internal.AuditSegmentFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

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
 * appears on the first record after an incomplete (torn) last line was dropped. {@link
 * #read(Path)} gives the records back as {@link AuditRecord}s, so readers need not parse this.
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
  /**
   * The log's file name in a PKCS#11 key manager's directory, and in a key store directory written
   * by a release before audit segments (there it is read as segment 1 and renamed to {@link
   * #FIRST_SEGMENT} by the next append).
   */
  public static final String FILE_NAME = "audit.log";
  /** The file name of a key store's first audit log segment. */
  public static final String FIRST_SEGMENT = "audit-000001.log";

  private AuditLog() {}

  /** Verifies the whole chain of the log at {@code file}. An absent file is an empty, intact log. */
  public static AuditVerification verify(Path file) {
    return AuditChain.verify(file, null);
  }

  /**
   * Reads the log at {@code file} back as records, after verifying its whole chain as {@link
   * #verify(Path)} does. An absent file is an empty log.
   *
   * @throws KeyStoreIntegrityException if the chain does not verify (the message says where and
   *     why), or a record is not in the store's format
   * @throws java.io.UncheckedIOException if the file cannot be read
   */
  public static List<AuditRecord> read(Path file) {
    AuditVerification verification = verify(file);
    if (!verification.isValid()) {
      throw new KeyStoreIntegrityException("the audit log " + file + " does not verify, so its records are not"
          + " read: line " + verification.firstBadLine().getAsLong() + ": " + verification.problem());
    }
    return read(file, verification);
  }

  /**
   * Reads the records an earlier verification of {@code file} covered: its first {@code
   * verified.records()} records, checking on the way that they are still the ones verified (the
   * chain again, and the last record's hash). Use it to show what {@link #verify(Path)} or {@link
   * #verify(Path, AuditVerification)} found intact, even while writers append.
   *
   * @param verified an intact verification of this file
   * @throws IllegalArgumentException if {@code verified} is not intact
   * @throws KeyStoreIntegrityException if the log no longer starts with the verified records, or a
   *     record is not in the store's format
   * @throws java.io.UncheckedIOException if the file cannot be read
   */
  public static List<AuditRecord> read(Path file, AuditVerification verified) {
    if (!verified.isValid()) {
      throw new IllegalArgumentException("only an intact verification says which records to read: " + verified);
    }
    List<AuditRecord> records = new ArrayList<>();
    AuditChain.read(file, verified, (seq, event, repair) -> records.add(new AuditRecord(seq, event, repair)));
    return Collections.unmodifiableList(records);
  }

  /** The file name of a key store's audit log segment {@code number} (from 1): {@code audit-000042.log}. */
  public static String segmentFileName(long number) {
    if (number < 1) {
      throw new IllegalArgumentException("audit log segments are numbered from 1, not " + number);
    }
    return AuditSegmentFiles.name(number);
  }

  /**
   * Verifies the whole audit log of the key store in {@code directory}, across its segments, as
   * one chain: each record's link, that no segment is missing, renamed or reordered (every segment
   * after the first starts with an {@link KeyOperation#AUDIT_SEGMENT} record chained to the one
   * before), and that segments missing at the start are covered by the retention anchor a prune
   * wrote. Records are numbered from the log's first record ever, pruned ones included. Without
   * the store's KEK the records' and the anchor's MACs are not checked: use {@link
   * LocalKeyStore#verifyAuditLog()} for that.
   */
  public static AuditVerification verifyStore(Path directory) {
    return AuditSegmentFiles.verify(directory, null);
  }

  /** As {@link #verifyStore(Path)}, and checks that the log still reaches what {@code anchor} saw. */
  public static AuditVerification verifyStore(Path directory, AuditVerification anchor) {
    if (!anchor.isValid()) {
      throw new IllegalArgumentException("an anchor must come from an intact verification: " + anchor);
    }
    return AuditSegmentFiles.verify(directory, anchor);
  }

  /**
   * Reads the records an earlier {@link #verifyStore} of {@code directory} covered (the kept
   * ones, up to {@code verified.records()}; none if a prune deleted them all since), checking on
   * the way that they are still those.
   *
   * @throws IllegalArgumentException if {@code verified} is not intact
   * @throws KeyStoreIntegrityException if the log no longer holds the verified records
   * @throws java.io.UncheckedIOException if a segment cannot be read
   */
  public static List<AuditRecord> readStore(Path directory, AuditVerification verified) {
    if (!verified.isValid()) {
      throw new IllegalArgumentException("only an intact verification says which records to read: " + verified);
    }
    List<AuditRecord> records = new ArrayList<>();
    AuditSegmentFiles.read(directory, verified, (seq, event, repair) -> records.add(new AuditRecord(seq, event, repair)));
    return Collections.unmodifiableList(records);
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
