package dev.envelope.local.contract;

import dev.envelope.local.LocalKeyStore;

/**
 * One fresh, empty home for a key store (a directory, a database schema) that a contract test
 * creates a store in, opens again, or opens a second instance of, as another process would.
 * Closing it releases what it opened (a connection pool, say); it need not delete the home.
 */
public interface StoreHomeFixture extends AutoCloseable {
  /**
   * A builder for a store instance in this home, without a KEK. Each call is a new instance of
   * the same home: {@code create()} makes the store, {@code open()} reopens it; an instance opened
   * from another builder shares nothing in memory with the first (on PostgreSQL: its own pool).
   */
  LocalKeyStore.Builder builder();

  /** How the store's messages name this home (the directory, the database), for asserting them. */
  String location();

  /** Releases what this fixture opened; stores built from it are closed first by the tests. */
  @Override
  void close();
}
