package dev.envelope.local.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.local.AuditEvent;
import dev.envelope.local.AuditOutcome;
import dev.envelope.local.AuditVerification;
import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.KeyOperation;
import dev.envelope.local.KeyPolicy;
import dev.envelope.local.KeyState;
import dev.envelope.local.LocalKeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The audit trail as the store's API shows it, whatever keeps it: the events listeners hear, the
 * keyed chain {@link LocalKeyStore#verifyAuditLog()} checks, anchors, and a failing sink stopping
 * the operation. Tampering with the trail's bytes is per home (a file, a table).
 */
public abstract class AuditContract extends StoreContract {
  private final MutableClock clock = new MutableClock();

  /** A store with a few lifecycle changes and key uses: 10 records (4 changes × 2, 2 uses). */
  private void populate(List<AuditEvent> events) {
    KeyPolicy policy = KeyPolicy.defaultPolicy().toBuilder().loggableContextKeys("region").build();
    try (LocalKeyStore store = builder().clock(clock).callerLabel("svc").auditListener(events::add).create()) {
      store.createKey(CreateKeyRequest.builder().alias("k").policy(policy).build());
      Envelope envelope = envelope(store.keyring("k"));
      EncryptionContext ctx = EncryptionContext.of("tenant", "acme-secret", "region", "eu");
      byte[] message = envelope.encrypt(new byte[] {1}, ctx);
      clock.advance(Duration.ofMinutes(1));
      envelope.decrypt(message, ctx);
      store.rotateKey("k");
      store.disableKey("k");
      store.enableKey("k");
    }
  }

  @Test
  void verifyAuditLog_untouchedTrail_isIntactWithOneRecordPerEvent() {
    List<AuditEvent> events = new ArrayList<>();
    populate(events);

    try (LocalKeyStore store = builder().clock(clock).open()) {
      AuditVerification v = store.verifyAuditLog();

      assertTrue(v.isValid(), v.toString());
      assertEquals(10, v.records());
      assertEquals(10, events.size());
      assertTrue(v.firstBadLine().isEmpty());
    }
  }

  @Test
  void events_carryOperationOutcomeKeyVersionCallerAndContextKeys() {
    List<AuditEvent> events = new ArrayList<>();
    populate(events);
    assertEquals(AuditOutcome.INTENT, events.get(0).outcome(), "the intent is recorded before the change");
    assertEquals(KeyOperation.CREATE, events.get(0).operation());
    events.removeIf(e -> e.outcome() == AuditOutcome.INTENT);

    AuditEvent generate = events.get(1);
    assertEquals(KeyOperation.GENERATE, generate.operation());
    assertEquals(AuditOutcome.SUCCESS, generate.outcome());
    assertEquals(1, generate.keyVersion().getAsInt());
    assertEquals("svc", generate.caller());
    // The full materials context: the signing suite adds its public key field.
    assertEquals(List.of(EncryptionContext.PUBLIC_KEY_FIELD, "region", "tenant"), generate.contextKeys());
    assertEquals(Map.of("region", "eu"), generate.loggedContext());
    assertEquals(KeyOperation.DECRYPT, events.get(2).operation());
    assertEquals(clock.instant(), events.get(2).time());
    assertEquals(KeyOperation.ROTATE, events.get(3).operation());
    assertEquals(2, events.get(3).keyVersion().getAsInt());
  }

  @Test
  void stateChange_isHeardAsIntentBeforeItsOutcome() {
    List<AuditEvent> events = new ArrayList<>();
    populate(events);
    List<String> disable = events.stream().filter(e -> e.operation() == KeyOperation.DISABLE)
        .map(e -> e.outcome().name()).collect(Collectors.toList());
    assertEquals(List.of("INTENT", "SUCCESS"), disable);
  }

  @Test
  void verifyAuditLog_anchorStillValid_afterMoreRecords() {
    populate(new ArrayList<>());
    AuditVerification anchor;
    try (LocalKeyStore store = builder().clock(clock).open()) {
      anchor = store.verifyAuditLog();
    }
    try (LocalKeyStore store = builder().clock(clock).open()) {
      store.rotateKey("k");
      AuditVerification v = store.verifyAuditLog(anchor);
      assertTrue(v.isValid(), v.toString());
      assertEquals(12, v.records());
    }
  }

  @Test
  void failingAuditListener_failsTheOperation() {
    try (LocalKeyStore store = builder().create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
      store.addAuditListener(e -> {
        throw new IllegalStateException("audit sink down");
      });
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> store.encrypt("k", new byte[1], EncryptionContext.empty()));
      assertEquals("audit sink down", e.getMessage());
    }
  }

  @Test
  void failingAuditTrail_leavesTheStateUnchanged() {
    populate(new ArrayList<>());
    try (LocalKeyStore store = builder().open()) {
      store.addAuditListener(e -> {
        throw new IllegalStateException("audit sink down");
      });
      assertThrows(IllegalStateException.class, () -> store.disableKey("k"));
    }
    try (LocalKeyStore store = builder().open()) {
      assertEquals(KeyState.ENABLED, store.describeKey("k").state(), "no change without its audit record");
      assertTrue(store.verifyAuditLog().isValid());
    }
  }
}
