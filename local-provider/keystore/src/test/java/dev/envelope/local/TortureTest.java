package dev.envelope.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several JVMs work on one store at once ({@link TortureWorker}: three doing key operations and
 * encryptions, one changing the passphrase back and forth) while this test kills one of them with
 * SIGKILL at random moments and starts a new one in its place. At the end every key a worker saw
 * created exists, every blob and message a worker saw encrypted decrypts, and the audit log
 * verifies with its MACs. Runs briefly by default; {@code -Denvelope.torture.seconds=N} runs it
 * longer.
 */
class TortureTest {
  @TempDir Path dir;

  private static final int OPS_WORKERS = 3;

  private final List<Process> all = new ArrayList<>();

  /** Launches a worker without waiting for it; {@code ready} counts down once it has opened the store. */
  private Process start(Path store, String role, Path journal, long seed, CountDownLatch ready) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(
            java, "-Xmx96m", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
            TortureWorker.class.getName(), store.toString(), role, journal.toString(), Long.toString(seed))
        .redirectErrorStream(true)
        .start();
    all.add(p);
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    // Drain its output so it never blocks on a full pipe; a failure's stack trace stays visible.
    Thread drain = new Thread(() -> {
      try {
        for (String l; (l = out.readLine()) != null; ) {
          if (l.equals("ready")) {
            ready.countDown();
          } else {
            System.out.println("[" + role + "] " + l);
          }
        }
      } catch (java.io.IOException ignored) {
        // the process died
      }
    });
    drain.setDaemon(true);
    drain.start();
    return p;
  }

  @Test
  void severalProcesses_killedAtRandom_loseNoKeyNoMessageAndKeepTheAudit() throws Exception {
    long seconds = Long.getLong("envelope.torture.seconds", 10);
    long seed = Long.getLong("envelope.torture.seed", System.nanoTime());
    Random random = new Random(seed);
    Path store = dir.resolve("store");
    try (LocalKeyStore s = LocalKeyStore.builder(store).kek(TortureWorker.kek(0))
        .auditSegmentBytes(TortureWorker.AUDIT_SEGMENT_BYTES).create()) {
      s.createKey(CreateKeyRequest.withAlias("k0"));
    }
    int kills = 0;
    int journals = 0;
    Process[] workers = new Process[OPS_WORKERS + 1];
    String[] roles = new String[OPS_WORKERS + 1];
    CountDownLatch allReady = new CountDownLatch(workers.length);
    for (int i = 0; i < workers.length; i++) {
      roles[i] = i == OPS_WORKERS ? "kek" : "ops";
      workers[i] = start(store, roles[i], dir.resolve("journal-" + journals++), random.nextLong(), allReady);
    }
    assertTrue(allReady.await(120, TimeUnit.SECONDS), "the workers did not start");
    long began = System.nanoTime();
    try {
      long end = began + TimeUnit.SECONDS.toNanos(seconds);
      while (System.nanoTime() < end) {
        Thread.sleep(700 + random.nextInt(1300));
        for (int i = 0; i < workers.length; i++) {
          if (!workers[i].isAlive()) {
            fail("a " + roles[i] + " worker stopped by itself with status " + workers[i].exitValue() + " (seed " + seed + ")");
          }
        }
        int victim = random.nextInt(workers.length);
        workers[victim].destroyForcibly();
        assertTrue(workers[victim].waitFor(30, TimeUnit.SECONDS));
        kills++;
        workers[victim] = start(store, roles[victim], dir.resolve("journal-" + journals++), random.nextLong(),
            new CountDownLatch(1));
      }
    } finally {
      for (Process p : all) {
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
      }
    }
    double took = (System.nanoTime() - began) / 1e9;

    Set<String> aliases = new HashSet<>();
    List<String[]> encrypted = new ArrayList<>();
    for (int j = 0; j < journals; j++) {
      Path journal = dir.resolve("journal-" + j);
      if (!Files.exists(journal)) {
        continue;
      }
      for (String line : Files.readAllLines(journal)) {
        String[] f = line.split(" ");
        if (f[0].equals("key") && f.length == 2) {
          aliases.add(f[1]);
        } else if ((f[0].equals("blob") || f[0].equals("message")) && f.length == 4) {
          encrypted.add(f);
        }
        // A line cut by a kill has fewer fields: it was never reported as done.
      }
    }
    int[] which = new int[1];
    long operations;
    long segments;
    try (LocalKeyStore s = TortureWorker.open(store, "torture-check", which)) {
      Set<String> present = new HashSet<>();
      for (KeyMetadata k : s.listKeys()) {
        k.alias().ifPresent(present::add);
        if (k.state() == KeyState.DISABLED) {
          s.enableKey(k.keyId());
        }
      }
      assertTrue(present.containsAll(aliases), "every created key exists: " + present + " vs " + aliases + " (seed " + seed + ")");
      assertEquals(present.size(), s.listKeys().size(), "createKeyIfAbsent made one key per alias (seed " + seed + ")");
      for (String[] e : encrypted) {
        byte[] plain = Base64.getDecoder().decode(e[3]);
        byte[] cipher = Base64.getDecoder().decode(e[2]);
        if (e[0].equals("blob")) {
          assertArrayEquals(plain, s.decrypt(cipher, TortureWorker.CONTEXT).plaintext(), "seed " + seed);
        } else {
          assertArrayEquals(plain, Fixtures.fastEnvelope(s.keyring(e[1])).decrypt(cipher, TortureWorker.CONTEXT).plaintext(),
              "seed " + seed);
        }
      }
      s.encrypt("k0", new byte[1], TortureWorker.CONTEXT); // repairs a torn audit tail a kill may have left
      AuditVerification audit = s.verifyAuditLog();
      assertTrue(audit.isValid(), audit + " (seed " + seed + ")");
      operations = AuditLog.readStore(store, audit).stream()
          .filter(r -> r.event().outcome() == AuditOutcome.SUCCESS).count();
      try (Stream<Path> files = Files.list(store)) {
        segments = files.filter(p -> p.getFileName().toString().matches("audit-[0-9]+\\.log")).count();
      }
    }
    try (Stream<Path> entries = Files.list(store)) {
      assertEquals(1, entries.filter(p -> p.getFileName().toString().startsWith("keys")).count(),
          "one keys directory is left (seed " + seed + ")");
    }
    assertTrue(segments > 1, "the audit log rotated: " + segments + " segments (seed " + seed + ")");
    assertTrue(kills > 0 && !encrypted.isEmpty(), "the run must have done something: " + kills + " kills, "
        + encrypted.size() + " encryptions, " + aliases.size() + " keys (seed " + seed + ")");
    System.out.printf("torture: %d processes, %d kills, %d successful audited operations in %d audit segments,"
            + " %d journaled encryptions checked, %d keys, %.1f s (seed %d)%n",
        all.size(), kills, operations, segments, encrypted.size(), aliases.size(), took, seed);
  }
}
