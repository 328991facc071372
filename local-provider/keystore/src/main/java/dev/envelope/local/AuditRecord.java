package dev.envelope.local;

import java.util.Objects;
import java.util.Optional;

/**
 * One record of a key store's audit log as {@link AuditLog#read(java.nio.file.Path)} reads it
 * back: its sequence number in the log, the {@link AuditEvent}, and the repair note the store adds
 * to the first record written after it dropped a torn last line.
 *
 * <p>Immutable. Holds no key material: the log never has any.
 */
public final class AuditRecord {
  private final long seq;
  private final AuditEvent event;
  private final String repair;

  AuditRecord(long seq, AuditEvent event, String repair) {
    if (seq < 1) {
      throw new IllegalArgumentException("an audit record's sequence number starts at 1: " + seq);
    }
    this.seq = seq;
    this.event = Objects.requireNonNull(event, "event");
    this.repair = repair;
  }

  /** The record's position in the log, from 1. */
  public long seq() {
    return seq;
  }

  /** What was done, to which key, by whom, with which outcome. */
  public AuditEvent event() {
    return event;
  }

  /** The store's note that it dropped an incomplete (torn) last line before writing this record. */
  public Optional<String> repair() {
    return Optional.ofNullable(repair);
  }

  @Override
  public String toString() {
    return "AuditRecord[" + seq + " " + event + (repair == null ? "" : " repair=" + repair) + "]";
  }
}
