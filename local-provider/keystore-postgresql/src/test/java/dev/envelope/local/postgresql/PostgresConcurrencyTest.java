package dev.envelope.local.postgresql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptionContext;
import dev.envelope.KeyProviderException;
import dev.envelope.local.AuditVerification;
import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.DecryptResult;
import dev.envelope.local.KeyMetadata;
import dev.envelope.local.KeyState;
import dev.envelope.local.LocalKeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several independent store instances, each with its own connection pool (as separate processes
 * would have), racing on one database; and a database restart under an open store.
 */
class PostgresConcurrencyTest {
  private static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme");
  private static final int INSTANCES = 3;
  private static final int THREADS_PER_INSTANCE = 2;
  private static final int ROUNDS = 8;
  private final PgFixture pg = new PgFixture();

  @AfterEach
  void close() {
    pg.close();
  }

  @Test
  void instancesWithSeparatePools_racingCreateRotateDisable_serializeIntoOneConsistentStore() throws Exception {
    try (LocalKeyStore first = pg.store().create()) {
      first.createKey(CreateKeyRequest.withAlias("toggle"));
    }
    List<LocalKeyStore> stores = new ArrayList<>();
    for (int i = 0; i < INSTANCES; i++) {
      stores.add(pg.store().callerLabel("instance-" + i).open());
    }
    AtomicInteger rotations = new AtomicInteger();
    Set<String> createdIds = ConcurrentHashMap.newKeySet();
    Set<Integer> versions = ConcurrentHashMap.newKeySet();
    int workers = INSTANCES * THREADS_PER_INSTANCE;
    CyclicBarrier start = new CyclicBarrier(workers);
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        LocalKeyStore store = stores.get(w % INSTANCES);
        futures.add(pool.submit(() -> {
          start.await();
          for (int round = 0; round < ROUNDS; round++) {
            // Every worker asks for the same aliases: exactly one key each is created.
            KeyMetadata md = store.createKeyIfAbsent(CreateKeyRequest.withAlias("shared-" + (round % 3)));
            createdIds.add(md.keyId());
            int v = store.rotateKey("shared-0").primaryVersion();
            assertTrue(versions.add(v), "version " + v + " was made twice");
            rotations.incrementAndGet();
            store.disableKey("toggle");
            store.enableKey("toggle");
            byte[] blob = store.encrypt("shared-0", new byte[] {(byte) round}, CONTEXT);
            try (DecryptResult r = store.decrypt(blob, CONTEXT)) {
              assertEquals((byte) round, r.plaintext()[0]);
            }
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get(5, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
      stores.forEach(LocalKeyStore::close);
    }
    assertEquals(3, createdIds.size(), "one key per alias");
    try (LocalKeyStore store = pg.store().open()) {
      assertEquals(4, store.listKeys().size());
      assertEquals(1 + rotations.get(), store.describeKey("shared-0").primaryVersion());
      // Each worker's last change is an enable, so the last change of all is one.
      assertEquals(KeyState.ENABLED, store.describeKey("toggle").state());
      AuditVerification v = store.verifyAuditLog();
      assertTrue(v.isValid(), v.toString());
    }
  }


  @Test
  void databaseRestart_underAnOpenStore_failsClearlyThenWorksWithoutReopening() throws Exception {
    try (LocalKeyStore store = pg.store().create()) {
      store.createKey(CreateKeyRequest.withAlias("a"));
      byte[] blob = store.encrypt("a", new byte[] {1}, CONTEXT);
      pg.server.stop();
      try {
        KeyProviderException down = assertThrows(KeyProviderException.class,
            () -> store.createKey(CreateKeyRequest.withAlias("b")));
        assertTrue(down.getMessage().contains("check that the database is up"), down.getMessage());
        assertTrue(down.getMessage().contains(pg.db), "names the database: " + down.getMessage());
        assertThrows(KeyProviderException.class, () -> store.encrypt("a", new byte[] {1}, CONTEXT));
      } finally {
        pg.server.startServer();
      }
      // The pool reconnects in the background; the same open store works again once it has.
      PgFixture.eventually(() -> store.createKey(CreateKeyRequest.withAlias("b")));
      try (DecryptResult r = store.decrypt(blob, CONTEXT)) {
        assertEquals(1, r.plaintext()[0]);
      }
      store.rotateKey("a");
      assertEquals(2, store.listKeys().size());
      assertTrue(store.verifyAuditLog().isValid());
    }
  }
}
