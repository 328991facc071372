package dev.envelope.cli;

import static dev.envelope.cli.Cli.assertFailure;
import static dev.envelope.cli.Cli.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.envelope.Envelope;
import dev.envelope.UnauthenticatedHeader;
import dev.envelope.local.AuditLog;
import dev.envelope.local.AuditVerification;
import dev.envelope.local.KekSource;
import dev.envelope.local.KeyMetadata;
import dev.envelope.local.LocalKeyStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code envelope demo}: one run kept in a directory, then every printed line checked against what
 * is really there — the key store, the files, the audit log — and against the CLI's own verdicts.
 */
class DemoCommandTest {
  @TempDir static Path dir;
  static Path work;
  static Cli.Result run;
  static List<String> lines;
  /** The audit log right after the demo, before other tests here use its key store. */
  static AuditVerification auditAfterDemo;
  static Cli.Result auditJsonAfterDemo;

  @BeforeAll
  static void runTheDemoOnce() {
    work = dir.resolve("demo");
    run = Cli.run("demo", "--dir", work.toString());
    lines = run.stdoutText().lines().toList();
    auditAfterDemo = AuditLog.verify(work.resolve("keystore").resolve(AuditLog.FIRST_SEGMENT));
    auditJsonAfterDemo = Cli.run("keys", "audit", "--keystore", work.resolve("keystore").toString(), "--json");
  }

  static String line(int step) {
    String line = lines.get(step - 1);
    assertTrue(line.startsWith("[" + step + "/10] "), line);
    return line;
  }

  static Map<String, String> env() {
    return Map.of(KeyStores.PASSPHRASE_VARIABLE, Demo.PASSPHRASE);
  }

  static LocalKeyStore openStore() {
    return LocalKeyStore.builder(work.resolve("keystore")).kek(KekSource.passphrase(Demo.PASSPHRASE.toCharArray()))
        .callerLabel("test").open();
  }

