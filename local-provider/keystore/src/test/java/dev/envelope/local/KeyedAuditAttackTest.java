package dev.envelope.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptionContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security review findings 10 and 14 as attacks on the audit log by someone who can write it but
 * has no KEK: edit a record and recompute the hash chain after it, drop a record and renumber, or
 * swap in another store's log. The unkeyed chain ({@link AuditLog#verify(Path)}) passes each of
 * them, which is why {@link LocalKeyStore#verifyAuditLog()} also checks the MACs; a change is
 * recorded as an intent before it is saved.
 */
class KeyedAuditAttackTest {
  @TempDir Path tmp;

  private Path populated(Path dir) {
    try (LocalKeyStore store = Fixtures.store(dir).create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
      store.encrypt("k", new byte[] {1}, EncryptionContext.of("a", "b"));
      store.disableKey("k");
      store.enableKey("k");
      return store.auditLogFile();
    }
  }

  private static String sha256(String line) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(line.getBytes(StandardCharsets.UTF_8)));
  }

  /** Rewrites seq and prev from line 1 on, as an attacker who knows the format would. */
  private static List<String> rechain(List<String> lines) throws Exception {
    List<String> out = new ArrayList<>();
    String prev = "0".repeat(64);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).replaceFirst("^\\{\"seq\":[0-9]+,\"prev\":\"[0-9a-f]{64}\"",
          "{\"seq\":" + (i + 1) + ",\"prev\":\"" + prev + "\"");
      out.add(line);
      prev = sha256(line);
    }
    return out;
  }

  private static AuditVerification keyed(Path dir) {
    try (LocalKeyStore store = Fixtures.store(dir).open()) {
      return store.verifyAuditLog();
    }
  }

  @Test
  void untouchedLog_verifiesWithItsMacs() {
    Path dir = tmp.resolve("s");
    populated(dir);
    AuditVerification v = keyed(dir);
    assertTrue(v.isValid(), v.toString());
    assertEquals(7, v.records());
  }

  @Test
  void editedRecord_withRecomputedChain_failsItsMac() throws Exception {
    Path dir = tmp.resolve("s");
    Path log = populated(dir);
    List<String> lines = new ArrayList<>(Files.readAllLines(log));
    lines.set(4, lines.get(4).replace("\"caller\":\"local\"", "\"caller\":\"someone-else\""));
    Files.write(log, rechain(lines));
    assertTrue(AuditLog.verify(log).isValid(), "the unkeyed chain cannot see a recomputed edit");

    AuditVerification v = keyed(dir);

    assertFalse(v.isValid());
    assertEquals(5, v.firstBadLine().getAsLong(), v.problem());
    assertTrue(v.problem().contains("fails its MAC"), v.problem());
  }

  @Test
  void droppedRecord_withRenumberedChain_isDetected() throws Exception {
    Path dir = tmp.resolve("s");
    Path log = populated(dir);
    List<String> lines = new ArrayList<>(Files.readAllLines(log));
    assertTrue(lines.remove(2).contains("\"operation\":\"ENCRYPT\""));
    Files.write(log, rechain(lines));
    assertTrue(AuditLog.verify(log).isValid(), "the unkeyed chain cannot see a re-chained drop");

    AuditVerification v = keyed(dir);

    assertFalse(v.isValid());
    assertEquals(3, v.firstBadLine().getAsLong(), v.problem());
  }

  @Test
  void logOfAnotherStore_isDetected() throws Exception {
    Path mine = tmp.resolve("mine");
    Path other = tmp.resolve("other");
    populated(mine);
    Path otherLog = populated(other);
    Files.copy(otherLog, mine.resolve(AuditLog.FIRST_SEGMENT), StandardCopyOption.REPLACE_EXISTING);
    assertTrue(AuditLog.verify(mine.resolve(AuditLog.FIRST_SEGMENT)).isValid());

    AuditVerification v = keyed(mine);

    assertFalse(v.isValid());
    assertEquals(1, v.firstBadLine().getAsLong(), v.problem());
    assertTrue(v.problem().contains("another key store"), v.problem());
  }

  @Test
  void stateChange_isLoggedAsIntentBeforeItsOutcome() throws Exception {
    Path dir = tmp.resolve("s");
    Path log = populated(dir);
    List<AuditRecord> records = AuditLog.read(log);
    assertEquals(KeyOperation.ENCRYPT, records.get(2).event().operation());
    assertEquals(AuditOutcome.INTENT, records.get(3).event().outcome());
    assertEquals(KeyOperation.DISABLE, records.get(3).event().operation());
    assertEquals(AuditOutcome.SUCCESS, records.get(4).event().outcome());
    assertEquals(KeyOperation.DISABLE, records.get(4).event().operation());
  }

}
