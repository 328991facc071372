package dev.envelope.local;

/**
 * What {@link LocalKeyStore#pruneAuditLogBeforeSegment} or {@link
 * LocalKeyStore#pruneAuditLogOlderThan} deleted: a run of whole, old segments of the audit log.
 * Record numbers are the log's sequence numbers, counted from its first record ever. Immutable.
 */
public final class AuditPruneResult {
  private final long firstDeletedSegment;
  private final long lastDeletedSegment;
  private final long firstDeletedRecord;
  private final long firstKeptSegment;
  private final long firstKeptRecord;

  private AuditPruneResult(long firstDeletedSegment, long lastDeletedSegment, long firstDeletedRecord,
      long firstKeptSegment, long firstKeptRecord) {
    this.firstDeletedSegment = firstDeletedSegment;
    this.lastDeletedSegment = lastDeletedSegment;
    this.firstDeletedRecord = firstDeletedRecord;
    this.firstKeptSegment = firstKeptSegment;
    this.firstKeptRecord = firstKeptRecord;
  }

  /** Segments {@code first..last} (records {@code firstRecord..firstKeptRecord-1}) were deleted. */
  public static AuditPruneResult deleted(long firstSegment, long lastSegment, long firstRecord, long firstKeptRecord) {
    if (firstSegment < 1 || lastSegment < firstSegment || firstRecord < 1 || firstKeptRecord <= firstRecord) {
      throw new IllegalArgumentException("not a run of deleted segments: segments " + firstSegment + ".."
          + lastSegment + ", records " + firstRecord + ".." + (firstKeptRecord - 1));
    }
    return new AuditPruneResult(firstSegment, lastSegment, firstRecord, lastSegment + 1, firstKeptRecord);
  }

  /** Nothing was deleted; the log starts at segment {@code firstKeptSegment}, record {@code firstKeptRecord}. */
  public static AuditPruneResult nothing(long firstKeptSegment, long firstKeptRecord) {
    return new AuditPruneResult(0, 0, 0, firstKeptSegment, firstKeptRecord);
  }

  /** Whether any segment was deleted. */
  public boolean deletedAny() {
    return lastDeletedSegment > 0;
  }

  /** How many segments were deleted. */
  public long segmentsDeleted() {
    return deletedAny() ? lastDeletedSegment - firstDeletedSegment + 1 : 0;
  }

  /** The first segment deleted (0 if none). */
  public long firstDeletedSegment() {
    return firstDeletedSegment;
  }

  /** The last segment deleted (0 if none). */
  public long lastDeletedSegment() {
    return lastDeletedSegment;
  }

  /** How many records the deleted segments held. */
  public long recordsDeleted() {
    return deletedAny() ? firstKeptRecord - firstDeletedRecord : 0;
  }

  /** The oldest segment the log keeps. */
  public long firstKeptSegment() {
    return firstKeptSegment;
  }

  /** The sequence number of the oldest record the log keeps. */
  public long firstKeptRecord() {
    return firstKeptRecord;
  }

  @Override
  public String toString() {
    return deletedAny()
        ? "AuditPruneResult[deleted segments " + firstDeletedSegment + ".." + lastDeletedSegment + " (records "
            + firstDeletedRecord + ".." + (firstKeptRecord - 1) + "), kept from segment " + firstKeptSegment + "]"
        : "AuditPruneResult[nothing deleted, kept from segment " + firstKeptSegment + "]";
  }
}
