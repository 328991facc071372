package dev.envelope.local.postgresql;

import dev.envelope.local.internal.StoreHome;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The change feed of one open PostgreSQL store ({@link StoreHome#watch}): a daemon thread that
 * holds one connection of the pool, {@code LISTEN}s on the store's channel and hands each notice to
 * the store, which re-reads the key it names. Every change writes its notice in its own transaction
 * ({@link PostgresHome}), so PostgreSQL delivers it when, and only if, the change commits.
 *
 * <p>Nothing is taken on trust: a notice only makes the store re-read a record it then
 * authenticates, so a forged one costs a read. Notices sent while the listener is not connected
 * are lost, so after every (re)connection the store re-reads every key it has loaded; and every
 * {@link #RECHECK} it does so anyway, the backstop that bounds how long a lost notice could go
 * unnoticed. While the database is unreachable it retries, backing off up to two seconds, and
 * warns once per outage (through {@link System.Logger}, naming the database, never a secret).
 */
final class PostgresListener implements StoreHome.Watch {
  /** How often every loaded key is re-read even without a notice. */
  static final Duration RECHECK = Duration.ofSeconds(10);
  /** How long one wait for notices lasts: the bound on noticing a close. */
  private static final int POLL_MILLIS = 250;
  private static final long MAX_BACKOFF_MILLIS = 2000;
  private static final System.Logger LOG = System.getLogger(PostgresListener.class.getName());

  private final DataSource dataSource;
  private final String channel;
  private final String where;
  private final StoreHome.ChangeSink sink;
  private final Thread thread;
  private volatile boolean closed;

  private PostgresListener(DataSource dataSource, String channel, String where, StoreHome.ChangeSink sink) {
    this.dataSource = dataSource;
    this.channel = channel;
    this.where = where;
    this.sink = sink;
    this.thread = new Thread(this::run, "envelope-keystore-listener " + where);
    thread.setDaemon(true);
  }

  /** Starts listening on {@code channel} for the store {@code where} names. */
  static PostgresListener start(DataSource dataSource, String channel, String where, StoreHome.ChangeSink sink) {
    PostgresListener l = new PostgresListener(Objects.requireNonNull(dataSource), Objects.requireNonNull(channel),
        where, Objects.requireNonNull(sink));
    l.thread.start();
    return l;
  }

  /** The channel of the store in {@code schema}: a name PostgreSQL keeps whole (63 bytes at most). */
  static String channel(String schema) {
    String name = "envelope_keystore_" + schema;
    return name.length() > 63 ? name.substring(0, 63) : name; // a shared prefix only costs extra re-reads
  }

  private void run() {
    long backoff = 100;
    boolean warned = false;
    while (!closed) {
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(true);
        PGConnection pg = c.unwrap(PGConnection.class);
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN \"" + channel + "\"");
        }
        if (warned) {
          LOG.log(Level.INFO, "listening for changes to " + where + " again");
          warned = false;
        }
        backoff = 100;
        stale(); // what changed before the LISTEN (or while disconnected) has no notice
        listen(c, pg);
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          return;
        }
        if (!warned) {
          LOG.log(Level.WARNING, "lost the change notices of " + where + " (" + e.getMessage()
              + "); retrying, and re-reading every loaded key once back");
          warned = true;
        }
        sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
      }
    }
  }

  /** Waits for notices until the connection fails or the listener is closed. */
  private void listen(Connection c, PGConnection pg) throws SQLException {
    long nextCheck = System.nanoTime() + RECHECK.toNanos();
    while (!closed) {
      PGNotification[] notices = pg.getNotifications(POLL_MILLIS);
      if (notices != null) {
        for (PGNotification n : notices) {
          String keyId = n.getParameter();
          if (keyId == null || keyId.isEmpty() || "*".equals(keyId)) {
            stale();
          } else {
            changed(keyId);
          }
        }
      }
      if (System.nanoTime() - nextCheck >= 0) {
        try (Statement s = c.createStatement()) {
          s.execute("SELECT 1"); // a connection that died silently fails here, and is replaced
        }
        stale();
        nextCheck = System.nanoTime() + RECHECK.toNanos();
      }
    }
  }

  private void changed(String keyId) {
    try {
      sink.keyChanged(keyId);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "could not re-read key " + keyId + " of " + where + " after a change notice: "
          + e.getMessage() + "; its next use reads it");
    }
  }

  private void stale() {
    try {
      sink.allStale();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "could not re-read the loaded keys of " + where + ": " + e.getMessage()
          + "; their next use reads them");
    }
  }

  private void sleep(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      // close() interrupts: the loop sees closed and ends.
    }
  }

  /** Stops the thread and waits for it (its connection goes back to the pool). */
  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    if (Thread.currentThread() != thread) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(15));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "PostgresListener[" + where + "]";
  }
}
