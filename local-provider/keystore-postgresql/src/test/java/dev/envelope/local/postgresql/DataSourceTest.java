package dev.envelope.local.postgresql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.envelope.KeyProviderException;
import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.LocalKeyStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code postgresql://HOST[:PORT]/DATABASE} addresses with libpq-style credentials from the environment. */
class DataSourceTest {
  private final PgFixture pg = new PgFixture();
  @TempDir Path tmp;

  @AfterEach
  void close() {
    pg.close();
  }

  private String address() {
    return "postgresql://127.0.0.1:" + pg.server.port() + "/" + pg.db;
  }

  @Test
  void dataSource_pgUserAndPgPassword_opensTheStore() {
    Map<String, String> env = Map.of("PGUSER", pg.db + "_app", "PGPASSWORD", "app-password", "PGSSLMODE", "disable");
    try (HikariDataSource pool = PostgresKeyStore.dataSource(address(), env);
        LocalKeyStore store = PostgresKeyStore.builder(pool).kek(PgFixture.kek()).openOrCreate()) {
      store.createKey(CreateKeyRequest.withAlias("a"));
      assertTrue(store.toString().contains(address()), store.toString());
    }
  }

  @Test
  void dataSource_passwordFromOwnerOnlyPassFile_opensTheStore() throws Exception {
    Path file = tmp.resolve("pgpass");
    Files.writeString(file, "# comment\nother:*:*:*:wrong\n127.0.0.1:" + pg.server.port() + ":" + pg.db + ":"
        + pg.db + "_app:app-password\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    Map<String, String> env = Map.of("PGUSER", pg.db + "_app", "PGPASSFILE", file.toString());
    try (HikariDataSource pool = PostgresKeyStore.dataSource(address(), env);
        LocalKeyStore store = PostgresKeyStore.builder(pool).kek(PgFixture.kek()).openOrCreate()) {
      assertEquals(0, store.listKeys().size());
    }
  }

  @Test
  void dataSource_passFileReadableByOthers_isRefused() throws Exception {
    Path file = tmp.resolve("pgpass");
    Files.writeString(file, "*:*:*:*:secret\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PostgresKeyStore.dataSource(address(), Map.of("PGPASSFILE", file.toString())));
    assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
  }

  @Test
  void dataSource_wrongPassword_failsAtFirstUseNamingTheDatabase() {
    Map<String, String> env = Map.of("PGUSER", pg.db + "_app", "PGPASSWORD", "wrong");
    try (HikariDataSource pool = PostgresKeyStore.dataSource(address(), env)) {
      KeyProviderException e = assertThrows(KeyProviderException.class,
          () -> PostgresKeyStore.builder(pool).kek(PgFixture.kek()).openOrCreate());
      assertTrue(e.getMessage().contains(address()), e.getMessage());
      assertFalse(e.getMessage().contains("wrong"), "no password in messages: " + e.getMessage());
    }
  }

  @Test
  void dataSource_credentialsOrParametersInTheAddress_areRefused() {
    for (String bad : new String[] {"postgresql://u:secret@127.0.0.1/db", "postgresql://127.0.0.1/db?password=secret",
        "postgresql://127.0.0.1/", "postgres-ish://127.0.0.1/db", "postgresql://127.0.0.1/a/b"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> PostgresKeyStore.dataSource(bad, Map.of()), bad);
      assertFalse(e.getMessage().contains("secret"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class,
        () -> PostgresKeyStore.dataSource("postgresql://127.0.0.1/db", Map.of("PGSSLMODE", "sometimes")));
  }

  @Test
  void settings_defaultPortAndIpv6Host_areParsed() {
    LibpqSettings s = LibpqSettings.resolve("postgresql://[::1]/keys", Map.of("PGUSER", "u"));
    assertEquals("::1", s.host);
    assertEquals(5432, s.port);
    assertEquals("keys", s.database);
    assertEquals("postgresql://[::1]:5432/keys", s.location());
    assertNull(s.password);
  }

  @Test
  void passFile_escapedColonsAndWildcards_match() throws Exception {
    Path file = tmp.resolve("pgpass");
    Files.writeString(file, "db.internal:5432:keys:u:pa\\:ss\\\\word\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    assertEquals("pa:ss\\word", LibpqSettings.fromPassFile(file, "db.internal", 5432, "keys", "u"));
    assertNull(LibpqSettings.fromPassFile(file, "db.internal", 5433, "keys", "u"));
  }
}
