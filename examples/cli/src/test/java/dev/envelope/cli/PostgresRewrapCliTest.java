package dev.envelope.cli;

import static dev.envelope.cli.Cli.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rewrap} from a directory store to a store in PostgreSQL: README's "moving between them". */
class PostgresRewrapCliTest {
  private final CliPostgresStore pg = new CliPostgresStore();
  private final String address = pg.address;
  @TempDir Path dir;

  private Map<String, String> env() {
    return pg.env();
  }

  @Test
  void rewrap_directoryStoreToPostgresStore_messageThenDecryptsOnlyWithThePostgresKey() throws Exception {
    Path keys = dir.resolve("keys");
    assertSuccess(Cli.runWithEnv(env(), "keys", "create", "--keystore", keys.toString(), "--alias", "orders"));
    assertSuccess(Cli.runWithEnv(env(), "keys", "create", "--keystore", address, "--alias", "orders"));
    Path plain = Files.writeString(dir.resolve("plain.txt"), "moved to the database");
    Path message = dir.resolve("plain.env");
    assertSuccess(Cli.runWithEnv(env(), "encrypt", "--in", plain.toString(), "--out", message.toString(),
        "--keystore", keys.toString(), "--key", "orders"));

    Path moved = dir.resolve("moved.env");
    assertSuccess(Cli.runWithEnv(env(), "rewrap", "--in", message.toString(), "--out", moved.toString(), "--quiet",
        "--keystore", keys.toString(), "--key", "orders", "--to-keystore", address, "--to-key", "orders",
        "--reencrypt"));

    Path back = dir.resolve("back.txt");
    assertSuccess(Cli.runWithEnv(env(), "decrypt", "--in", moved.toString(), "--out", back.toString(),
        "--keystore", address, "--key", "orders"));
    assertArrayEquals(Files.readAllBytes(plain), Files.readAllBytes(back));
    Cli.Result old = Cli.runWithEnv(env(), "decrypt", "--in", moved.toString(), "--out",
        dir.resolve("old.txt").toString(), "--keystore", keys.toString(), "--key", "orders");
    assertNotEquals(0, old.status(), "the directory store's key no longer opens it: " + old);
  }
}
