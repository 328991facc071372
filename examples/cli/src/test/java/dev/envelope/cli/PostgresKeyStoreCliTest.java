package dev.envelope.cli;

import static dev.envelope.cli.Cli.assertFailure;
import static dev.envelope.cli.Cli.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.local.postgresql.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --keystore postgresql://HOST:PORT/DATABASE} against a real PostgreSQL server. */
class PostgresKeyStoreCliTest {
  private final CliPostgresStore pg = new CliPostgresStore();
  private final PostgresServer server = pg.server;
  private final String db = pg.db;
  private final String address = pg.address;
  @TempDir Path dir;

  private Map<String, String> env() {
    return pg.env();
  }

  @Test
  void keysCreateListAndEncryptDecrypt_withPostgresAddress_work() throws Exception {
    Cli.Result created = Cli.runWithEnv(env(), "keys", "create", "--keystore", address, "--alias", "orders");
    assertSuccess(created);
    assertTrue(created.stdoutText().contains("created a key store at " + address), created.stdoutText());

    Cli.Result list = Cli.runWithEnv(env(), "keys", "list", "--keystore", address);
    assertSuccess(list);
    assertTrue(list.stdoutText().contains("orders"), list.stdoutText());

    Path plain = dir.resolve("plain.txt");
    Files.writeString(plain, "hello from the database");
    Path message = dir.resolve("plain.env");
    Path back = dir.resolve("back.txt");
    assertSuccess(Cli.runWithEnv(env(), "encrypt", "--in", plain.toString(), "--out", message.toString(),
        "--context", "tenant=acme", "--keystore", address, "--key", "orders"));
    assertSuccess(Cli.runWithEnv(env(), "decrypt", "--in", message.toString(), "--out", back.toString(),
        "--keystore", address, "--key", "orders"));
    assertArrayEquals(Files.readAllBytes(plain), Files.readAllBytes(back));

    assertSuccess(Cli.runWithEnv(env(), "keys", "disable", "--keystore", address, "--key", "orders"));
    Cli.Result refused = Cli.runWithEnv(env(), "encrypt", "--in", plain.toString(), "--out",
        dir.resolve("again.env").toString(), "--context", "tenant=acme", "--keystore", address, "--key", "orders");
    assertTrue(refused.status() != 0, refused.toString());
  }

  @Test
  void keysList_emptyDatabase_failsAsNoStore() {
    assertFailure(Cli.runWithEnv(env(), "keys", "list", "--keystore", address), ExitCode.KEY_FILE,
        "holds no key store", "envelope keys create --keystore " + address);
  }

  @Test
  void keystoreAddress_withPassword_isRefusedAsUsage() {
    Cli.Result r = Cli.runWithEnv(env(), "keys", "list", "--keystore",
        "postgresql://someone:secret@127.0.0.1:" + server.port() + "/" + db);
    assertFailure(r, ExitCode.USAGE, "PGPASSWORD");
    assertTrue(!r.stderr().contains("secret"), r.stderr());
  }

  @Test
  void keysList_wrongDatabasePassword_failsNamingTheDatabase() {
    Map<String, String> env = env();
    env.put("PGPASSWORD", "wrong");
    Cli.Result r = Cli.runWithEnv(env, "keys", "list", "--keystore", address);
    assertEquals(ExitCode.KEY_PROVIDER.code(), r.status(), r.toString());
    assertTrue(r.stderr().contains(address), r.stderr());
  }
}
