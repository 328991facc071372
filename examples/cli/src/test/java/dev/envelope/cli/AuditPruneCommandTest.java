package dev.envelope.cli;

import static dev.envelope.cli.Cli.assertFailure;
import static dev.envelope.cli.Cli.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.envelope.EncryptionContext;
import dev.envelope.local.AuditLog;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.testkit.junit.KeyStoreExtension;
import dev.envelope.testkit.junit.Lifecycle;
import dev.envelope.testkit.junit.KeyStoreFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code envelope keys audit-prune}, and {@code keys audit} over a segmented, pruned log. */
class AuditPruneCommandTest {
  /** Small segments, and a clock ten days behind, so that every record is old. */
  @RegisterExtension
  static final KeyStoreExtension STORE = KeyStoreExtension.builder().lifecycle(Lifecycle.PER_TEST)
      .keyAlias(CliKeyStore.KEY).passphrase(CliKeyStore.PASSPHRASE)
      .store(b -> b.callerLabel(CliKeyStore.CALLER).auditSegmentBytes(4096)
          .clock(Clock.fixed(Instant.now().minus(Duration.ofDays(10)), ZoneOffset.UTC)))
      .build();

  Path store;

  @BeforeEach
  void populate(KeyStoreFixture keys) {
    store = keys.directory();
    try (LocalKeyStore s = keys.reopen()) {
      for (int i = 0; i < 50; i++) {
        s.encrypt(CliKeyStore.KEY, new byte[] {1}, EncryptionContext.empty());
      }
    }
  }

  List<String> segments() throws IOException {
    try (Stream<Path> files = Files.list(store)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("audit-[0-9]+\\.log")).sorted()
          .collect(Collectors.toList());
    }
  }

  Cli.Result prune(String... more) {
    List<String> a = new ArrayList<>(List.of("keys", "audit-prune", "--keystore", store.toString()));
    a.addAll(List.of(more));
    return Cli.runWithEnv(CliKeyStore.env(), a.toArray(String[]::new));
  }

  @Test
  void beforeSegment_deletesOldSegments_printsThem_andAuditStillVerifies() throws IOException {
    int before = segments().size();
    assertTrue(before >= 4, "segments: " + before);

    Cli.Result r = prune("--before-segment", "3");

    assertSuccess(r);
    assertTrue(r.stdoutText().startsWith("deleted audit log segments 1 to 2 ("), r.stdoutText());
    assertTrue(r.stdoutText().contains("the log now starts at segment 3, record "), r.stdoutText());
    assertEquals(AuditLog.segmentFileName(3), segments().get(0));
    assertEquals(before - 2, segments().size());
    assertTrue(Files.exists(store.resolve("audit-retention.json")));

    Cli.Result audit = Cli.run("keys", "audit", "--keystore", store.toString()); // no passphrase
    assertSuccess(audit);
    assertTrue(audit.stdoutText().contains("AUDIT_PRUNE"), audit.stdoutText());
    assertTrue(audit.stdoutText().contains("AUDIT_SEGMENT"), audit.stdoutText());
    assertTrue(audit.stdoutText().contains("hash chain verified: "), audit.stdoutText());

    Cli.Result again = prune("--before-segment", "2", "--json");
    assertSuccess(again);
    JsonObject o = JsonParser.parseString(again.stdoutText()).getAsJsonObject();
    assertFalse(o.get("deleted").getAsBoolean());
    assertEquals(0, o.get("segmentsDeleted").getAsLong());
    assertEquals(3, o.get("firstKeptSegment").getAsLong());
  }

  @Test
  void olderThan_json_deletesEveryOldSegmentButTheCurrent() throws IOException {
    int before = segments().size();

    Cli.Result r = prune("--older-than", "5", "--json");

    assertSuccess(r);
    JsonObject o = JsonParser.parseString(r.stdoutText()).getAsJsonObject();
    assertTrue(o.get("deleted").getAsBoolean());
    assertEquals(1, o.get("firstDeletedSegment").getAsLong());
    assertEquals(before - 1, o.get("segmentsDeleted").getAsLong());
    assertEquals(before, o.get("firstKeptSegment").getAsLong());
    assertTrue(o.get("recordsDeleted").getAsLong() > 40);
    assertEquals(List.of(AuditLog.segmentFileName(before)), segments());
    assertSuccess(Cli.run("keys", "audit", "--keystore", store.toString(), "--summary"));

    Cli.Result none = prune("--older-than", "30");
    assertSuccess(none);
    assertTrue(none.stdoutText().startsWith("nothing to delete; the log starts at segment " + before), none.stdoutText());
  }

  @Test
  void deletedSegment_afterPrune_failsKeysAuditWithAuthentication() throws IOException {
    assertSuccess(prune("--before-segment", "2"));
    Files.delete(store.resolve(AuditLog.segmentFileName(2)));

    assertFailure(Cli.run("keys", "audit", "--keystore", store.toString()), ExitCode.AUTHENTICATION,
        "does not verify", "retention anchor");
  }

  @Test
  void brokenLog_isNotPruned_exit9() throws IOException {
    Path first = store.resolve(AuditLog.FIRST_SEGMENT);
    Files.writeString(first, Files.readString(first).replace("\"ENCRYPT\"", "\"DECRYPT\""));
    List<String> before = segments();

    assertFailure(prune("--before-segment", "3"), ExitCode.AUTHENTICATION, "nothing was deleted");

    assertEquals(before, segments());
  }

  @Test
  void usageErrors_exit2_beforeTouchingTheStore() throws IOException {
    List<String> before = segments();
    assertFailure(prune(), ExitCode.USAGE);
    assertFailure(prune("--before-segment", "3", "--older-than", "1"), ExitCode.USAGE);
    assertFailure(prune("--before-segment", "0"), ExitCode.USAGE, "--before-segment");
    assertFailure(prune("--older-than", "-1"), ExitCode.USAGE, "--older-than");
    assertFailure(Cli.runWithEnv(CliKeyStore.env(), "keys", "audit-prune", "--keystore",
        "postgresql://localhost:5432/keys", "--before-segment", "2"), ExitCode.USAGE, "PostgreSQL");
    assertEquals(before, segments());
  }

  @Test
  void wrongPassphrase_exit13_deletesNothing() throws IOException {
    List<String> before = segments();
    Cli.Result r = Cli.runWithEnv(Map.of(KeyStores.PASSPHRASE_VARIABLE, "not the passphrase"), "keys", "audit-prune",
        "--keystore", store.toString(), "--before-segment", "3");
    assertFailure(r, ExitCode.KEY_PROVIDER);
    assertEquals(before, segments());
  }
}
