package dev.envelope.local.postgresql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.envelope.local.KeyStoreNotFoundException;
import dev.envelope.local.LocalKeyStore;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The local key store kept in PostgreSQL instead of a directory: the same sealed keys, versions,
 * lifecycle, policy, manifest and keyed audit chain, in one schema that every process reaching the
 * database shares. Changes from any number of processes serialize on a transaction-level advisory
 * lock; every change, with its audit records, is one transaction.
 *
 * <pre>{@code
 * try (HikariDataSource pool = new HikariDataSource(config);
 *     LocalKeyStore store = PostgresKeyStore.builder(pool).kek(KekSource.passphrase(pass)).openOrCreate()) {
 *   store.createKeyIfAbsent(CreateKeyRequest.withAlias("orders"));
 * }
 * }</pre>
 *
 * The schema ({@value #DEFAULT_SCHEMA} unless named) is created and migrated on first use; see the
 * module's README for the least-privilege role. The database sees sealed key records only: key
 * material is encrypted under the KEK before it leaves the process. The caller owns the data
 * source and closes it after the store.
 *
 * <p>Every change also notifies the other processes (PostgreSQL {@code NOTIFY}, in the change's
 * transaction). An explicit {@code open()}, {@code create()} or {@code openOrCreate()} of a store
 * built here starts one listener thread for it (a daemon named {@code envelope-keystore-listener
 * <the store>}, holding one connection of the data source until the store is closed, when it is
 * stopped): it re-reads a key another process changed, so the store's {@link
 * dev.envelope.local.KeyStateListener}s (the data-key cache's incident hook) hear of a disable or
 * destruction made anywhere within a second, and it re-reads every loaded key after a reconnection
 * and every 10 seconds. A notice is only a hint to re-read: a forged one changes nothing. Key use
 * does not depend on it; each use checks the key's row version.
 */
public final class PostgresKeyStore {
  /** The schema a store is kept in unless another is named. */
  public static final String DEFAULT_SCHEMA = "envelope";

  private PostgresKeyStore() {}

  /** Configures the store in schema {@value #DEFAULT_SCHEMA} of the database {@code dataSource} reaches. */
  public static LocalKeyStore.Builder builder(DataSource dataSource) {
    return builder(dataSource, DEFAULT_SCHEMA);
  }

  /**
   * Configures the store in {@code schema} (lower-case letters, digits, underscores) of the
   * database {@code dataSource} reaches; one schema holds one store.
   */
  public static LocalKeyStore.Builder builder(DataSource dataSource, String schema) {
    Objects.requireNonNull(dataSource, "dataSource");
    return LocalKeyStore.builder(new PostgresHome(dataSource, schema, location(dataSource)));
  }

  /**
   * A connection pool for the key store at {@code address}, {@code postgresql://HOST[:PORT]/DATABASE},
   * with credentials and TLS settings the libpq way from the process environment: {@code PGUSER}
   * (default: the OS user), {@code PGPASSWORD} or the matching line of {@code PGPASSFILE} (default
   * {@code ~/.pgpass}, owner-only), {@code PGSSLMODE}, {@code PGSSLROOTCERT}, {@code PGSSLCERT},
   * {@code PGSSLKEY}. The address itself may not carry a user, password or parameters. The pool
   * connects lazily, so a database that is down fails the first operation, not this call; close
   * the pool after the store.
   *
   * @throws IllegalArgumentException naming what is wrong with the address or the environment
   */
  public static HikariDataSource dataSource(String address) {
    return dataSource(address, System.getenv());
  }

  /** As {@link #dataSource(String)}, with the libpq variables taken from {@code env}. */
  public static HikariDataSource dataSource(String address, Map<String, String> env) {
    LibpqSettings s = LibpqSettings.resolve(Objects.requireNonNull(address, "address"), Objects.requireNonNull(env, "env"));
    HikariConfig config = new HikariConfig();
    config.setPoolName("envelope-keystore " + s.location());
    config.setJdbcUrl(s.jdbcUrl());
    config.setUsername(s.user);
    if (s.password != null) {
      config.setPassword(s.password);
    }
    s.properties.forEach(config::addDataSourceProperty);
    config.setMaximumPoolSize(8);
    config.setConnectionTimeout(10_000);
    config.setInitializationFailTimeout(-1);
    return new HikariDataSource(config);
  }

  /**
   * Writes the audit trail of the store in {@code schema} to {@code file} (replaced; created
   * owner-only), one record per line exactly as a directory store writes its {@code audit.log}, so
   * that {@link dev.envelope.local.AuditLog#verify(Path)} checks its hash chain and {@link
   * dev.envelope.local.AuditLog#read(Path, dev.envelope.local.AuditVerification)} reads it without
   * the KEK; {@link LocalKeyStore#verifyAuditLog()} also checks its MACs. The records are read in
   * one transaction under the trail's lock, so the copy is a consistent prefix of the trail. Writes
   * nothing to the database and needs no KEK; the records hold no key material.
   *
   * @return the number of records written
   * @throws KeyStoreNotFoundException if the schema holds no key store
   * @throws dev.envelope.KeyProviderException if the database cannot be read
   * @throws java.io.UncheckedIOException if the file cannot be written
   */
  public static long exportAuditLog(DataSource dataSource, String schema, Path file) {
    Objects.requireNonNull(file, "file");
    PostgresHome home = new PostgresHome(Objects.requireNonNull(dataSource, "dataSource"), schema, location(dataSource));
    if (home.readStoreRecord() == null) {
      throw new KeyStoreNotFoundException("there is no key store at " + location(dataSource) + " (schema " + schema + ")");
    }
    return PostgresAudit.export(home, file);
  }

  /** The database, for messages: a pool's JDBC URL without its parameters, which may hold secrets. */
  static String location(DataSource dataSource) {
    if (dataSource instanceof HikariDataSource) {
      String url = ((HikariDataSource) dataSource).getJdbcUrl();
      if (url != null) {
        int q = url.indexOf('?');
        return (q < 0 ? url : url.substring(0, q)).replaceFirst("^jdbc:", "");
      }
    }
    return "a PostgreSQL database";
  }
}
