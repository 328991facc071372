package dev.envelope.opentelemetry.internal;

import dev.envelope.local.AuditEvent;
import dev.envelope.local.AuditListener;
import dev.envelope.local.AuditOutcome;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.logs.LogRecordBuilder;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import java.util.Locale;
import java.util.Set;

/**
 * Key-store audit events as OpenTelemetry log records (event {@code envelope.keystore.audit}).
 * The record holds what the store's own audit log holds, less context values that are not both
 * logged by the key's policy and allow-listed here. Never throws for a record it cannot send: the
 * store fails an operation whose audit listener throws, and this copy is not the audit trail.
 */
public final class AuditLogRecords implements AuditListener {
  private final Logger logger;
  private final Set<String> recordedContextKeys;

  public AuditLogRecords(OpenTelemetry openTelemetry, Set<String> recordedContextKeys) {
    this.logger = openTelemetry.getLogsBridge().get(Names.SCOPE);
    this.recordedContextKeys = Set.copyOf(recordedContextKeys);
  }

  @Override
  public void onAuditEvent(AuditEvent event) {
    try {
      emit(event);
    } catch (RuntimeException ignored) {
      // A telemetry failure must not fail a key operation (the store's own log is the trail).
    }
  }

  private void emit(AuditEvent event) {
    String operation = event.operation().name().toLowerCase(Locale.ROOT);
    String outcome = event.outcome().name().toLowerCase(Locale.ROOT);
    boolean refused = event.outcome() == AuditOutcome.DENIED || event.outcome() == AuditOutcome.FAILURE;
    LogRecordBuilder record = logger.logRecordBuilder()
        .setEventName(Names.AUDIT_EVENT)
        .setTimestamp(event.time())
        .setSeverity(refused ? Severity.WARN : Severity.INFO)
        .setSeverityText(refused ? "WARN" : "INFO")
        .setBody("key store audit: " + operation + " " + outcome)
        .setAttribute(Names.AUDIT_OPERATION, operation)
        .setAttribute(Names.AUDIT_OUTCOME, outcome)
        .setAttribute(Names.AUDIT_CALLER, event.caller());
    event.keyId().ifPresent(id -> record.setAttribute(Names.AUDIT_KEY_ID, id));
    event.keyVersion().ifPresent(v -> record.setAttribute(Names.AUDIT_KEY_VERSION, (long) v));
    if (!event.detail().isEmpty()) {
      record.setAttribute(Names.AUDIT_DETAIL, event.detail());
    }
    if (!event.contextKeys().isEmpty()) {
      record.setAttribute(Names.CONTEXT_KEYS, event.contextKeys());
    }
    event.loggedContext().forEach((key, value) -> {
      if (recordedContextKeys.contains(key)) {
        record.setAttribute(AttributeKey.stringKey(Names.CONTEXT_VALUE_PREFIX + key), value);
      }
    });
    record.emit();
  }
}
