package dev.envelope.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.local.contract.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks on a segmented audit log by someone who can write the store directory but does not hold
 * the KEK: each must make {@link LocalKeyStore#verifyAuditLog()} fail.
 */
class AuditSegmentAttackTest {
  @TempDir Path tmp;

  private final MutableClock clock = new MutableClock();
  private Path dir;

  @BeforeEach
  void populate() throws Exception {
    dir = tmp.resolve("store");
    populate(dir);
  }

  /** A store whose log has at least 5 segments. */
  private void populate(Path where) throws Exception {
    try (LocalKeyStore store = AuditSegmentTest.small(where, clock).create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
      AuditSegmentTest.use(store, 70);
    }
    assertTrue(AuditSegmentTest.segmentNames(where).size() >= 5, AuditSegmentTest.segmentNames(where).toString());
  }

  private AuditVerification keyed() {
    try (LocalKeyStore store = AuditSegmentTest.small(dir, clock).open()) {
      return store.verifyAuditLog();
    }
  }

  private AuditPruneResult prune(long before) {
    try (LocalKeyStore store = AuditSegmentTest.small(dir, clock).open()) {
      return store.pruneAuditLogBeforeSegment(before);
    }
  }

  private Path segment(long n) {
    return dir.resolve(AuditLog.segmentFileName(n));
  }

  private void assertBroken(String because) {
    AuditVerification v = keyed();
    assertFalse(v.isValid(), because + ": " + v);
  }

  @Test
  void untouched_verifies() {
    assertTrue(keyed().isValid());
    assertTrue(AuditLog.verifyStore(dir).isValid());
  }

  @Test
  void droppedMiddleSegment_isDetected() throws Exception {
    Files.delete(segment(3));

    AuditVerification v = keyed();
    assertFalse(v.isValid());
    assertTrue(v.problem().contains("segment 3 is missing"), v.problem());
    assertFalse(AuditLog.verifyStore(dir).isValid(), "the hash chain alone sees it too");
  }

  @Test
  void editedRecordInAnOldSegment_isDetected() throws Exception {
    List<String> lines = Files.readAllLines(segment(2));
    lines.set(2, lines.get(2).replace("\"ENCRYPT\"", "\"DECRYPT\""));
    Files.write(segment(2), lines);

    assertBroken("an edited record");
  }

  @Test
  void editedAndRechainedOldSegment_isDetectedByTheMac() throws Exception {
    // Drop the last record of segment 2 and renumber/re-chain everything after it: only the MAC sees it.
    List<String> two = Files.readAllLines(segment(2));
    two.remove(two.size() - 1);
    Files.write(segment(2), two);
    rechainFrom(2);
    assertTrue(AuditLog.verifyStore(dir).isValid(), "the unkeyed chain cannot see a re-chained drop");

    assertBroken("a re-chained drop");
  }

  /** Rewrites every segment from {@code n} on so that seq and prev chain again (no MACs recomputed). */
  private void rechainFrom(long n) throws Exception {
    long seq = 0;
    String prev = "0".repeat(64);
    for (long s = 1; Files.exists(segment(s)); s++) {
      List<String> lines = Files.readAllLines(segment(s));
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        seq++;
        if (s >= n) {
          line = line.replaceFirst("^\\{\"seq\":[0-9]+,\"prev\":\"[0-9a-f]{64}\"", "{\"seq\":" + seq + ",\"prev\":\"" + prev + "\"");
          lines.set(i, line);
        }
        prev = dev.envelope.local.internal.AuditChain.chainHash(line.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      Files.write(segment(s), lines);
    }
  }

  @Test
  void segmentFromAnotherStore_isDetected() throws Exception {
    Path other = tmp.resolve("other");
    populate(other);
    Files.copy(other.resolve(AuditLog.segmentFileName(3)), segment(3), StandardCopyOption.REPLACE_EXISTING);

    assertBroken("a foreign segment");
  }

  @Test
  void wholeLogFromAnotherStore_isDetectedByTheMac() throws Exception {
    Path other = tmp.resolve("other");
    populate(other);
    for (String name : AuditSegmentTest.segmentNames(dir)) {
      Files.delete(dir.resolve(name));
    }
    for (String name : AuditSegmentTest.segmentNames(other)) {
      Files.copy(other.resolve(name), dir.resolve(name));
    }
    assertTrue(AuditLog.verifyStore(dir).isValid(), "a consistent chain of its own");

    AuditVerification v = keyed();
    assertFalse(v.isValid());
    assertEquals(1, v.firstBadLine().getAsLong(), v.problem());
  }

  @Test
  void reorderedSegments_areDetected() throws Exception {
    Path temp = dir.resolve("swap");
    Files.move(segment(2), temp);
    Files.move(segment(3), segment(2));
    Files.move(temp, segment(3));

    assertBroken("swapped segments 2 and 3");
  }

  @Test
  void renamedSegmentClosingAGap_isDetected() throws Exception {
    Files.delete(segment(2));
    Files.move(segment(3), segment(2));

    AuditVerification v = keyed();
    assertFalse(v.isValid());
  }

  @Test
  void droppedOldestSegments_withoutAnchor_areDetected() throws Exception {
    Files.delete(segment(1));
    Files.delete(segment(2));

    AuditVerification v = keyed();
    assertFalse(v.isValid());
    assertTrue(v.problem().contains("no retention anchor"), v.problem());
  }

  @Test
  void pruneThenVerify_passes_andFurtherDeletionIsDetected() throws Exception {
    prune(3);
    assertTrue(keyed().isValid());

    Files.delete(segment(3));

    AuditVerification v = keyed();
    assertFalse(v.isValid());
    assertTrue(v.problem().contains("retention anchor keeps them"), v.problem());
  }

  @Test
  void deletedRetentionAnchor_isDetected() throws Exception {
    prune(3);
    Files.delete(dir.resolve("audit-retention.json"));

    assertBroken("a deleted retention anchor");
    assertFalse(AuditLog.verifyStore(dir).isValid());
  }

  @Test
  void rolledBackRetentionAnchor_isDetected() throws Exception {
    prune(2);
    byte[] older = Files.readAllBytes(dir.resolve("audit-retention.json"));
    prune(4);
    assertTrue(keyed().isValid());
    Files.write(dir.resolve("audit-retention.json"), older);

    AuditVerification v = keyed();
    assertFalse(v.isValid());
    assertTrue(v.problem().contains("rolled back"), v.problem());
  }

  @Test
  void editedRetentionAnchor_isDetectedByItsMac() throws Exception {
    prune(3);
    Path anchor = dir.resolve("audit-retention.json");
    // Claim the log starts one segment later, then delete that segment too.
    String text = Files.readString(anchor);
    Files.delete(segment(3));
    String first4 = Files.readAllLines(segment(4)).get(0);
    long seq = Long.parseLong(first4.replaceFirst("^\\{\"seq\":([0-9]+),.*", "$1"));
    String prev = first4.replaceFirst("^\\{\"seq\":[0-9]+,\"prev\":\"([0-9a-f]{64})\".*", "$1");
    Files.writeString(anchor, text.replaceFirst("\"firstSegment\":3", "\"firstSegment\":4")
        .replaceFirst("\"startSeq\":[0-9]+", "\"startSeq\":" + seq)
        .replaceFirst("\"startPrev\":\"[0-9a-f]{64}\"", "\"startPrev\":\"" + prev + "\""));
    assertTrue(AuditLog.verifyStore(dir).isValid(), "without the key a forged anchor cannot be told apart");

    AuditVerification v = keyed();
    assertFalse(v.isValid());
    assertTrue(v.problem().contains("fails its MAC"), v.problem());
  }

  @Test
  void retentionAnchorFromAnotherStore_isDetected() throws Exception {
    Path other = tmp.resolve("other");
    populate(other);
    try (LocalKeyStore store = AuditSegmentTest.small(other, clock).open()) {
      store.pruneAuditLogBeforeSegment(3);
    }
    prune(3);
    Files.copy(other.resolve("audit-retention.json"), dir.resolve("audit-retention.json"),
        StandardCopyOption.REPLACE_EXISTING);

    assertBroken("a foreign retention anchor");
  }

  @Test
  void truncatedCurrentSegment_isDetectedWithAnExportedAnchor() throws Exception {
    AuditVerification exported = keyed();
    long last = AuditSegmentTest.segmentNames(dir).size();
    List<String> lines = Files.readAllLines(segment(last));
    Files.write(segment(last), lines.subList(0, lines.size() - 1));

    try (LocalKeyStore store = AuditSegmentTest.small(dir, clock).open()) {
      AuditVerification v = store.verifyAuditLog(exported);
      assertFalse(v.isValid());
      assertTrue(v.problem().contains("removed from the end"), v.problem());
    }
  }
}
