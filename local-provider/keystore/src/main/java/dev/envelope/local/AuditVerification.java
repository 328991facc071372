package dev.envelope.local;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * The result of {@link AuditLog#verify}: whether the hash chain is intact and, if not, the first
 * line where it breaks and why. Immutable.
 *
 * <p>{@link #records()} and {@link #lastHash()} form an <em>anchor</em>: keep them somewhere the
 * log's writer cannot change (a ticket, another machine) and pass them to {@link
 * AuditLog#verify(java.nio.file.Path, AuditVerification)} later to also detect truncation or a
 * rewritten tail, which a hash chain alone cannot reveal.
 */
public final class AuditVerification {
  private final boolean valid;
  private final long records;
  private final long badLine;
  private final String problem;
  private final String lastHash;

  private AuditVerification(boolean valid, long records, long badLine, String problem, String lastHash) {
    this.valid = valid;
    this.records = records;
    this.badLine = badLine;
    this.problem = problem;
    this.lastHash = lastHash;
  }

  /** An intact chain of {@code records} records whose last line hashes to {@code lastHash}. */
  public static AuditVerification intact(long records, String lastHash) {
    return new AuditVerification(true, records, 0, "", Objects.requireNonNull(lastHash, "lastHash"));
  }

  /** A chain broken at {@code line} (1-based) for {@code problem}, after {@code records} good ones. */
  public static AuditVerification broken(long records, long line, String problem, String lastGoodHash) {
    return new AuditVerification(false, records, line, Objects.requireNonNull(problem, "problem"), lastGoodHash);
  }

  public boolean isValid() {
    return valid;
  }

  /**
   * How many records verified (for a broken chain: before the first bad line). For a key store's
   * segmented log ({@link AuditLog#verifyStore}), the sequence number of the last verified record:
   * records deleted by a prune count too, so the number keeps growing across prunes.
   */
  public long records() {
    return records;
  }

  /** The first line (1-based) found edited, deleted around, torn or malformed. */
  public OptionalLong firstBadLine() {
    return valid ? OptionalLong.empty() : OptionalLong.of(badLine);
  }

  /** What is wrong, in words; empty when valid. */
  public String problem() {
    return problem;
  }

  /** Hex SHA-256 of the last verified line (64 zeros for an empty log). */
  public String lastHash() {
    return lastHash;
  }

  @Override
  public String toString() {
    return valid
        ? "AuditVerification[intact, " + records + " records]"
        : "AuditVerification[broken at line " + badLine + ": " + problem + "]";
  }
}
