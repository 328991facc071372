package dev.envelope.local.postgresql;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.envelope.KeyProviderException;
import dev.envelope.local.KeyStoreIntegrityException;
import dev.envelope.local.KeyStorePermissionException;
import dev.envelope.local.internal.AuditStore;
import dev.envelope.local.internal.StoreHome;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.LongSupplier;
import javax.sql.DataSource;

/**
 * A key store kept in a PostgreSQL schema ({@link StoreHome}; tables in {@link Schema}).
 *
 * <p>{@link #lock} opens a transaction on one connection and takes a transaction-level advisory
 * lock, which excludes every other writer in every process; until the outermost holder releases
 * the lock, every call of this thread (reads, writes, audit appends) runs in that transaction, and
 * the release commits it. So a change (its key row, the manifest and the audit records of its
 * intent and outcome) commits as one transaction or not at all, and a KEK switch (the staged set of
 * key rows, its manifest and the store row naming it) is atomic. A statement that fails marks the
 * transaction failed: the release rolls it back and throws. Calls made without the lock (stamps,
 * the optimistic first read of the store record) use a pooled connection in autocommit mode.
 *
 * <p>Every key change also sends a notice ({@code pg_notify}) on the store's channel in its
 * transaction; {@link #watch} listens for them ({@link PostgresListener}).
 */
final class PostgresHome implements StoreHome {
  private final DataSource dataSource;
  private final String schema;
  private final String where;
  private final String channel;
  private final ThreadLocal<Tx> tx = new ThreadLocal<>();
  private volatile boolean migrated;

  /** This thread's locked transaction. */
  private static final class Tx {
    final Connection connection;
    int depth = 1;
    SQLException failure;

    Tx(Connection connection) {
      this.connection = connection;
    }
  }

