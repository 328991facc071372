package dev.envelope.local.postgresql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptionContext;
import dev.envelope.local.AuditVerification;
import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.DecryptResult;
import dev.envelope.local.KeyState;
import dev.envelope.local.KeyStoreIntegrityException;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.local.WrongKekException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Attacks by someone who can write the database but does not hold the KEK, and the KEK change:
 * the keyed audit chain, the rollback manifest and the atomic switch, as in a directory.
 */
class PostgresIntegrityTest {
  private static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme");
  private final PgFixture pg = new PgFixture();

  @AfterEach
  void close() {
    pg.close();
  }

  private long count(String sql) throws Exception {
    try (Connection c = pg.server.admin(pg.db); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  private String keyId(LocalKeyStore store, String alias) {
    return store.describeKey(alias).keyId();
  }

  @Test
  void auditTrail_ofChangesAndUse_verifiesWithOneRowPerRecord() throws Exception {
    try (LocalKeyStore store = pg.store().create()) {
      store.createKey(CreateKeyRequest.withAlias("a"));
      store.rotateKey("a");
      store.encrypt("a", new byte[] {1}, CONTEXT);
      AuditVerification v = store.verifyAuditLog();
      assertTrue(v.isValid(), v.toString());
      assertEquals(count("SELECT count(*) FROM envelope.audit"), v.records());
      assertTrue(v.records() >= 5, "intent and success of create and rotate, and the encrypt: " + v.records());
      assertTrue(store.verifyAuditLog(v).isValid());
    }
  }

  @Test
  void auditTrail_editedRow_failsVerification() {
    try (LocalKeyStore store = pg.store().create()) {
      store.createKey(CreateKeyRequest.withAlias("a"));
      store.disableKey("a");
      pg.sql("UPDATE envelope.audit SET line = replace(line, 'DISABLE', 'ENABLE') WHERE seq = 3");
      AuditVerification v = store.verifyAuditLog();
      assertFalse(v.isValid());
    }
  }

  @Test
  void auditTrail_deletedTail_failsAgainstAnchor() {
    try (LocalKeyStore store = pg.store().create()) {
      store.createKey(CreateKeyRequest.withAlias("a"));
      AuditVerification anchor = store.verifyAuditLog();
      pg.sql("DELETE FROM envelope.audit WHERE seq = (SELECT max(seq) FROM envelope.audit)");
      assertFalse(store.verifyAuditLog(anchor).isValid());
    }
  }

  @Test
  void auditTrail_deletedMiddleRow_failsVerification() {
    try (LocalKeyStore store = pg.store().create()) {
      store.createKey(CreateKeyRequest.withAlias("a"));
      store.rotateKey("a");
      pg.sql("DELETE FROM envelope.audit WHERE seq = 2");
      AuditVerification v = store.verifyAuditLog();
      assertFalse(v.isValid());
      assertTrue(v.toString().contains("deleted") || !v.isValid(), v.toString());
    }
  }

  @Test
  void olderKeyRow_restoredAfterDisable_isRefusedAsRollback() {
    String id;
    try (LocalKeyStore store = pg.store().create()) {
      id = keyId(store, store.createKey(CreateKeyRequest.withAlias("a")).keyId());
      pg.sql("CREATE TABLE public.saved AS SELECT key_id, record FROM envelope.key_record");
      store.disableKey("a");
    }
    pg.sql("UPDATE envelope.key_record k SET record = s.record FROM public.saved s WHERE k.key_id = s.key_id");
    try (LocalKeyStore store = pg.store().open()) {
      KeyStoreIntegrityException e = assertThrows(KeyStoreIntegrityException.class,
          () -> store.encrypt(id, new byte[] {1}, CONTEXT));
      assertTrue(e.getMessage().contains(id), e.getMessage());
    }
  }

  @Test
  void olderManifestAndKeys_restoredWithoutTheAudit_areRefusedOnOpen() {
    try (LocalKeyStore store = pg.store().create()) {
      store.createKey(CreateKeyRequest.withAlias("a"));
      pg.sql("CREATE TABLE public.saved_keys AS SELECT * FROM envelope.key_record",
          "CREATE TABLE public.saved_manifest AS SELECT * FROM envelope.manifest");
      store.disableKey("a");
    }
    pg.sql("DELETE FROM envelope.key_record", "INSERT INTO envelope.key_record SELECT * FROM public.saved_keys",
        "DELETE FROM envelope.manifest", "INSERT INTO envelope.manifest SELECT * FROM public.saved_manifest");
    KeyStoreIntegrityException e = assertThrows(KeyStoreIntegrityException.class, () -> pg.store().open());
    assertTrue(e.getMessage().contains("rolled back"), e.getMessage());
  }

  @Test
  void forgedKeyRow_isRefused() {
    String id;
    try (LocalKeyStore store = pg.store().create()) {
      id = store.createKey(CreateKeyRequest.withAlias("a")).keyId();
    }
    pg.sql("UPDATE envelope.key_record SET record = convert_to(replace(convert_from(record, 'UTF8'),"
        + " 'ENABLED', 'DISABLED'), 'UTF8')");
    try (LocalKeyStore store = pg.store().open()) {
      assertThrows(KeyStoreIntegrityException.class, () -> store.describeKey(id));
    }
  }

  @Test
  void changeKek_reSealsEveryKeyInOneSwitch() throws Exception {
    byte[] blob;
    try (LocalKeyStore store = pg.store().create()) {
      store.createKey(CreateKeyRequest.withAlias("a"));
      store.createKey(CreateKeyRequest.withAlias("b"));
      blob = store.encrypt("a", new byte[] {7}, CONTEXT);
      try (LocalKeyStore other = pg.store().open()) {
        store.changeKek(PgFixture.kek("a brand new passphrase"));
        // The other instance opened with the old KEK is told to reopen.
        assertThrows(WrongKekException.class, () -> other.createKey(CreateKeyRequest.withAlias("c")));
      }
    }
    assertEquals(1, count("SELECT count(DISTINCT key_set) FROM envelope.key_record"));
    assertEquals(1, count("SELECT count(*) FROM envelope.manifest"));
    assertEquals(2, count("SELECT count(*) FROM envelope.key_record"));
    assertThrows(WrongKekException.class, () -> pg.store().open());
    try (LocalKeyStore store = PostgresKeyStore.builder(pg.pool()).kek(PgFixture.kek("a brand new passphrase")).open()) {
      try (DecryptResult r = store.decrypt(blob, CONTEXT)) {
        assertEquals(7, r.plaintext()[0]);
      }
      assertEquals(KeyState.ENABLED, store.describeKey("b").state());
      assertTrue(store.verifyAuditLog().isValid());
    }
  }

  @Test
  void changeKek_failingMidway_leavesTheOldStoreWhole() throws Exception {
    try (LocalKeyStore store = pg.store().create()) {
      store.createKey(CreateKeyRequest.withAlias("a"));
      // A trigger makes the switch of the store row fail after every key was staged.
      pg.sql("CREATE FUNCTION public.refuse() RETURNS trigger LANGUAGE plpgsql AS"
              + " $$ BEGIN RAISE EXCEPTION 'switch refused by test'; END $$",
          "CREATE TRIGGER refuse BEFORE UPDATE ON envelope.store FOR EACH ROW EXECUTE FUNCTION public.refuse()");
      assertThrows(RuntimeException.class, () -> store.changeKek(PgFixture.kek("a brand new passphrase")));
    }
    pg.sql("DROP TRIGGER refuse ON envelope.store");
    assertEquals(1, count("SELECT count(DISTINCT key_set) FROM envelope.key_record"));
    try (LocalKeyStore store = pg.store().open()) {
      assertEquals(KeyState.ENABLED, store.describeKey("a").state());
      assertTrue(store.verifyAuditLog().isValid());
    }
  }
}
