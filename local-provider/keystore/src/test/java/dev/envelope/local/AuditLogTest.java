package dev.envelope.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.local.contract.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
  @TempDir Path dir;

  private final MutableClock clock = new MutableClock();

  /** A store with a few lifecycle changes and key uses; returns the log. */
  private Path populatedLog(List<AuditEvent> events) {
    KeyPolicy policy = KeyPolicy.defaultPolicy().toBuilder().loggableContextKeys("region").build();
    try (LocalKeyStore store = Fixtures.store(dir).clock(clock).callerLabel("svc").auditListener(events::add).create()) {
      store.createKey(CreateKeyRequest.builder().alias("k").policy(policy).build());
      Envelope envelope = Fixtures.envelope(store.keyring("k"));
      EncryptionContext ctx = EncryptionContext.of("tenant", "acme-secret", "region", "eu");
      byte[] message = envelope.encrypt(new byte[] {1}, ctx);
      clock.advance(Duration.ofMinutes(1));
      envelope.decrypt(message, ctx);
      store.rotateKey("k");
      store.disableKey("k");
      store.enableKey("k");
      return store.auditLogFile();
    }
  }

  @Test
  void verify_untouchedLog_isIntact() {
    List<AuditEvent> events = new ArrayList<>();
    Path log = populatedLog(events);

    AuditVerification v = AuditLog.verify(log);

    assertTrue(v.isValid(), v.toString());
    // 4 lifecycle changes, each an intent and an outcome, and 2 key uses.
    assertEquals(10, v.records());
    assertEquals(10, events.size());
    assertTrue(v.firstBadLine().isEmpty());
  }

  @Test
  void log_neverHoldsNonLoggableContextValues() throws Exception {
    Path log = populatedLog(new ArrayList<>());
    String text = Files.readString(log);
    assertFalse(text.contains("acme-secret"), "a non-loggable context value reached the audit log");
    assertTrue(text.contains("\"region\":\"eu\""));
    assertTrue(text.contains("\"tenant\""), "context keys are logged");
  }

  @Test
  void verify_oneByteEdit_reportsTheEditedLine() throws Exception {
    Path log = populatedLog(new ArrayList<>());
    byte[] bytes = Files.readAllBytes(log);
    int line3 = startOfLine(bytes, 3);
    int at = indexOf(bytes, "\"caller\":\"svc\"", line3) + 11; // the 's' of svc on line 3
    bytes[at] = 'S';
    Files.write(log, bytes);

    AuditVerification v = AuditLog.verify(log);

    assertFalse(v.isValid());
    assertEquals(3, v.firstBadLine().getAsLong(), v.problem());
    assertTrue(v.problem().contains("line 3 was modified"), v.problem());
  }

  @Test
  void verify_editBreakingJson_reportsThatLine() throws Exception {
    Path log = populatedLog(new ArrayList<>());
    byte[] bytes = Files.readAllBytes(log);
    bytes[startOfLine(bytes, 2)] = 'X'; // the '{' of line 2
    Files.write(log, bytes);

    AuditVerification v = AuditLog.verify(log);

    assertEquals(2, v.firstBadLine().getAsLong(), v.problem());
  }

  @Test
  void verify_deletedLine_reportsWhereRecordsAreMissing() throws Exception {
    Path log = populatedLog(new ArrayList<>());
    List<String> lines = new ArrayList<>(Files.readAllLines(log));
    lines.remove(3); // line 4

    Files.write(log, lines);
    AuditVerification v = AuditLog.verify(log);

    assertFalse(v.isValid());
    assertEquals(4, v.firstBadLine().getAsLong(), v.problem());
    assertTrue(v.problem().contains("1 record(s) before it were deleted"), v.problem());
    assertEquals(3, v.records());
  }

  @Test
  void verify_deletedFirstLine_isDetected() throws Exception {
    Path log = populatedLog(new ArrayList<>());
    List<String> lines = new ArrayList<>(Files.readAllLines(log));
    lines.remove(0);
    Files.write(log, lines);

    AuditVerification v = AuditLog.verify(log);

    assertEquals(1, v.firstBadLine().getAsLong(), v.problem());
  }

  @Test
  void verify_swappedLines_isDetected() throws Exception {
    Path log = populatedLog(new ArrayList<>());
    List<String> lines = new ArrayList<>(Files.readAllLines(log));
    String two = lines.get(1);
    lines.set(1, lines.get(2));
    lines.set(2, two);
    Files.write(log, lines);

    assertEquals(2, AuditLog.verify(log).firstBadLine().getAsLong());
  }

  @Test
  void verify_truncatedTail_detectedOnlyAgainstAnAnchor() throws Exception {
    Path log = populatedLog(new ArrayList<>());
    AuditVerification anchor = AuditLog.verify(log);
    List<String> lines = new ArrayList<>(Files.readAllLines(log));
    lines.remove(lines.size() - 1);
    Files.write(log, lines);

    assertTrue(AuditLog.verify(log).isValid(), "a hash chain alone cannot see a removed tail");
    AuditVerification v = AuditLog.verify(log, anchor);
    assertFalse(v.isValid());
    assertTrue(v.problem().contains("removed from the end"), v.problem());
  }

  @Test
  void verify_lastLineEdited_detectedAgainstAnAnchor() throws Exception {
    Path log = populatedLog(new ArrayList<>());
    AuditVerification anchor = AuditLog.verify(log);
    byte[] bytes = Files.readAllBytes(log);
    int at = indexOf(bytes, "\"caller\":\"svc\"", startOfLine(bytes, 6)) + 11;
    bytes[at] = 'S';
    Files.write(log, bytes);

    AuditVerification v = AuditLog.verify(log, anchor);

    assertEquals(6, v.firstBadLine().getAsLong(), v.problem());
  }

  @Test
  void verify_anchorStillValid_afterMoreRecords() {
    Path log = populatedLog(new ArrayList<>());
    AuditVerification anchor = AuditLog.verify(log);
    try (LocalKeyStore store = Fixtures.store(dir).clock(clock).open()) {
      store.rotateKey("k");
    }
    AuditVerification v = AuditLog.verify(log, anchor);
    assertTrue(v.isValid(), v.toString());
    assertEquals(12, v.records());
  }

  @Test
  void append_afterTornLastLine_dropsItAndSaysSo() throws Exception {
    Path log = populatedLog(new ArrayList<>());
    Files.write(log, "{\"seq\":7,\"prev\":\"ab".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
    AuditVerification torn = AuditLog.verify(log);
    assertEquals(11, torn.firstBadLine().getAsLong(), torn.problem());
    assertTrue(torn.problem().contains("incomplete"), torn.problem());

    try (LocalKeyStore store = Fixtures.store(dir).clock(clock).open()) {
      store.rotateKey("k");
    }

    AuditVerification v = AuditLog.verify(log);
    assertTrue(v.isValid(), v.toString());
    assertEquals(12, v.records());
    List<String> lines = Files.readAllLines(log);
    assertTrue(lines.get(10).contains("\"repair\":\"dropped an incomplete last line of 19 bytes"), lines.get(10));
  }

  @Test
  void verify_missingFile_isAnEmptyIntactLog() {
    AuditVerification v = AuditLog.verify(dir.resolve("none.log"));
    assertTrue(v.isValid());
    assertEquals(0, v.records());
  }

  @Test
  void auditLogDisabled_writesNoFileButListenersStillHearEvents() {
    List<AuditEvent> events = new ArrayList<>();
    try (LocalKeyStore store = Fixtures.store(dir).auditLog(false).auditListener(events::add).create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
      assertFalse(Files.exists(store.auditLogFile()));
    }
    assertEquals(List.of(AuditOutcome.INTENT, AuditOutcome.SUCCESS), events.stream().map(AuditEvent::outcome).toList());
  }

  @Test
  void read_untouchedLog_givesBackEveryEventAsWritten() {
    List<AuditEvent> events = new ArrayList<>();
    Path log = populatedLog(events);

    List<AuditRecord> records = AuditLog.read(log);

    assertEquals(events.size(), records.size());
    for (int i = 0; i < events.size(); i++) {
      AuditRecord r = records.get(i);
      assertEquals(i + 1, r.seq());
      assertSameEvent(events.get(i), r.event());
      assertTrue(r.repair().isEmpty());
    }
    assertEquals(java.util.Map.of("region", "eu"), records.get(2).event().loggedContext());
  }

  @Test
  void read_missingFile_isEmpty() {
    assertEquals(List.of(), AuditLog.read(dir.resolve("none.log")));
  }

  @Test
  void read_editedLog_refusesSayingWhere() throws Exception {
    Path log = populatedLog(new ArrayList<>());
    byte[] bytes = Files.readAllBytes(log);
    bytes[indexOf(bytes, "\"caller\":\"svc\"", startOfLine(bytes, 3)) + 11] = 'S';
    Files.write(log, bytes);

    KeyStoreIntegrityException e = assertThrows(KeyStoreIntegrityException.class, () -> AuditLog.read(log));

    assertTrue(e.getMessage().contains("line 3"), e.getMessage());
  }

  @Test
  void read_withAVerification_readsOnlyTheVerifiedRecordsWhileTheLogGrows() {
    Path log = populatedLog(new ArrayList<>());
    AuditVerification verified = AuditLog.verify(log);
    try (LocalKeyStore store = Fixtures.store(dir).clock(clock).open()) {
      store.rotateKey("k");
    }

    List<AuditRecord> records = AuditLog.read(log, verified);

    assertEquals(10, records.size());
    assertEquals(KeyOperation.ENABLE, records.get(9).event().operation());
    assertEquals(12, AuditLog.read(log).size());
  }

  @Test
  void read_logRewrittenAfterTheVerification_refuses() throws Exception {
    Path log = populatedLog(new ArrayList<>());
    AuditVerification verified = AuditLog.verify(log);
    byte[] bytes = Files.readAllBytes(log);
    bytes[indexOf(bytes, "\"caller\":\"svc\"", startOfLine(bytes, 6)) + 11] = 'S';
    Files.write(log, bytes);

    KeyStoreIntegrityException e =
        assertThrows(KeyStoreIntegrityException.class, () -> AuditLog.read(log, verified));

    assertTrue(e.getMessage().contains("no longer starts with the records that were verified"), e.getMessage());
  }

  @Test
  void read_brokenVerification_isRejected() throws Exception {
    Path log = populatedLog(new ArrayList<>());
    AuditVerification broken = AuditVerification.broken(2, 3, "edited", "0".repeat(64));
    assertThrows(IllegalArgumentException.class, () -> AuditLog.read(log, broken));
  }

  @Test
  void read_chainedRecordNotInTheStoreFormat_refusesNamingTheField() throws Exception {
    Path log = dir.resolve("forged.log");
    // A record whose chain fields are right (first line, zero prev hash) but whose operation is not one.
    Files.writeString(log, "{\"seq\":1,\"prev\":\"" + "0".repeat(64) + "\",\"time\":\"2025-01-01T00:00:00Z\","
        + "\"operation\":\"STEAL\",\"outcome\":\"SUCCESS\",\"caller\":\"x\",\"contextKeys\":[],\"context\":{},"
        + "\"detail\":\"\"}\n");
    assertTrue(AuditLog.verify(log).isValid(), "the chain alone is intact");

    KeyStoreIntegrityException e = assertThrows(KeyStoreIntegrityException.class, () -> AuditLog.read(log));

    assertTrue(e.getMessage().contains("field 'operation'"), e.getMessage());
  }

  @Test
  void read_afterATornLineWasRepaired_carriesTheRepairNote() throws Exception {
    Path log = populatedLog(new ArrayList<>());
    Files.write(log, "{\"seq\":7,\"prev\":\"ab".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
    try (LocalKeyStore store = Fixtures.store(dir).clock(clock).open()) {
      store.rotateKey("k");
    }

    AuditRecord repaired = AuditLog.read(log).get(10);

    assertEquals(KeyOperation.ROTATE, repaired.event().operation());
    assertTrue(repaired.repair().orElseThrow().startsWith("dropped an incomplete last line"), repaired.toString());
  }

  private static void assertSameEvent(AuditEvent expected, AuditEvent actual) {
    assertEquals(expected.time(), actual.time());
    assertEquals(expected.operation(), actual.operation());
    assertEquals(expected.outcome(), actual.outcome());
    assertEquals(expected.keyId(), actual.keyId());
    assertEquals(expected.keyVersion(), actual.keyVersion());
    assertEquals(expected.caller(), actual.caller());
    assertEquals(expected.contextKeys(), actual.contextKeys());
    assertEquals(expected.loggedContext(), actual.loggedContext());
    assertEquals(expected.detail(), actual.detail());
  }

  private static int startOfLine(byte[] b, int line) {
    int seen = 1;
    for (int i = 0; i < b.length; i++) {
      if (seen == line) {
        return i;
      }
      if (b[i] == '\n') {
        seen++;
      }
    }
    throw new AssertionError("no line " + line);
  }

  private static int indexOf(byte[] b, String s, int from) {
    byte[] n = s.getBytes(StandardCharsets.UTF_8);
    outer:
    for (int i = from; i + n.length <= b.length; i++) {
      for (int j = 0; j < n.length; j++) {
        if (b[i + j] != n[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError(s + " not found");
  }
}
