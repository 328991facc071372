package dev.envelope.local.postgresql;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.Envelope;
import dev.envelope.EncryptionContext;
import dev.envelope.local.AuditVerification;
import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.DecryptResult;
import dev.envelope.local.KeyDisabledException;
import dev.envelope.local.KeyMetadata;
import dev.envelope.local.KeyOperation;
import dev.envelope.local.KeyPolicy;
import dev.envelope.local.KeyPolicyViolationException;
import dev.envelope.local.KeyState;
import dev.envelope.local.KeyStoreNotFoundException;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.local.WrongKekException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The key store's behaviour with its state in PostgreSQL: lifecycle, policy, reopening, the schema. */
class PostgresKeyStoreTest {
  private final PgFixture pg = new PgFixture();
  private static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme");

  @AfterEach
  void close() {
    pg.close();
  }

  private List<String> column(String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = pg.server.admin(pg.db); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        out.add(r.getString(1));
      }
    }
    return out;
  }

  @Test
  void createEncryptRotateDisableEnable_onPostgres_behaveAsTheDirectoryStore() {
    byte[] blob;
    String keyId;
    try (LocalKeyStore store = pg.store().create()) {
      keyId = store.createKey(CreateKeyRequest.withAlias("orders")).keyId();
      blob = store.encrypt("orders", "secret".getBytes(StandardCharsets.UTF_8), CONTEXT);
      assertEquals(2, store.rotateKey("orders").primaryVersion());
      store.disableKey("orders");
      assertThrows(KeyDisabledException.class,
          () -> store.encrypt("orders", new byte[] {1}, CONTEXT));
      store.enableKey("orders");
    }
    // Another instance with its own pool sees the same keys, versions and state.
    try (LocalKeyStore other = pg.store().open()) {
      KeyMetadata md = other.describeKey("orders");
      assertEquals(keyId, md.keyId());
      assertEquals(2, md.primaryVersion());
      assertEquals(KeyState.ENABLED, md.state());
      try (DecryptResult r = other.decrypt(blob, CONTEXT)) {
        assertEquals("secret", new String(r.plaintext(), StandardCharsets.UTF_8));
        assertEquals(1, r.keyVersion());
      }
      Envelope envelope = Envelope.builder().keyring(other.keyring("orders")).build();
      byte[] message = envelope.encrypt("hello".getBytes(StandardCharsets.UTF_8), CONTEXT);
      assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), envelope.decrypt(message, CONTEXT).plaintext());
    }
  }

  @Test
  void disable_inOneInstance_isRefusedByAnotherAtItsNextOperation() {
    try (LocalKeyStore a = pg.store().create(); LocalKeyStore b = pg.store().open()) {
      a.createKey(CreateKeyRequest.withAlias("k"));
      b.encrypt("k", new byte[] {1}, CONTEXT); // b has the key cached
      a.disableKey("k");
      assertThrows(KeyDisabledException.class, () -> b.encrypt("k", new byte[] {1}, CONTEXT));
    }
  }

  @Test
  void policy_deniedOperation_isRefusedAndAudited() {
    try (LocalKeyStore store = pg.store().create()) {
      KeyPolicy policy = KeyPolicy.defaultPolicy().toBuilder().requireContextKey("tenant").build();
      store.createKey(CreateKeyRequest.builder().alias("p").policy(policy).build());
      assertThrows(KeyPolicyViolationException.class, () -> store.encrypt("p", new byte[] {1}, EncryptionContext.empty()));
      store.encrypt("p", new byte[] {1}, CONTEXT);
      assertTrue(store.verifyAuditLog().isValid());
    }
  }

  @Test
  void pruneAuditLog_isRefusedWithAClearException_andTheTrailStaysWhole() {
    try (LocalKeyStore store = pg.store().create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
      long records = store.verifyAuditLog().records();

      UnsupportedOperationException e =
          assertThrows(UnsupportedOperationException.class, () -> store.pruneAuditLogBeforeSegment(2));
      assertTrue(e.getMessage().contains("cannot be pruned"), e.getMessage());
      assertThrows(UnsupportedOperationException.class, () -> store.pruneAuditLogOlderThan(java.time.Duration.ZERO));

      AuditVerification v = store.verifyAuditLog();
      assertTrue(v.isValid());
      assertEquals(records, v.records());
    }
  }

  @Test
  void destroy_afterWaitingPeriod_leavesNoKeyMaterialInTheDatabase() throws Exception {
    PgFixture.MovableClock clock = new PgFixture.MovableClock();
    try (LocalKeyStore store = PostgresKeyStore.builder(pg.pool()).kek(PgFixture.kek()).clock(clock).create()) {
      String id = store.createKey(CreateKeyRequest.withAlias("gone")).keyId();
      String before = column("SELECT convert_from(record, 'UTF8') FROM envelope.key_record WHERE key_id = '" + id + "'").get(0);
      assertFalse(before.contains("\"keyset\":null"));
      store.scheduleDestruction("gone", Duration.ofDays(7));
      clock.advance(Duration.ofDays(8));
      assertEquals(KeyState.DESTROYED, store.destroyKey("gone").state());
      List<String> rows = column("SELECT convert_from(record, 'UTF8') FROM envelope.key_record WHERE key_id = '" + id + "'");
      assertEquals(1, rows.size());
      assertTrue(rows.get(0).contains("\"keyset\":null"), "the row keeps only the destroyed key's metadata");
      assertThrows(dev.envelope.local.KeyDestroyedException.class, () -> store.encrypt("gone", new byte[] {1}, CONTEXT));
    }
  }

  @Test
  void open_wrongPassphrase_isRefused() {
    try (LocalKeyStore store = pg.store().create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
    }
    assertThrows(WrongKekException.class,
        () -> PostgresKeyStore.builder(pg.pool()).kek(PgFixture.kek("not the passphrase at all")).open());
  }

  @Test
  void open_emptyDatabase_isNotFoundAndOpenOrCreateCreates() {
    assertThrows(KeyStoreNotFoundException.class, () -> pg.store().open());
    try (LocalKeyStore store = pg.store().openOrCreate()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
    }
    try (LocalKeyStore store = pg.store().openOrCreate()) {
      assertEquals(1, store.listKeys().size());
    }
    assertThrows(IllegalStateException.class, () -> pg.store().create());
  }

  @Test
  void schema_firstUse_isAtVersion1AndClosedToPublic() throws Exception {
    try (LocalKeyStore store = pg.store().create()) {
      assertThrows(IllegalStateException.class, store::directory);
    }
    assertEquals(List.of("1"), column("SELECT version FROM envelope.migrations"));
    assertEquals(List.of("f"), column("SELECT has_table_privilege('public', 'envelope.key_record', 'SELECT')"));
  }

  @Test
  void schema_newerThanThisRelease_isRefused() {
    try (LocalKeyStore store = pg.store().create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
    }
    pg.sql("INSERT INTO envelope.migrations (version) VALUES (2)");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> pg.store().open());
    assertTrue(e.getMessage().contains("schema version 2"), e.getMessage());
  }

  @Test
  void create_inNonUtf8Database_isRefused() {
    String db = pg.db + "_latin1";
    pg.server.sql("postgres", "CREATE DATABASE " + db + " ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
    try (com.zaxxer.hikari.HikariDataSource pool = pg.server.pool(db, PostgresServer.ADMIN, PostgresServer.ADMIN_PASSWORD)) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> PostgresKeyStore.builder(pool).kek(PgFixture.kek()).create());
      assertTrue(e.getMessage().contains("ENCODING 'UTF8'"), e.getMessage());
    }
  }

  @Test
  void open_tablesReadableByPublic_isRefused() {
    try (LocalKeyStore store = pg.store().create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
    }
    pg.sql("GRANT SELECT ON envelope.key_record TO PUBLIC");
    dev.envelope.local.KeyStorePermissionException e =
        assertThrows(dev.envelope.local.KeyStorePermissionException.class, () -> pg.store().open());
    assertTrue(e.getMessage().contains("REVOKE ALL ON ALL TABLES IN SCHEMA envelope FROM PUBLIC"), e.getMessage());
  }

  @Test
  void dataManipulationOnlyRole_onMigratedSchema_runsTheStore() {
    try (LocalKeyStore store = pg.store().create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
    }
    String user = pg.db + "_dml";
    pg.sql("CREATE ROLE " + user + " LOGIN PASSWORD 'dml-password'",
        "GRANT CONNECT ON DATABASE " + pg.db + " TO " + user,
        "GRANT USAGE ON SCHEMA envelope TO " + user,
        "GRANT SELECT ON envelope.migrations TO " + user,
        "GRANT SELECT, INSERT, UPDATE ON envelope.store TO " + user,
        "GRANT SELECT, INSERT, UPDATE, DELETE ON envelope.key_record, envelope.manifest TO " + user,
        "GRANT SELECT, INSERT ON envelope.audit TO " + user,
        "GRANT USAGE ON SEQUENCE envelope.row_version TO " + user);
    try (com.zaxxer.hikari.HikariDataSource pool = pg.server.pool(pg.db, user, "dml-password");
        LocalKeyStore store = PostgresKeyStore.builder(pool).kek(PgFixture.kek()).open()) {
      store.rotateKey("k");
      store.createKey(CreateKeyRequest.withAlias("k2"));
      store.encrypt("k2", new byte[] {1}, CONTEXT);
      assertTrue(store.verifyAuditLog().isValid());
      assertEquals(2, store.listKeys().size());
    }
    // The audit trail is append-only for that role.
    assertThrows(IllegalStateException.class, () -> pg.server.sql(pg.db, "SET ROLE " + user, "DELETE FROM envelope.audit"));
  }

  @Test
  void policyGrant_forOtherCaller_isRefusedForThisOne() {
    try (LocalKeyStore store = pg.store().callerLabel("alice").create()) {
      KeyPolicy policy = KeyPolicy.defaultPolicy().toBuilder().grant("bob", KeyOperation.ENCRYPT).build();
      store.createKey(CreateKeyRequest.builder().alias("g").policy(policy).build());
      store.withCaller("bob").encrypt("g", new byte[] {1}, CONTEXT);
      assertThrows(KeyPolicyViolationException.class, () -> store.encrypt("g", new byte[] {1}, CONTEXT));
    }
  }
}