  static String number(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  static long numberAfter(String line, String prefix) {
    Matcher m = Pattern.compile(Pattern.quote(prefix) + "([0-9,]+)").matcher(line);
    assertTrue(m.find(), () -> "'" + prefix + "' not in: " + line);
    return Long.parseLong(m.group(1).replace(",", ""));
  }

  @Test
  void demo_exitsZero_withTenStepsAndAClosingLine() {
    assertSuccess(run);
    assertEquals(11, lines.size(), run.stdoutText());
    for (int i = 1; i <= 10; i++) {
      line(i);
    }
    assertTrue(lines.get(10).startsWith("kept " + work + "; try: " + KeyStores.PASSPHRASE_VARIABLE + "="), lines.get(10));
  }

  @Test
  void step1_createdTheKeyInAPassphraseStore() {
    String line = line(1);
    assertTrue(line.contains("created key 'demo' (AES-256, version 1"), line);
    assertTrue(line.contains("at " + work.resolve("keystore")), line);
    assertTrue(line.contains("Argon2id (64 MiB, 3 passes; the demo's passphrase is fixed and public)"), line);
    assertTrue(line.contains("its policy requires tenant in the context"), line);
    try (LocalKeyStore store = openStore()) {
      KeyMetadata key = store.describeKey("demo");
      assertEquals(java.util.Set.of("tenant"), key.policy().requiredContextKeys());
      assertEquals(1, key.versions().get(0).number());
    }
  }

  @Test
  void step2_encryptedTheSampleWithTheContext() throws IOException {
    String line = line(2);
    long sample = Files.size(work.resolve("sample.txt"));
    long message = Files.size(work.resolve("sample.txt.env"));
    assertTrue(line.contains("encrypted sample.txt (" + number(sample) + " B) -> sample.txt.env (" + number(message) + " B)"), line);
    UnauthenticatedHeader header = Envelope.inspectUnauthenticated(Files.readAllBytes(work.resolve("sample.txt.env")));
    assertTrue(line.contains("suite " + header.algorithmSuite().idHex()), line);
    assertEquals("acme", header.storedContext().get("tenant").orElseThrow());
    assertEquals("demo", header.storedContext().get("purpose").orElseThrow());
    assertTrue(line.endsWith("context purpose=demo tenant=acme"), line);
  }

  @Test
  void step3_headerNamesTheSuiteContextKeysAndTheKeyVersion() throws IOException {
    String line = line(3);
    UnauthenticatedHeader header = Envelope.inspectUnauthenticated(Files.readAllBytes(work.resolve("sample.txt.env")));
    assertEquals(0x0578, header.algorithmSuite().id());
    assertTrue(line.contains("suite 0x0578 committing+signed; context purpose, tenant"), line);
    assertTrue(line.endsWith("decryptable by local key 'demo' v1"), line);
    String keyId;
    try (LocalKeyStore store = openStore()) {
      keyId = store.describeKey("demo").keyId();
    }
    assertEquals(1, header.encryptedDataKeys().size());
    assertTrue(new String(header.encryptedDataKeys().get(0).providerInfo(), StandardCharsets.ISO_8859_1)
        .startsWith(keyId + "/v1"));
  }

  @Test
  void step4_decryptedTheSampleIdentically() throws IOException {
    String line = line(4);
    byte[] sample = Files.readAllBytes(work.resolve("sample.txt"));
    assertArrayEquals(sample, Files.readAllBytes(work.resolve("sample.decrypted.txt")));
    assertEquals("[4/10] decrypted with the expected context: " + number(sample.length) + " B, identical to the original", line);
  }

  @Test
  void step5_wrongContextWasRejectedAndLeftNoFile() {
    String line = line(5);
    assertEquals("[5/10] wrong context (tenant=globex): rejected, context mismatch on [tenant], no output file", line);
    assertFalse(Files.exists(work.resolve("wrong-context.txt")));
    Path out = dir.resolve("step5.txt");
    assertFailure(Cli.runWithEnv(env(), "decrypt", "--in", work.resolve("sample.txt.env").toString(), "--out",
        out.toString(), "--context", "tenant=globex", "--keystore", work.resolve("keystore").toString(), "--key", "demo"),
        ExitCode.CONTEXT_MISMATCH, "[tenant]");
  }

  @Test
  void step6_theFlippedByteIsRealAndTheCliRejectsIt() throws IOException {
    String line = line(6);
    long offset = numberAfter(line, "one byte flipped at offset ");
    byte[] message = Files.readAllBytes(work.resolve("sample.txt.env"));
    byte[] tampered = Files.readAllBytes(work.resolve("sample.tampered.env"));
    assertEquals(message.length, tampered.length);
    assertEquals(message.length, numberAfter(line, "(of "));
    for (int i = 0; i < message.length; i++) {
      if (i == offset) {
        assertEquals(1, Integer.bitCount((message[i] ^ tampered[i]) & 0xFF), "one bit flipped at the printed offset");
      } else {
        assertEquals(message[i], tampered[i], "only the printed offset differs, not " + i);
      }
    }
    assertTrue(offset >= Envelope.inspectUnauthenticated(message).headerLength(), "the flip is in the body");
    assertTrue(line.endsWith("rejected, authentication failed, no output file"), line);
    assertFalse(Files.exists(work.resolve("tampered.txt")));
    Path out = dir.resolve("step6.txt");
    assertFailure(Cli.runWithEnv(env(), "decrypt", "--in", work.resolve("sample.tampered.env").toString(), "--out",
        out.toString(), "--keystore", work.resolve("keystore").toString(), "--key", "demo"),
        ExitCode.AUTHENTICATION, "does not verify");
    assertFalse(Files.exists(out));
  }

  @Test
  void step7_theKeysPolicyRefusedAContextWithoutTenant() {
    String line = line(7);
    assertEquals("[7/10] encrypting with context purpose=demo: refused by the key's policy (the encryption context"
        + " lacks the required key 'tenant'), no output file", line);
    assertFalse(Files.exists(work.resolve("no-tenant.env")));
  }

  @Test
  void step8_theKeyWasRotated() {
    String line = line(8);
    assertTrue(line.startsWith("[8/10] rotated 'demo': version 2 is primary"), line);
    try (LocalKeyStore store = openStore()) {
      KeyMetadata key = store.describeKey("demo");
      assertEquals(2, key.primaryVersion());
      assertEquals(2, key.versions().size());
      assertTrue(key.lastRotatedAt().isPresent());
    }
  }

  @Test
  void step9_theOldMessageStillDecrypts() throws IOException {
    String line = line(9);
    assertEquals("[9/10] the old message (wrapped under v1) still decrypts after the rotation: identical", line);
    assertArrayEquals(Files.readAllBytes(work.resolve("sample.txt")),
        Files.readAllBytes(work.resolve("sample.after-rotation.txt")));
    Path out = dir.resolve("step9.txt");
    assertSuccess(Cli.runWithEnv(env(), "decrypt", "--in", work.resolve("sample.txt.env").toString(), "--out",
        out.toString(), "--context", "tenant=acme", "--keystore", work.resolve("keystore").toString(), "--key", "demo"));
  }

  @Test
  void step10_theAuditTrailIsTheLogsAndItVerifies() {
    String line = line(10);
    AuditVerification v = auditAfterDemo;
    assertTrue(v.isValid(), v::toString);
    // The log as the CLI's JSON shows it, in the order it was written.
    Cli.Result audit = auditJsonAfterDemo;
    assertSuccess(audit);
    JsonObject o = JsonParser.parseString(audit.stdoutText()).getAsJsonObject();
    JsonArray entries = o.getAsJsonArray("entries");
    List<String> seen = new ArrayList<>();
    for (var e : entries) {
      JsonObject r = e.getAsJsonObject();
      seen.add(r.get("operation").getAsString() + "/" + r.get("outcome").getAsString());
    }
    assertEquals(List.of("CREATE/INTENT", "CREATE/SUCCESS", "GENERATE/SUCCESS", "DECRYPT/SUCCESS", "DECRYPT/SUCCESS",
        "GENERATE/DENIED", "ROTATE/INTENT", "ROTATE/SUCCESS", "DECRYPT/SUCCESS"), seen,
        "create (its intent, then its outcome); encrypt; decrypt; the tampered message's data key (unwrapped before"
            + " its body failed); the policy denial; rotate (intent, outcome); the old message (the wrong context"
            + " never reached the key store)");
    assertEquals(v.records(), entries.size());
    assertEquals("[10/10] audit trail: " + v.records() + " records, hash chain verified (create v1 intent, create v1,"
        + " generate v1, decrypt v1, decrypt v1, generate denied, rotate v2 intent, rotate v2, decrypt v1)", line);
  }

  @Test
  void demo_withoutDir_removesItsTemporaryDirectory() {
    Cli.Result r = Cli.run("demo");
    assertSuccess(r);
    List<String> out = r.stdoutText().lines().toList();
    assertEquals(11, out.size(), r.stdoutText());
    Matcher m = Pattern.compile("at (\\S+)/keystore, ").matcher(out.get(0));
    assertTrue(m.find(), out.get(0));
    Path temp = Path.of(m.group(1));
    assertTrue(temp.getFileName().toString().startsWith("envelope-demo-"), temp::toString);
    assertEquals("removed " + temp + " (run 'envelope demo --keep' to keep it and try the other commands)", out.get(10));
    assertFalse(Files.exists(temp), "the temporary directory is gone");
  }

  @Test
  void demo_nonEmptyDir_failsWithUsageAndTouchesNothing() throws IOException {
    Path busy = Files.createDirectory(dir.resolve("busy"));
    Path mine = Files.writeString(busy.resolve("mine.txt"), "keep me");
    assertFailure(Cli.run("demo", "--dir", busy.toString()), ExitCode.USAGE, "is not empty");
    try (Stream<Path> files = Files.list(busy)) {
      assertEquals(List.of(mine), files.toList());
    }
  }
}
