package dev.envelope.local;

/**
 * Receives every {@link AuditEvent} of a key store (the SPI for shipping audit records elsewhere:
 * a SIEM, syslog, a database). The store's own hash-chained JSON-lines log is one such listener.
 *
 * <p>Called synchronously on the thread doing the operation, possibly from many threads at once:
 * implementations must be thread-safe and fast. An exception thrown here fails the operation (the
 * audit trail is a security control, so the store fails closed); a lifecycle change already
 * written to disk stays written.
 */
@FunctionalInterface
public interface AuditListener {
  void onAuditEvent(AuditEvent event);
}
