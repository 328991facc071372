package dev.envelope.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.envelope.EncryptionContext;
import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.KekSource;
import dev.envelope.local.KeyDisabledException;
import dev.envelope.local.KeyState;
import dev.envelope.local.KeyStateEvent;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.local.PassphraseKdfParameters;
import dev.envelope.local.postgresql.PostgresKeyStore;
import dev.envelope.local.postgresql.PostgresServer;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * How fast a change reaches the fleet: two instances of one PostgreSQL key store, each with its own
 * pool (as two processes would have), on a throwaway server ({@code PostgresServer}: initdb in a
 * temporary directory). Each round disables the key through the first instance and measures, from
 * the moment that disable has committed (its call returned):
 *
 * <ul>
 *   <li><b>hook</b>: until the second instance's key state listener (the data-key cache's incident
 *       hook) hears of it, with no call made on the second instance: LISTEN/NOTIFY;
 *   <li><b>refusal</b>: until a use of the key through the second instance is refused (the first
 *       use after the commit: its row-version check).
 * </ul>
 *
 * Then it enables the key again and waits for that notice too. Not JMH: this is a latency across
 * instances, not a throughput. A measurement, never an assertion.
 *
 * <pre>
 * scripts/bench-fleet [ROUNDS]     (default 200, after 20 warm-up rounds)
 * </pre>
 */
public final class FleetPropagation {
  private static final EncryptionContext CONTEXT = EncryptionContext.empty();

  private FleetPropagation() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    Latencies measured = measure(rounds);
    System.out.println("Propagation across two store instances (separate pools), " + rounds + " rounds:");
    System.out.println(line("hook (LISTEN/NOTIFY, no call on the second)", measured.hook()));
    System.out.println(line("refusal (first use through the second)", measured.refusal()));
  }

  /** Nanoseconds from a disable's commit to the other instance's hook, and to its refusal, per round. */
  record Latencies(long[] hook, long[] refusal) {}

  /** The report's section: p50, p90, p99 and max of {@code rounds} rounds, in a markdown table. */
  static String markdown(int rounds) throws Exception {
    Latencies m = measure(rounds);
    StringBuilder md = new StringBuilder("## A state change reaching another process (PostgreSQL key store)\n\n");
    md.append("`FleetPropagation` (also `scripts/bench-fleet`): two instances of one PostgreSQL key store with ")
        .append("separate pools, as two processes have, on a throwaway local server; ").append(rounds)
        .append(" disables through the first, timed from their commit. Promise: within one second.\n\n");
    md.append("| from the commit to | p50 ms | p90 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|\n");
    row(md, "the other instance's incident hook (LISTEN/NOTIFY, no call on it)", m.hook());
    row(md, "refusal at the other instance's next use", m.refusal());
    return md.append('\n').toString();
  }

  private static void row(StringBuilder md, String what, long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    md.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f |%n", what, ms(s[s.length / 2]),
        ms(s[(int) (s.length * 0.9)]), ms(s[Math.min(s.length - 1, (int) (s.length * 0.99))]), ms(s[s.length - 1])));
  }

  static Latencies measure(int rounds) throws Exception {
    int warmup = 20;
    PostgresServer server = PostgresServer.get();
    String db = server.newDatabase();
    try (HikariDataSource poolOne = server.pool(db);
        HikariDataSource poolTwo = server.pool(db);
        LocalKeyStore one = PostgresKeyStore.builder(poolOne).kek(kek()).create();
        LocalKeyStore two = PostgresKeyStore.builder(poolTwo).kek(kek()).open()) {
      one.createKey(CreateKeyRequest.withAlias("fleet"));
      two.encrypt("fleet", new byte[] {1}, CONTEXT); // the second instance has the key loaded
      BlockingQueue<KeyStateEvent> heard = new LinkedBlockingQueue<>();
      two.addKeyStateListener(heard::add);

      long[] hook = new long[rounds];
      long[] refusal = new long[rounds];
      for (int i = -warmup; i < rounds; i++) {
        one.disableKey("fleet");
        long committed = System.nanoTime();
        KeyStateEvent e = heard.poll(30, TimeUnit.SECONDS);
        long hookAt = System.nanoTime();
        if (e == null || e.newState() != KeyState.DISABLED) {
          throw new IllegalStateException("round " + i + ": the second instance heard " + e);
        }
        one.enableKey("fleet");
        await(heard, KeyState.ENABLED, i);
        one.disableKey("fleet");
        long committedAgain = System.nanoTime();
        long refusedAt;
        try {
          two.encrypt("fleet", new byte[] {1}, CONTEXT);
          throw new IllegalStateException("round " + i + ": the second instance used a disabled key");
        } catch (KeyDisabledException expected) {
          refusedAt = System.nanoTime();
        }
        await(heard, KeyState.DISABLED, i);
        one.enableKey("fleet");
        await(heard, KeyState.ENABLED, i);
        if (i >= 0) {
          hook[i] = hookAt - committed;
          refusal[i] = refusedAt - committedAgain;
        }
      }
      return new Latencies(hook, refusal);
    }
  }

  private static void await(BlockingQueue<KeyStateEvent> heard, KeyState state, int round) throws InterruptedException {
    KeyStateEvent e = heard.poll(30, TimeUnit.SECONDS);
    if (e == null || e.newState() != state) {
      throw new IllegalStateException("round " + round + ": expected " + state + ", the second instance heard " + e);
    }
  }

  private static KekSource kek() {
    return KekSource.passphrase("fleet propagation".toCharArray(), PassphraseKdfParameters.insecureForTests());
  }

  private static String line(String what, long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    return String.format(Locale.ROOT, "  %-45s p50 %6.2f ms   p90 %6.2f ms   p99 %6.2f ms   max %6.2f ms", what,
        ms(s[s.length / 2]), ms(s[(int) (s.length * 0.9)]), ms(s[Math.min(s.length - 1, (int) (s.length * 0.99))]),
        ms(s[s.length - 1]));
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
