package dev.envelope.local.postgresql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.local.AuditVerification;
import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.KeyState;
import dev.envelope.local.LocalKeyStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Separate JVMs sharing one store in PostgreSQL, one of them killed with SIGKILL mid-run. */
class PostgresMultiProcessTest {
  private static final int ROUNDS = 15;
  private final PgFixture pg = new PgFixture();

  @AfterEach
  void close() {
    pg.close();
  }

  private Process worker(String label, int rounds) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        StoreWorker.class.getName(), pg.server.jdbcUrl(pg.db), pg.db + "_app", "app-password", label,
        String.valueOf(rounds)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  /** Reads a worker's output: the versions it made, and whether it finished. */
  private static final class Output {
    final Set<Integer> versions = new TreeSet<>();
    boolean done;
  }

  private static Thread reader(Process p, Output out, Object readyLock, int[] ready) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          synchronized (out) {
            if (line.startsWith("rotated ")) {
              out.versions.add(Integer.parseInt(line.substring(8)));
            } else if (line.equals("done")) {
              out.done = true;
            }
          }
          if (line.equals("ready") || line.startsWith("rotated ")) {
            synchronized (readyLock) {
              ready[0]++;
              readyLock.notifyAll();
            }
          }
        }
      } catch (java.io.IOException ignored) {
        // The process was killed.
      }
    });
    t.start();
    return t;
  }

  @Test
  void twoJvms_oneKilledMidRun_leaveOneConsistentStoreAndAuditChain() throws Exception {
    try (LocalKeyStore store = pg.store().create()) {
      store.createKey(CreateKeyRequest.withAlias("toggle"));
    }
    Process steady = worker("steady", ROUNDS);
    Process victim = worker("victim", 1000);
    Output steadyOut = new Output();
    Output victimOut = new Output();
    Object lock = new Object();
    int[] victimProgress = {0};
    Thread a = reader(steady, steadyOut, new Object(), new int[1]);
    Thread b = reader(victim, victimOut, lock, victimProgress);
    synchronized (lock) {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (victimProgress[0] < 4 && System.nanoTime() < deadline) {
        lock.wait(1000);
      }
    }
    victim.destroyForcibly(); // SIGKILL, mid-transaction or between
    assertTrue(victim.waitFor(1, TimeUnit.MINUTES));
    assertTrue(steady.waitFor(5, TimeUnit.MINUTES), "the steady worker finished");
    a.join();
    b.join();
    assertEquals(0, steady.exitValue());
    assertTrue(steadyOut.done);
    assertEquals(ROUNDS, steadyOut.versions.size());
    try (LocalKeyStore store = pg.store().open()) {
      int primary = store.describeKey("shared").primaryVersion();
      Set<Integer> reported = new TreeSet<>(steadyOut.versions);
      reported.addAll(victimOut.versions);
      assertEquals(steadyOut.versions.size() + victimOut.versions.size(), reported.size(), "no version made twice");
      // Every reported rotation committed; the victim may have committed one more it never printed.
      assertTrue(primary == 1 + reported.size() || primary == 2 + reported.size(),
          "primary " + primary + " after " + reported.size() + " reported rotations");
      assertEquals(primary, store.describeKey("shared").versions().size());
      assertEquals(2, store.listKeys().size());
      assertTrue(store.describeKey("toggle").state() == KeyState.ENABLED
          || store.describeKey("toggle").state() == KeyState.DISABLED);
      AuditVerification v = store.verifyAuditLog();
      assertTrue(v.isValid(), v.toString());
      List<String> callers = new ArrayList<>();
      try (Connection c = pg.server.admin(pg.db); Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT DISTINCT line::json->>'caller' FROM envelope.audit ORDER BY 1")) {
        while (r.next()) {
          callers.add(r.getString(1));
        }
      }
      assertTrue(callers.containsAll(List.of("steady", "victim")), callers.toString());
      store.rotateKey("shared"); // the killed process left no lock behind
    }
  }
}
