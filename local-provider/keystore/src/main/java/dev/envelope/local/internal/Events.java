package dev.envelope.local.internal;

import dev.envelope.EncryptionContext;
import dev.envelope.local.AuditEvent;
import dev.envelope.local.AuditListener;
import dev.envelope.local.AuditOutcome;
import dev.envelope.local.KeyOperation;
import dev.envelope.local.KeyPolicy;
import dev.envelope.local.KeyStateEvent;
import dev.envelope.local.KeyStateListener;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Audit events and key state notifications of one store: builds each {@link AuditEvent} (context
 * values only for keys the policy marks loggable) and hands it to the audit trail and listeners.
 */
final class Events {
  private final Clock clock;
  private final AuditStore trail; // null when the store keeps no audit log
  private final List<AuditListener> auditListeners = new CopyOnWriteArrayList<>();
  private final List<KeyStateListener> stateListeners = new CopyOnWriteArrayList<>();

  Events(Clock clock, AuditStore trail, List<AuditListener> audit, List<KeyStateListener> state) {
    this.clock = clock;
    this.trail = trail;
    if (trail != null) {
      auditListeners.add(trail);
    }
    auditListeners.addAll(audit);
    stateListeners.addAll(state);
  }

  AuditStore trail() {
    return trail;
  }

  void addAuditListener(AuditListener l) {
    auditListeners.add(l);
  }

  void addKeyStateListener(KeyStateListener l) {
    stateListeners.add(l);
  }

  void audit(KeyOperation op, AuditOutcome outcome, String keyId, int version, EncryptionContext context,
      KeyPolicy policy, String caller, String detail) {
    AuditEvent.Builder b =
        AuditEvent.builder()
            .time(clock.instant())
            .operation(op)
            .outcome(outcome)
            .keyId(keyId)
            .keyVersion(version)
            .caller(caller)
            .detail(detail);
    if (context != null) {
      b.contextKeys(context.keys());
      if (policy != null && !policy.loggableContextKeys().isEmpty()) {
        Map<String, String> logged = new TreeMap<>();
        context.asMap().forEach((k, v) -> {
          if (policy.loggableContextKeys().contains(k)) {
            logged.put(k, v);
          }
        });
        b.loggedContext(logged);
      }
    }
    AuditEvent event = b.build();
    for (AuditListener l : auditListeners) {
      l.onAuditEvent(event);
    }
  }

  void notifyState(KeyStateEvent event) {
    Listeners.notifyState(stateListeners, event);
  }

  void close() {
    if (trail != null) {
      trail.close();
    }
  }
}
