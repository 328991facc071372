package dev.envelope.local.postgresql;

import dev.envelope.local.LocalKeyStore;
import dev.envelope.local.contract.StoreHomeFixture;

/**
 * A key store home in a fresh database of the test server ({@link PgFixture}): schema {@value
 * PostgresKeyStore#DEFAULT_SCHEMA}, reached by the least-privilege app role. Each {@link #builder}
 * has its own pool, as another process would; closing the fixture closes them and drops the
 * database and its role, so that the ~100 contract tests leave no ~100 databases in the test
 * server's directory for its exit hook to delete.
 */
final class PostgresHomeFixture implements StoreHomeFixture {
  private final PgFixture pg = new PgFixture();

  @Override
  public LocalKeyStore.Builder builder() {
    return PostgresKeyStore.builder(pg.pool());
  }

  @Override
  public String location() {
    return pg.server.jdbcUrl(pg.db).replaceFirst("^jdbc:", "");
  }

  @Override
  public void close() {
    pg.close();
    pg.server.sql("postgres", "DROP DATABASE " + pg.db + " WITH (FORCE)", "DROP ROLE " + pg.db + "_app");
  }

  @Override
  public String toString() {
    return "PostgreSQL database " + pg.db;
  }
}
