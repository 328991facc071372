package dev.envelope.local.internal;

import dev.envelope.local.AuditListener;
import dev.envelope.local.AuditPruneResult;
import dev.envelope.local.AuditVerification;
import java.time.Instant;

/**
 * Where a key store appends its audit records ({@link SegmentedAuditLog} for a directory). Each
 * record carries the manifest generation current when it was written, so a manifest older than
 * the audit trail (a rollback) can be recognized.
 */
public interface AuditStore extends AuditListener, AutoCloseable {
  /** The manifest generation in the last record, 0 for an empty trail or an unkeyed one. */
  long lastGeneration();

  /** Verifies the whole trail, including its MACs; {@code anchor} may be null. */
  AuditVerification verify(AuditVerification anchor);

  /**
   * Deletes old parts of the trail: every segment before {@code beforeSegment} (if positive),
   * or every segment whose last record is older than {@code lastRecordBefore} (if not null), never
   * the one being written; records a retention anchor and an {@code AUDIT_PRUNE} record (at
   * {@code now}, by {@code caller}) so that the rest still verifies.
   *
   * @throws UnsupportedOperationException if this trail cannot be pruned (the default)
   */
  default AuditPruneResult prune(long beforeSegment, Instant lastRecordBefore, Instant now, String caller) {
    throw new UnsupportedOperationException("this key store's audit trail cannot be pruned: only a key store kept"
        + " in a directory keeps its audit log in segments that can be deleted; archive the trail instead");
  }

  @Override
  void close();
}
