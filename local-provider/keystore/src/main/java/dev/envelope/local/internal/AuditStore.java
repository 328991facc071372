package dev.envelope.local.internal;

import dev.envelope.local.AuditListener;
import dev.envelope.local.AuditVerification;

/**
 * Where a key store appends its audit records ({@link AuditChain} for a directory). Each record
 * carries the manifest generation current when it was written, so a manifest older than the audit
 * trail (a rollback) can be recognized.
 */
public interface AuditStore extends AuditListener, AutoCloseable {
  /** The manifest generation in the last record, 0 for an empty trail or an unkeyed one. */
  long lastGeneration();

  /** Verifies the whole trail, including its MACs; {@code anchor} may be null. */
  AuditVerification verify(AuditVerification anchor);

  @Override
  void close();
}