  /** A unit of work on a connection. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * A home in {@code schema} of the database {@code dataSource} reaches; {@code location} names
   * the database in messages (never with credentials), e.g. {@code postgresql://db.internal/keys}.
   */
  PostgresHome(DataSource dataSource, String schema, String location) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.schema = Schema.checkName(schema);
    this.channel = PostgresListener.channel(this.schema);
    this.where = "the key store at " + Objects.requireNonNull(location, "location") + " (schema " + schema + ")";
  }

  @Override
  public String describe() {
    return where;
  }

  @Override
  public String describeKey(String keyId) {
    return "the row of key " + keyId + " in " + schema + ".key_record";
  }

  String schema() {
    return schema;
  }

  // ------------------------------------------------------------------------- connections

  private Connection connect(boolean autoCommit) throws SQLException {
    Connection c = dataSource.getConnection();
    try {
      if (!migrated) {
        c.setAutoCommit(false);
        Schema.migrate(c, schema, where);
        c.commit();
        migrated = true;
      }
      c.setAutoCommit(autoCommit);
      return c;
    } catch (SQLException | RuntimeException e) {
      closeQuietly(c, true);
      throw e;
    }
  }

  private static void closeQuietly(Connection c, boolean rollback) {
    try {
      if (rollback && !c.getAutoCommit()) {
        c.rollback();
      }
    } catch (SQLException ignored) {
      // The connection is broken; closing it hands it back to the pool, which drops it.
    }
    try {
      c.close();
    } catch (SQLException ignored) {
      // As above.
    }
  }

  /** Runs {@code work} in this thread's locked transaction, or on its own autocommit connection. */
  <T> T run(String what, Work<T> work) {
    Tx t = tx.get();
    if (t != null) {
      if (t.failure != null) {
        throw unreachable(what, t.failure);
      }
      try {
        return work.run(t.connection);
      } catch (SQLException e) {
        t.failure = e;
        throw unreachable(what, e);
      }
    }
    try (Connection c = connect(true)) {
      return work.run(c);
    } catch (SQLException e) {
      throw unreachable(what, e);
    }
  }

  /**
   * Runs {@code work} in this thread's locked transaction, or in a transaction of its own that
   * first takes advisory lock {@code which} and commits at the end.
   */
  <T> T runLocked(String what, int which, Work<T> work) {
    if (tx.get() != null) {
      return run(what, c -> {
        Schema.lock(c, schema, which);
        return work.run(c);
      });
    }
    Connection c = null;
    try {
      c = connect(false);
      Schema.lock(c, schema, which);
      T result = work.run(c);
      c.commit();
      return result;
    } catch (SQLException e) {
      throw unreachable(what, e);
    } finally {
      if (c != null) {
        closeQuietly(c, true);
      }
    }
  }

  KeyProviderException unreachable(String what, SQLException e) {
    return new KeyProviderException("could not " + what + " in " + where + ": " + e.getMessage()
        + " (SQL state " + e.getSQLState() + "); check that the database is up and reachable and that the"
        + " role may use the schema", e);
  }

  // ------------------------------------------------------------------------- lock

  @Override
  public Held lock() {
    Tx t = tx.get();
    if (t != null) {
      t.depth++;
      return new Release(t);
    }
    Connection c;
    try {
      c = connect(false);
    } catch (SQLException e) {
      throw unreachable("take the store lock", e);
    }
    try {
      Schema.lock(c, schema, Schema.STORE_LOCK);
    } catch (SQLException e) {
      closeQuietly(c, true);
      throw unreachable("take the store lock", e);
    }
    t = new Tx(c);
    tx.set(t);
    return new Release(t);
  }

  /** One hold of the lock; the outermost release commits (or rolls back a failed transaction). */
  private final class Release implements Held {
    private final Tx t;
    private boolean released;

    Release(Tx t) {
      this.t = t;
    }

    @Override
    public void close() {
      if (released) {
        return;
      }
      released = true;
      if (--t.depth > 0) {
        return;
      }
      tx.remove();
      if (t.failure != null) {
        closeQuietly(t.connection, true);
        throw unreachable("finish a change (it was rolled back)", t.failure);
      }
      try {
        t.connection.commit();
        t.connection.close();
      } catch (SQLException e) {
        closeQuietly(t.connection, true);
        throw unreachable("commit a change (it was rolled back)", e);
      }
    }
  }

  /** Whether this thread holds the lock. */
  boolean locked() {
    return tx.get() != null;
  }

  // ------------------------------------------------------------------------- store record

  @Override
  public JsonObject readStoreRecord() {
    String text = run("read the store record", c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT record FROM " + schema + ".store")) {
        try (ResultSet r = s.executeQuery()) {
          return r.next() ? r.getString(1) : null;
        }
      }
    });
    if (text == null) {
      return null;
    }
    try {
      return JsonParser.parseString(text).getAsJsonObject();
    } catch (RuntimeException e) {
      throw new KeyStoreIntegrityException("the store record of " + where + " is not a JSON object (damaged)", e);
    }
  }

  @SuppressWarnings("try") // the lock holder is a try-with-resources guard
  @Override
  public void create(JsonObject storeRecord, byte[] manifest) {
    try (Held held = lock()) {
      run("create the store", c -> {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM " + schema + ".store");
            ResultSet r = s.executeQuery()) {
          if (r.next()) {
            throw new IllegalStateException("a key store already exists in " + where + "; open it instead");
          }
        }
        UUID set = UUID.randomUUID();
        putManifest(c, set, manifest);
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + schema + ".store (record, key_set, row_version)"
            + " VALUES (?, ?, nextval('" + schema + ".row_version'))")) {
          s.setString(1, storeRecord.toString());
          s.setObject(2, set);
          s.executeUpdate();
        }
        return null;
      });
    }
  }

  // ------------------------------------------------------------------------- permissions, tidy

  @Override
  public void checkOwnerOnly() {
    List<String> open = run("check the privileges on the store's tables", c -> {
      List<String> found = new ArrayList<>();
      for (String table : new String[] {"store", "key_record", "manifest", "audit"}) {
        try (PreparedStatement s = c.prepareStatement(
            "SELECT has_table_privilege('public', ?, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE')")) {
          s.setString(1, schema + "." + table);
          try (ResultSet r = s.executeQuery()) {
            if (r.next() && r.getBoolean(1)) {
              found.add(schema + "." + table);
            }
          }
        }
      }
      return found;
    });
    if (!open.isEmpty()) {
      throw new KeyStorePermissionException(where + " lets every database role (PUBLIC) use " + String.join(", ", open)
          + "; run REVOKE ALL ON ALL TABLES IN SCHEMA " + schema + " FROM PUBLIC and grant the store's role only");
    }
  }

  @Override
  public void tidy() {
    run("tidy the store", c -> {
      for (String table : new String[] {"key_record", "manifest"}) {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM " + schema + "." + table
            + " WHERE key_set <> (SELECT key_set FROM " + schema + ".store)")) {
          s.executeUpdate();
        }
      }
      return null;
    });
  }

  // ------------------------------------------------------------------------- key records

  private String current() {
    return "(SELECT key_set FROM " + schema + ".store)";
  }

  @Override
  public List<String> keyIds() {
    return run("list the keys", c -> {
      List<String> ids = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement(
          "SELECT key_id FROM " + schema + ".key_record WHERE key_set = " + current() + " ORDER BY key_id");
          ResultSet r = s.executeQuery()) {
        while (r.next()) {
          ids.add(r.getString(1));
        }
      }
      return ids;
    });
  }

  @Override
  public Object keyStamp(String keyId) {
    return run("read the version of key " + keyId, c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT row_version FROM " + schema + ".key_record WHERE key_set = " + current() + " AND key_id = ?")) {
        s.setString(1, keyId);
        try (ResultSet r = s.executeQuery()) {
          return r.next() ? (Object) r.getLong(1) : null;
        }
      }
    });
  }

  @Override
  public byte[] readKey(String keyId) {
    return run("read key " + keyId, c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT record FROM " + schema + ".key_record WHERE key_set = " + current() + " AND key_id = ?")) {
        s.setString(1, keyId);
        try (ResultSet r = s.executeQuery()) {
          return r.next() ? r.getBytes(1) : null;
        }
      }
    });
  }

  @Override
  public void writeKey(String keyId, byte[] record) {
    run("write key " + keyId, c -> {
      putKey(c, null, keyId, record);
      return null;
    });
  }

  private void putKey(Connection c, UUID set, String keyId, byte[] record) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO " + schema + ".key_record"
        + " (key_set, key_id, record, row_version) VALUES (" + (set == null ? current() : "?")
        + ", ?, ?, nextval('" + schema + ".row_version')) ON CONFLICT (key_set, key_id)"
        + " DO UPDATE SET record = excluded.record, row_version = excluded.row_version")) {
      int i = 1;
      if (set != null) {
        s.setObject(i++, set);
      }
      s.setString(i++, keyId);
      s.setBytes(i, record);
      s.executeUpdate();
    }
    if (set == null) {
      notifyChange(c, keyId);
    }
  }

  /**
   * Tells every listening store of a change, in the change's transaction: PostgreSQL delivers the
   * notice when the transaction commits, and drops it if it rolls back. {@code keyId} {@code "*"}:
   * every key.
   */
  private void notifyChange(Connection c, String keyId) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      s.setString(1, channel);
      s.setString(2, keyId);
      s.execute();
    }
  }

  @Override
  public Object manifestStamp() {
    return run("read the version of the manifest", c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT row_version FROM " + schema + ".manifest WHERE key_set = " + current());
          ResultSet r = s.executeQuery()) {
        return r.next() ? (Object) r.getLong(1) : null;
      }
    });
  }

  @Override
  public byte[] readManifest() {
    return run("read the manifest", c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT manifest FROM " + schema + ".manifest WHERE key_set = " + current());
          ResultSet r = s.executeQuery()) {
        return r.next() ? r.getBytes(1) : null;
      }
    });
  }

  @Override
  public void writeManifest(byte[] manifest) {
    run("write the manifest", c -> {
      putManifest(c, null, manifest);
      return null;
    });
  }

  private void putManifest(Connection c, UUID set, byte[] manifest) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO " + schema + ".manifest (key_set, manifest, row_version)"
        + " VALUES (" + (set == null ? current() : "?") + ", ?, nextval('" + schema + ".row_version'))"
        + " ON CONFLICT (key_set) DO UPDATE SET manifest = excluded.manifest, row_version = excluded.row_version")) {
      int i = 1;
      if (set != null) {
        s.setObject(i++, set);
      }
      s.setBytes(i, manifest);
      s.executeUpdate();
    }
  }

  // ------------------------------------------------------------------------- KEK switch

  @Override
  public KekSwitch beginKekSwitch() {
    if (!locked()) {
      throw new IllegalStateException("a KEK switch needs the store lock");
    }
    UUID staged = UUID.randomUUID();
    return new KekSwitch() {
      @Override
      public void writeKey(String keyId, byte[] record) {
        run("stage key " + keyId + " under the new KEK", c -> {
          putKey(c, staged, keyId, record);
          return null;
        });
      }

      @Override
      public void writeManifest(byte[] manifest) {
        run("stage the manifest under the new KEK", c -> {
          putManifest(c, staged, manifest);
          return null;
        });
      }

      @Override
      public void commit(JsonObject storeRecord) {
        run("switch the store to its new KEK", c -> {
          try (PreparedStatement s = c.prepareStatement("UPDATE " + schema + ".store SET record = ?, key_set = ?,"
              + " row_version = nextval('" + schema + ".row_version')")) {
            s.setString(1, storeRecord.toString());
            s.setObject(2, staged);
            if (s.executeUpdate() != 1) {
              throw new SQLException("the store row is missing", "P0002");
            }
          }
          return null;
        });
        // The old set goes in the same transaction: the switch commits whole or not at all.
        tidy();
        run("announce the new KEK", c -> {
          notifyChange(c, "*");
          return null;
        });
      }

      @Override
      public void abort() {
        Tx t = tx.get();
        if (t != null && t.failure != null) {
          return; // the failed transaction rolls back, staged rows included
        }
        run("drop the staged key rows", c -> {
          for (String table : new String[] {"key_record", "manifest"}) {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM " + schema + "." + table
                + " WHERE key_set = ? AND key_set <> " + current())) {
              s.setObject(1, staged);
              s.executeUpdate();
            }
          }
          return null;
        });
      }
    };
  }

  @Override
  public AuditStore openAudit(byte[] macKey, String storeId, LongSupplier generation) {
    return new PostgresAudit(this, macKey, storeId, generation);
  }

  /**
   * Starts the store's listener thread ({@link PostgresListener}): one connection of the data
   * source, held until the store is closed.
   */
  @Override
  public Watch watch(ChangeSink sink) {
    return PostgresListener.start(dataSource, channel, where, sink);
  }

  @Override
  public void close() {
    // The data source belongs to the caller; the listener is closed by the store before this.
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "PostgresHome[" + where + "]";
  }
}
