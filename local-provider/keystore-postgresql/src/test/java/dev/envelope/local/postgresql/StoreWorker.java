package dev.envelope.local.postgresql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.envelope.EncryptionContext;
import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.DecryptResult;
import dev.envelope.local.LocalKeyStore;

/**
 * A separate JVM using the PostgreSQL key store, for {@link PostgresMultiProcessTest}: arguments
 * JDBC URL, user, password, caller label, rounds. Each round creates-if-absent the shared key,
 * rotates it, toggles another key and encrypts and decrypts; it prints {@code rotated N} after each
 * rotation so the parent can count them even if it kills this process.
 */
public final class StoreWorker {
  private StoreWorker() {}

  public static void main(String[] args) throws Exception {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(args[0]);
    config.setUsername(args[1]);
    config.setPassword(args[2]);
    config.setMaximumPoolSize(2);
    int rounds = Integer.parseInt(args[4]);
    EncryptionContext context = EncryptionContext.of("worker", args[3]);
    try (HikariDataSource pool = new HikariDataSource(config);
        LocalKeyStore store = PostgresKeyStore.builder(pool).kek(PgFixture.kek()).callerLabel(args[3]).open()) {
      System.out.println("ready");
      System.out.flush();
      for (int i = 0; i < rounds; i++) {
        store.createKeyIfAbsent(CreateKeyRequest.withAlias("shared"));
        int v = store.rotateKey("shared").primaryVersion();
        System.out.println("rotated " + v);
        System.out.flush();
        store.disableKey("toggle");
        store.enableKey("toggle");
        byte[] blob = store.encrypt("shared", new byte[] {(byte) i}, context);
        try (DecryptResult r = store.decrypt(blob, context)) {
          if (r.plaintext()[0] != (byte) i) {
            throw new AssertionError("round trip failed");
          }
        }
      }
    }
    System.out.println("done");
  }
}
