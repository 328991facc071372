package dev.envelope.cli;

import dev.envelope.local.postgresql.PostgresServer;
import java.util.HashMap;
import java.util.Map;

/**
 * A fresh database on the shared test server, as the CLI's PostgreSQL tests address it: its
 * {@code postgresql://} address and the environment (libpq credentials of the application role,
 * the key store passphrase) a user would export.
 */
final class CliPostgresStore {
  static final String PASSPHRASE = "correct horse battery staple";

  final PostgresServer server = PostgresServer.get();
  final String db = server.newDatabase();
  final String address = "postgresql://127.0.0.1:" + server.port() + "/" + db;

  /** The database credentials only (PGUSER, PGPASSWORD). */
  Map<String, String> dbOnly() {
    Map<String, String> env = new HashMap<>();
    env.put("PGUSER", db + "_app");
    env.put("PGPASSWORD", "app-password");
    return env;
  }

  /** The database credentials and the key store's passphrase. */
  Map<String, String> env() {
    Map<String, String> env = dbOnly();
    env.put(KeyStores.PASSPHRASE_VARIABLE, PASSPHRASE);
    return env;
  }
}
