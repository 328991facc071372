package dev.envelope.local.postgresql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

/**
 * The key store's tables in one PostgreSQL schema, and their migrations. Version 1:
 *
 * <pre>
 * migrations (version int PK, applied_at timestamptz)       which migrations ran
 * row_version sequence                                      stamps: every write takes a new value
 * store      (id bool PK = true, record text, key_set uuid, row_version bigint)   the store record;
 *            key_set names the current set of key rows (a KEK change stages another set)
 * key_record (key_set uuid, key_id text, record bytea, row_version bigint, PK (key_set, key_id))
 * manifest   (key_set uuid PK, manifest bytea, row_version bigint)
 * audit      (seq bigint PK, line text, gen bigint)          the keyed audit chain, one row a record
 * </pre>
 *
 * Migrations run under a transaction-level advisory lock, so concurrent first uses create the
 * schema once. A schema already at the current version needs no DDL at all, so a role with only
 * SELECT, INSERT, UPDATE, DELETE and USAGE on the sequence can use a schema another role created.
 */
final class Schema {
  /** The schema version this release writes and reads. */
  static final int VERSION = 1;
  /** The first key of every advisory lock the store takes ("ENV1"). */
  static final int LOCK_CLASS = 0x454e5631;
  static final int STORE_LOCK = 1;
  static final int AUDIT_LOCK = 2;
  static final int MIGRATION_LOCK = 3;
  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private Schema() {}

  /** Checks a schema name: lower-case letters, digits and underscores, as an unquoted identifier. */
  static String checkName(String schema) {
    if (schema == null || !NAME.matcher(schema).matches()) {
      throw new IllegalArgumentException("a key store schema name is 1 to 63 lower-case letters, digits or"
          + " underscores, starting with a letter or underscore");
    }
    return schema;
  }

  /** Takes the transaction-level advisory lock {@code which} of {@code schema}. */
  static void lock(Connection c, String schema, int which) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?) # ?)")) {
      s.setInt(1, LOCK_CLASS);
      s.setString(2, schema);
      s.setInt(3, which);
      s.executeQuery().close();
    }
  }

  private static boolean schemaExists(Connection c, String schema) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
      s.setString(1, schema);
      try (ResultSet r = s.executeQuery()) {
        return r.next();
      }
    }
  }

  /** The schema's version: 0 if it has no migrations table. */
  static int version(Connection c, String schema) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      s.setString(1, schema + ".migrations");
      try (ResultSet r = s.executeQuery()) {
        r.next();
        if (!r.getBoolean(1)) {
          return 0;
        }
      }
    }
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT coalesce(max(version), 0) FROM " + schema + ".migrations")) {
      r.next();
      return r.getInt(1);
    }
  }

  /**
   * Brings the schema to {@link #VERSION}, in one transaction on {@code c} (autocommit off).
   *
   * @throws IllegalStateException if the schema is newer than this release
   */
  static void migrate(Connection c, String schema, String where) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SHOW server_encoding")) {
      r.next();
      if (!"UTF8".equalsIgnoreCase(r.getString(1))) {
        throw new IllegalStateException(where + " is in a database with encoding " + r.getString(1) + "; the key"
            + " store's audit chain needs UTF8: create the database with ENCODING 'UTF8'");
      }
    }
    int version = version(c, schema);
    if (version == VERSION) {
      return;
    }
    lock(c, schema, MIGRATION_LOCK);
    version = version(c, schema);
    if (version > VERSION) {
      throw new IllegalStateException(where + " has schema version " + version + "; this release of Envelope"
          + " reads version " + VERSION + ": upgrade Envelope");
    }
    try (Statement s = c.createStatement()) {
      if (version < 1) {
        if (!schemaExists(c, schema)) {
          // CREATE SCHEMA IF NOT EXISTS would need CREATE on the database even when it exists.
          s.execute("CREATE SCHEMA " + schema);
        }
        s.execute("CREATE TABLE " + schema + ".migrations (version integer PRIMARY KEY,"
            + " applied_at timestamptz NOT NULL DEFAULT now())");
        s.execute("CREATE SEQUENCE " + schema + ".row_version");
        s.execute("CREATE TABLE " + schema + ".store (id boolean PRIMARY KEY DEFAULT true CHECK (id),"
            + " record text NOT NULL, key_set uuid NOT NULL, row_version bigint NOT NULL)");
        s.execute("CREATE TABLE " + schema + ".key_record (key_set uuid NOT NULL, key_id text NOT NULL,"
            + " record bytea NOT NULL, row_version bigint NOT NULL, PRIMARY KEY (key_set, key_id))");
        s.execute("CREATE TABLE " + schema + ".manifest (key_set uuid PRIMARY KEY, manifest bytea NOT NULL,"
            + " row_version bigint NOT NULL)");
        s.execute("CREATE TABLE " + schema + ".audit (seq bigint PRIMARY KEY, line text NOT NULL,"
            + " gen bigint NOT NULL)");
        s.execute("REVOKE ALL ON ALL TABLES IN SCHEMA " + schema + " FROM PUBLIC");
        s.execute("INSERT INTO " + schema + ".migrations (version) VALUES (1)");
      }
    }
  }
}
