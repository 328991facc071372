package dev.envelope.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer killed mid-rotation leaves a readable store: a child JVM rotates a key in a loop while
 * this process keeps encrypting under whatever version is primary; the child is killed
 * ({@code destroyForcibly}, SIGKILL) at random moments, several times. After each kill the store
 * must open and every message made so far must decrypt, and at the end the audit chain (written
 * by both processes) must verify.
 */
class CrashSafetyTest {
  @TempDir Path dir;

  private static final int KILLS = 6;
  private static final EncryptionContext CONTEXT = EncryptionContext.of("test", "crash");

  @Test
  void rotatingWriter_killedRepeatedly_storeStaysReadable() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    List<byte[]> messages = new ArrayList<>();
    List<byte[]> plaintexts = new ArrayList<>();
    try (LocalKeyStore store = Fixtures.store(dir).create()) {
      store.createKey(CreateKeyRequest.withAlias("crash"));
    }
    int versionsBefore = 1;
    for (int kill = 0; kill < KILLS; kill++) {
      Process child = startWriter();
      try (LocalKeyStore store = Fixtures.store(dir).open()) {
        Envelope envelope = Fixtures.fastEnvelope(store.keyring("crash"));
        long killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50 + random.nextInt(400));
        while (System.nanoTime() < killAt) {
          byte[] plaintext = ("message " + messages.size()).getBytes(StandardCharsets.UTF_8);
          messages.add(envelope.encrypt(plaintext, CONTEXT));
          plaintexts.add(plaintext);
        }
        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the writer did not die");
      }

      try (LocalKeyStore reopened = Fixtures.store(dir).open()) {
        Envelope envelope = Fixtures.fastEnvelope(reopened.keyring("crash"));
        for (int i = 0; i < messages.size(); i++) {
          assertArrayEquals(plaintexts.get(i), envelope.decrypt(messages.get(i), CONTEXT).plaintext(),
              "message " + i + " after kill " + kill + " (seed " + seed + ")");
        }
        int versions = reopened.describeKey("crash").versions().size();
        assertTrue(versions >= versionsBefore, "versions went backwards (seed " + seed + ")");
        versionsBefore = versions;
      }
      try (Stream<Path> files = Files.list(dir.resolve("keys"))) {
        assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")),
            "opening the store removes temp files a killed writer left");
      }
    }
    assertTrue(versionsBefore > KILLS, "the writer must actually have rotated: " + versionsBefore + " versions");
    try (LocalKeyStore store = Fixtures.store(dir).open()) {
      store.encrypt("crash", new byte[1], CONTEXT); // repairs a torn audit tail, if a kill left one
      AuditVerification audit = store.verifyAuditLog();
      assertTrue(audit.isValid(), audit + " (seed " + seed + ")");
      // GENERATE per message, CREATE, ROTATE per version after the first, the ENCRYPT above; a kill
      // between a rotation's rename and its audit append can cut off at most one record per kill.
      long expected = messages.size() + versionsBefore + 1;
      long logged = countOperations(store, "GENERATE", "ROTATE", "CREATE", "ENCRYPT");
      assertTrue(logged <= expected && logged >= expected - KILLS,
          "every completed operation of both processes is in the log: " + logged + " of " + expected);
    }
  }

  /** Records of the given operations; rotations cut off by a kill may be missing, so compare loosely. */
  private static long countOperations(LocalKeyStore store, String... ops) throws Exception {
    long n = 0;
    for (String line : Files.readAllLines(store.auditLogFile())) {
      for (String op : ops) {
        if (line.contains("\"operation\":\"" + op + "\"") && line.contains("\"outcome\":\"SUCCESS\"")) {
          n++;
        }
      }
    }
    return n;
  }

  private Process startWriter() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(
            java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
            RotatingWriter.class.getName(), dir.toString(), "crash")
        .redirectErrorStream(true)
        .start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (!"ready".equals(line)) {
      p.destroyForcibly();
      StringBuilder rest = new StringBuilder(String.valueOf(line));
      for (String l; (l = out.readLine()) != null; ) {
        rest.append('\n').append(l);
      }
      throw new AssertionError("the writer did not start:\n" + rest);
    }
    return p;
  }
}
