package dev.envelope.local.postgresql;

import com.zaxxer.hikari.HikariDataSource;
import dev.envelope.KeyProviderException;
import dev.envelope.local.KekSource;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.local.PassphraseKdfParameters;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One test's database on the shared {@link PostgresServer}, with the pools it opened; closing it
 * closes them. Stores use {@link PassphraseKdfParameters#insecureForTests()} to keep the KDF fast.
 */
final class PgFixture implements AutoCloseable {
  static final String PASSPHRASE = "correct horse battery staple";

  final PostgresServer server = PostgresServer.get();
  final String db = server.newDatabase();
  private final List<HikariDataSource> pools = new ArrayList<>();

  static KekSource kek() {
    return kek(PASSPHRASE);
  }

  static KekSource kek(String passphrase) {
    return KekSource.passphrase(passphrase.toCharArray(), PassphraseKdfParameters.insecureForTests());
  }

  /** A new pool for the app role. */
  HikariDataSource pool() {
    HikariDataSource p = server.pool(db);
    pools.add(p);
    return p;
  }

  /** A store builder over a new pool. */
  LocalKeyStore.Builder store() {
    return PostgresKeyStore.builder(pool()).kek(kek());
  }

  /** Runs SQL as the superuser in this test's database. */
  void sql(String... statements) {
    server.sql(db, statements);
  }

  @Override
  public void close() {
    pools.forEach(HikariDataSource::close);
  }

  /** A clock tests move forward. */
  /** Runs {@code action} until the database answers again (a generous minute at most). */
  static void eventually(Runnable action) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        action.run();
        return;
      } catch (KeyProviderException stillDown) {
        if (System.nanoTime() > deadline) {
          throw stillDown;
        }
        Thread.sleep(200);
      }
    }
  }

  static final class MovableClock extends Clock {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
