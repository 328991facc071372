package dev.envelope.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptionContext;
import dev.envelope.local.contract.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key store's audit log in segments: rotation, verification across segments, pruning. */
class AuditSegmentTest {
  @TempDir Path tmp;

  private final MutableClock clock = new MutableClock();

  static LocalKeyStore.Builder small(Path dir, MutableClock clock) {
    return Fixtures.store(dir).clock(clock).auditSegmentBytes(4096);
  }

  /** {@code n} key uses (one record each). */
  static void use(LocalKeyStore store, int n) {
    for (int i = 0; i < n; i++) {
      store.encrypt("k", new byte[] {1}, EncryptionContext.empty());
    }
  }

  static List<String> segmentNames(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("audit-[0-9]+\\.log")).sorted()
          .collect(Collectors.toList());
    }
  }

  @Test
  void rotation_bySize_startsSegmentsThatVerifyAsOneChain() throws Exception {
    Path dir = tmp.resolve("s");
    try (LocalKeyStore store = small(dir, clock).create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
      use(store, 40);

      List<String> names = segmentNames(dir);
      assertTrue(names.size() >= 3, names.toString());
      assertEquals(AuditLog.FIRST_SEGMENT, names.get(0));
      assertEquals(AuditLog.segmentFileName(names.size()), names.get(names.size() - 1));
      for (String name : names) {
        assertTrue(Files.size(dir.resolve(name)) < 4096 + 1024, name + " is about the segment size");
      }
      assertEquals(dir.resolve(names.get(names.size() - 1)), store.auditLogFile());
      AuditVerification keyed = store.verifyAuditLog();
      assertTrue(keyed.isValid(), keyed.toString());
      AuditVerification unkeyed = AuditLog.verifyStore(dir);
      assertTrue(unkeyed.isValid(), unkeyed.toString());
      assertEquals(keyed.records(), unkeyed.records());
      assertEquals(keyed.lastHash(), unkeyed.lastHash());
      // 2 create records + 40 uses + one segment record per segment after the first.
      assertEquals(2 + 40 + names.size() - 1, keyed.records());

      List<AuditRecord> records = AuditLog.readStore(dir, unkeyed);
      assertEquals(keyed.records(), records.size());
      List<AuditRecord> starts = records.stream().filter(r -> r.event().operation() == KeyOperation.AUDIT_SEGMENT)
          .collect(Collectors.toList());
      assertEquals(names.size() - 1, starts.size());
      assertTrue(starts.get(0).event().detail().startsWith("segment 2 continues"), starts.get(0).event().detail());
      String second = Files.readString(dir.resolve(names.get(1)));
      assertTrue(second.startsWith("{\"seq\":"), second);
      assertTrue(second.lines().findFirst().orElseThrow().contains("\"segment\":2"), second);
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(names.get(1)))));
    }
  }

  @Test
  void rotation_byAge_startsANewSegmentOnceTheFirstRecordIsOld() throws Exception {
    Path dir = tmp.resolve("s");
    try (LocalKeyStore store = Fixtures.store(dir).clock(clock).auditSegmentAge(Duration.ofDays(1)).create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
      use(store, 3);
      clock.advance(Duration.ofHours(23));
      use(store, 1);
      assertEquals(List.of(AuditLog.FIRST_SEGMENT), segmentNames(dir), "not a day old yet");

      clock.advance(Duration.ofHours(1));
      use(store, 1);
      assertEquals(List.of(AuditLog.FIRST_SEGMENT, "audit-000002.log"), segmentNames(dir));
      clock.advance(Duration.ofHours(23));
      use(store, 1);
      assertEquals(2, segmentNames(dir).size(), "the age counts from the new segment's first record");

      assertTrue(store.verifyAuditLog().isValid());
    }
  }

  @Test
  void rotation_isSeenByASecondStoreInstance() throws Exception {
    Path dir = tmp.resolve("s");
    try (LocalKeyStore a = small(dir, clock).create()) {
      a.createKey(CreateKeyRequest.withAlias("k"));
      try (LocalKeyStore b = small(dir, clock).open()) {
        for (int i = 0; i < 20; i++) {
          use(a, 1);
          use(b, 1);
        }
        assertTrue(segmentNames(dir).size() >= 2);
        AuditVerification v = b.verifyAuditLog();
        assertTrue(v.isValid(), v.toString());
      }
    }
  }

  @Test
  void rotation_underConcurrentAppendsFromTwoInstances_keepsOneChain() throws Exception {
    Path dir = tmp.resolve("s");
    try (LocalKeyStore a = small(dir, clock).create()) {
      a.createKey(CreateKeyRequest.withAlias("k"));
      try (LocalKeyStore b = small(dir, clock).open()) {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
        for (int t = 0; t < 4; t++) {
          LocalKeyStore s = t % 2 == 0 ? a : b;
          done.add(pool.submit(() -> use(s, 40)));
        }
        for (java.util.concurrent.Future<?> f : done) {
          f.get();
        }
        pool.shutdown();
        AuditVerification v = a.verifyAuditLog();
        assertTrue(v.isValid(), v.toString());
        int segments = segmentNames(dir).size();
        assertTrue(segments >= 10, "segments: " + segments);
        assertEquals(2 + 160 + segments - 1, v.records(), "every record kept, one segment record per rotation");
      }
    }
  }

  @Test
  void verifyAndRead_whilePrunesAndRotationsRun_seeAnIntactLog() throws Exception {
    Path dir = tmp.resolve("s");
    try (LocalKeyStore store = small(dir, clock).create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
      use(store, 20);
      java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
      List<String> problems = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
      java.util.concurrent.atomic.AtomicInteger checks = new java.util.concurrent.atomic.AtomicInteger();
      Thread checker = new Thread(() -> {
        try (LocalKeyStore other = small(dir, clock).open()) {
          while (!stop.get() || checks.get() == 0) {
            AuditVerification v = other.verifyAuditLog();
            if (!v.isValid()) {
              problems.add(v.toString());
            } else {
              AuditLog.readStore(dir, v);
            }
            checks.incrementAndGet();
          }
        } catch (RuntimeException e) {
          problems.add(e.toString());
        }
      });
      checker.start();
      for (int i = 0; i < 15; i++) {
        use(store, 15);
        store.pruneAuditLogBeforeSegment(Long.MAX_VALUE);
      }
      stop.set(true);
      checker.join();
      assertEquals(List.of(), problems);
      assertTrue(checks.get() > 0);
      assertTrue(store.verifyAuditLog().isValid());
    }
  }

  @Test
  void legacyAuditLog_isReadAsSegmentOne_andRenamedByTheNextAppend() throws Exception {
    Path dir = tmp.resolve("s");
    try (LocalKeyStore store = small(dir, clock).create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
    }
    Files.move(dir.resolve(AuditLog.FIRST_SEGMENT), dir.resolve(AuditLog.FILE_NAME));
    AuditVerification before = AuditLog.verifyStore(dir);
    assertTrue(before.isValid(), before.toString());
    assertEquals(2, before.records());

    try (LocalKeyStore store = small(dir, clock).open()) {
      assertTrue(store.verifyAuditLog(before).isValid(), "the older store's log verifies as it is");
      use(store, 30);
      assertFalse(Files.exists(dir.resolve(AuditLog.FILE_NAME)));
      assertTrue(segmentNames(dir).size() >= 2);
      AuditVerification after = store.verifyAuditLog(before);
      assertTrue(after.isValid(), after.toString());
    }
  }

  @Test
  void pruneBeforeSegment_deletesOldSegmentsOnly_andTheRestVerifies() throws Exception {
    Path dir = tmp.resolve("s");
    try (LocalKeyStore store = small(dir, clock).callerLabel("ops").create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
      AuditVerification early = store.verifyAuditLog();
      use(store, 60);
      AuditVerification exported = store.verifyAuditLog();
      int segments = segmentNames(dir).size();
      assertTrue(segments >= 4, "segments: " + segments);

      AuditPruneResult result = store.pruneAuditLogBeforeSegment(3);

      assertTrue(result.deletedAny());
      assertEquals(1, result.firstDeletedSegment());
      assertEquals(2, result.lastDeletedSegment());
      assertEquals(2, result.segmentsDeleted());
      assertEquals(3, result.firstKeptSegment());
      assertEquals(result.firstKeptRecord() - 1, result.recordsDeleted());
      assertEquals(segmentNames(dir).get(0), "audit-000003.log");
      Path anchorFile = dir.resolve("audit-retention.json");
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(anchorFile)));
      assertTrue(Files.readString(anchorFile).contains("\"firstSegment\":3"));

      AuditVerification v = store.verifyAuditLog();
      assertTrue(v.isValid(), v.toString());
      assertEquals(exported.records() + 1, v.records(), "record numbers go on; the prune is recorded");
      assertTrue(store.verifyAuditLog(exported).isValid(), "an exported anchor still checks the tail");
      assertTrue(AuditLog.verifyStore(dir, exported).isValid());
      assertEquals(List.of(), AuditLog.readStore(dir, early), "every record it covered was pruned");
      List<AuditRecord> stillKept = AuditLog.readStore(dir, exported);
      assertEquals(result.firstKeptRecord(), stillKept.get(0).seq());
      assertEquals(exported.records(), stillKept.get(stillKept.size() - 1).seq());
      List<AuditRecord> kept = AuditLog.readStore(dir, AuditLog.verifyStore(dir));
      assertEquals(result.firstKeptRecord(), kept.get(0).seq());
      AuditRecord last = kept.get(kept.size() - 1);
      assertEquals(KeyOperation.AUDIT_PRUNE, last.event().operation());
      assertEquals("ops", last.event().caller());
      assertTrue(last.event().detail().contains("segments 1 to 2"), last.event().detail());

      AuditPruneResult again = store.pruneAuditLogBeforeSegment(2);
      assertFalse(again.deletedAny());
      assertEquals(0, again.recordsDeleted());
      assertEquals(3, again.firstKeptSegment());

      AuditPruneResult all = store.pruneAuditLogBeforeSegment(1_000);
      assertEquals(List.of(store.auditLogFile().getFileName().toString()), segmentNames(dir),
          "never the segment being written");
      assertEquals(AuditLog.segmentFileName(all.firstKeptSegment()), segmentNames(dir).get(0));
      assertTrue(store.verifyAuditLog().isValid());
      use(store, 40);
      assertTrue(store.verifyAuditLog().isValid());
    }
    try (LocalKeyStore reopened = small(dir, clock).open()) {
      assertTrue(reopened.verifyAuditLog().isValid());
    }
  }

  @Test
  void pruneOlderThan_deletesSegmentsWhoseLastRecordIsOlder() throws Exception {
    Path dir = tmp.resolve("s");
    try (LocalKeyStore store = Fixtures.store(dir).clock(clock).auditSegmentAge(Duration.ofDays(1)).create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
      for (int day = 0; day < 5; day++) {
        use(store, 2);
        clock.advance(Duration.ofDays(1));
      }
      use(store, 1);
      assertEquals(6, segmentNames(dir).size());

      // Segment n's last record was written on day n-1 (0-based); now is day 5.
      AuditPruneResult result = store.pruneAuditLogOlderThan(Duration.ofDays(3).plusHours(1));

      assertEquals(1, result.firstDeletedSegment());
      assertEquals(2, result.lastDeletedSegment());
      assertEquals("audit-000003.log", segmentNames(dir).get(0));
      assertTrue(store.verifyAuditLog().isValid());
      assertFalse(store.pruneAuditLogOlderThan(Duration.ofDays(3).plusHours(1)).deletedAny());
      assertTrue(store.pruneAuditLogOlderThan(Duration.ZERO).deletedAny());
      assertEquals(1, segmentNames(dir).size(), "the current segment is kept however old");
      assertTrue(store.verifyAuditLog().isValid());
    }
  }

  @Test
  void prune_refusesALogThatDoesNotVerify_andDeletesNothing() throws Exception {
    Path dir = tmp.resolve("s");
    try (LocalKeyStore store = small(dir, clock).create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
      use(store, 40);
      Path first = dir.resolve(AuditLog.FIRST_SEGMENT);
      Files.writeString(first, Files.readString(first).replace("\"ENCRYPT\"", "\"DECRYPT\""));
      List<String> before = segmentNames(dir);

      assertThrows(KeyStoreIntegrityException.class, () -> store.pruneAuditLogBeforeSegment(3));

      assertEquals(before, segmentNames(dir));
      assertFalse(Files.exists(dir.resolve("audit-retention.json")));
    }
  }

  @Test
  void pruneInterruptedBeforeDeletingSegments_stillVerifies() throws Exception {
    Path dir = tmp.resolve("s");
    Path saved = tmp.resolve("saved");
    Files.createDirectory(saved);
    try (LocalKeyStore store = small(dir, clock).create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
      use(store, 40);
      Files.copy(dir.resolve(AuditLog.segmentFileName(1)), saved.resolve(AuditLog.segmentFileName(1)));
      Files.copy(dir.resolve(AuditLog.segmentFileName(2)), saved.resolve(AuditLog.segmentFileName(2)));
      store.pruneAuditLogBeforeSegment(3);
      // As if the process died after writing the retention anchor, before deleting the segments.
      Files.copy(saved.resolve(AuditLog.segmentFileName(1)), dir.resolve(AuditLog.segmentFileName(1)));
      Files.copy(saved.resolve(AuditLog.segmentFileName(2)), dir.resolve(AuditLog.segmentFileName(2)));

      AuditVerification v = store.verifyAuditLog();
      assertTrue(v.isValid(), v.toString());
      // Deleting only the oldest leftover is fine too: segment 2 leads up to the anchor.
      Files.delete(dir.resolve(AuditLog.segmentFileName(1)));
      assertTrue(store.verifyAuditLog().isValid(), store.verifyAuditLog().toString());

      AuditPruneResult again = store.pruneAuditLogBeforeSegment(3);
      assertEquals(2, again.firstDeletedSegment());
      assertEquals(2, again.lastDeletedSegment());
      assertEquals("audit-000003.log", segmentNames(dir).get(0));
      assertTrue(store.verifyAuditLog().isValid());
    }
  }

  @Test
  void prune_ofASingleSegmentLog_deletesNothing() throws Exception {
    Path dir = tmp.resolve("s");
    try (LocalKeyStore store = small(dir, clock).create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
      AuditPruneResult result = store.pruneAuditLogBeforeSegment(5);
      assertFalse(result.deletedAny());
      assertEquals(1, result.firstKeptSegment());
      assertEquals(1, result.firstKeptRecord());
      assertEquals(List.of(AuditLog.FIRST_SEGMENT), segmentNames(dir));
      assertFalse(Files.exists(dir.resolve("audit-retention.json")));
      assertFalse(store.pruneAuditLogOlderThan(Duration.ZERO).deletedAny());
    }
  }

  @Test
  void tornLastLine_isRepairedByTheNextAppend_evenWhenItRotates() throws Exception {
    Path dir = tmp.resolve("s");
    try (LocalKeyStore store = small(dir, clock).create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
      use(store, 9);
    }
    Path current = dir.resolve(AuditLog.FIRST_SEGMENT);
    Files.writeString(current, "{\"seq\":99,\"pre", java.nio.file.StandardOpenOption.APPEND);
    assertFalse(AuditLog.verifyStore(dir).isValid(), "a torn line is reported until repaired");
    try (LocalKeyStore store = small(dir, clock).open()) {
      use(store, 30);
      AuditVerification v = store.verifyAuditLog();
      assertTrue(v.isValid(), v.toString());
      assertTrue(AuditLog.readStore(dir, v).stream().anyMatch(r -> r.repair().isPresent()));
    }
  }

  @Test
  void open_worldReadableSegmentOrRetentionAnchor_fails() throws Exception {
    Path dir = tmp.resolve("s");
    try (LocalKeyStore store = small(dir, clock).create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
      use(store, 40);
      store.pruneAuditLogBeforeSegment(2);
    }
    for (Path file : List.of(dir.resolve("audit-000003.log"), dir.resolve("audit-retention.json"))) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

      KeyStorePermissionException e = assertThrows(KeyStorePermissionException.class, () -> small(dir, clock).open());

      assertTrue(e.getMessage().contains("chmod 600 " + file), e.getMessage());
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
    small(dir, clock).open().close();
  }

  @Test
  void builder_rejectsBadSegmentOptions() {
    LocalKeyStore.Builder b = Fixtures.store(tmp);
    assertThrows(IllegalArgumentException.class, () -> b.auditSegmentBytes(100));
    assertThrows(IllegalArgumentException.class, () -> b.auditSegmentAge(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> AuditLog.segmentFileName(0));
  }
}
