package dev.envelope.local.postgresql;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptionContext;
import dev.envelope.KeyProviderException;
import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.DecryptResult;
import dev.envelope.local.KeyDisabledException;
import dev.envelope.local.KeyState;
import dev.envelope.local.KeyStateEvent;
import dev.envelope.local.KeyStateException;
import dev.envelope.local.LocalKeyStore;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A fleet on one store: two instances with their own pools, as two processes would have. A change
 * made through one reaches the other's incident hook by LISTEN/NOTIFY, without any call on it.
 * The waits are generous (the notice takes milliseconds; benchmarks/ measures it); the elapsed time
 * is only logged.
 */
class PostgresFleetTest {
  private static final EncryptionContext CONTEXT = EncryptionContext.empty();
  /** How long a test waits for a notice before failing: far above the one-second promise. */
  private static final long WAIT_SECONDS = 20;
  private final PgFixture pg = new PgFixture();

  @AfterEach
  void close() {
    pg.close();
  }

  private static BlockingQueue<KeyStateEvent> hook(LocalKeyStore store) {
    BlockingQueue<KeyStateEvent> events = new LinkedBlockingQueue<>();
    store.addKeyStateListener(events::add);
    return events;
  }

  private static KeyStateEvent next(BlockingQueue<KeyStateEvent> events, String what) throws InterruptedException {
    long start = System.nanoTime();
    KeyStateEvent e = events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertNotNull(e, "the other instance's hook never heard of " + what);
    System.out.printf("PostgresFleetTest: %s reached the other instance's hook in %.1f ms%n", what,
        (System.nanoTime() - start) / 1e6);
    return e;
  }


  private static boolean listenerRunning() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().startsWith("envelope-keystore-listener") && t.isAlive());
  }

  @Test
  void disableThroughOne_isRefusedByTheOther_andFiresItsIncidentHook() throws Exception {
    try (LocalKeyStore one = pg.store().create(); LocalKeyStore other = pg.store().open()) {
      String keyId = one.createKey(CreateKeyRequest.withAlias("orders")).keyId();
      byte[] blob = other.encrypt("orders", new byte[] {7}, CONTEXT); // the other has the key loaded
      BlockingQueue<KeyStateEvent> events = hook(other);

      one.disableKey("orders");

      KeyStateEvent e = next(events, "a disable");
      assertEquals(keyId, e.keyId());
      assertEquals(KeyState.ENABLED, e.previousState());
      assertEquals(KeyState.DISABLED, e.newState());
      assertTrue(e.revokesUse());
      KeyStateException refused = assertThrows(KeyDisabledException.class,
          () -> other.encrypt("orders", new byte[] {7}, CONTEXT));
      assertEquals(keyId, refused.keyId());
      assertThrows(KeyDisabledException.class, () -> other.decrypt(blob, CONTEXT));

      one.enableKey("orders");
      KeyStateEvent back = next(events, "an enable");
      assertEquals(KeyState.ENABLED, back.newState());
      assertFalse(back.revokesUse());
      try (DecryptResult r = other.decrypt(blob, CONTEXT)) {
        assertArrayEquals(new byte[] {7}, r.plaintext());
      }

      one.scheduleDestruction("orders", Duration.ofDays(7));
      assertEquals(KeyState.PENDING_DESTRUCTION, next(events, "a scheduled destruction").newState());
      assertTrue(events.isEmpty(), "one event per change: " + events);
    }
  }

  @Test
  void rotateThroughOne_isUsedByTheOther() throws Exception {
    try (LocalKeyStore one = pg.store().create(); LocalKeyStore other = pg.store().open()) {
      one.createKey(CreateKeyRequest.withAlias("orders"));
      assertEquals(1, LocalKeyStore.wrappingKeyOf(other.encrypt("orders", new byte[] {1}, CONTEXT)).version());
      one.rotateKey("orders");
      assertEquals(2, LocalKeyStore.wrappingKeyOf(other.encrypt("orders", new byte[] {1}, CONTEXT)).version());
    }
  }

  @Test
  void forgedNotice_causesAReReadOnly() throws Exception {
    try (LocalKeyStore one = pg.store().create(); LocalKeyStore other = pg.store().open()) {
      String keyId = one.createKey(CreateKeyRequest.withAlias("orders")).keyId();
      other.encrypt("orders", new byte[] {1}, CONTEXT);
      BlockingQueue<KeyStateEvent> events = hook(other);
      // Any role that can connect may NOTIFY; these name the key, every key, and nonsense.
      String channel = PostgresListener.channel(PostgresKeyStore.DEFAULT_SCHEMA);
      pg.sql("NOTIFY " + channel + ", '" + keyId + "'", "NOTIFY " + channel + ", '*'",
          "NOTIFY " + channel + ", 'no-such-key'", "NOTIFY " + channel);

      one.disableKey("orders");

      // The first event the other hears is the real change: the notices changed nothing.
      assertEquals(KeyState.DISABLED, next(events, "a disable after forged notices").newState());
      assertThrows(KeyDisabledException.class, () -> other.encrypt("orders", new byte[] {1}, CONTEXT));
    }
  }

  @Test
  void listener_survivesADatabaseRestart() throws Exception {
    try (LocalKeyStore one = pg.store().create(); LocalKeyStore other = pg.store().open()) {
      one.createKey(CreateKeyRequest.withAlias("orders"));
      other.encrypt("orders", new byte[] {1}, CONTEXT);
      BlockingQueue<KeyStateEvent> events = hook(other);
      pg.server.stop();
      try {
        KeyProviderException down = assertThrows(KeyProviderException.class,
            () -> other.encrypt("orders", new byte[] {1}, CONTEXT));
        assertTrue(down.getMessage().contains("check that the database is up"), down.getMessage());
      } finally {
        pg.server.startServer();
      }
      // Nothing is reopened: the pools and the listener reconnect by themselves.
      PgFixture.eventually(() -> one.disableKey("orders"));

      assertEquals(KeyState.DISABLED, next(events, "a disable after a restart").newState());
      assertThrows(KeyDisabledException.class, () -> other.encrypt("orders", new byte[] {1}, CONTEXT));
    }
  }

  @Test
  void close_stopsTheListenerThread() throws Exception {
    LocalKeyStore store = pg.store().create();
    Thread listener = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("envelope-keystore-listener")).findFirst().orElseThrow();
    assertTrue(listener.isDaemon());
    assertTrue(listener.getName().contains(pg.db), listener.getName());
    store.close();
    assertFalse(listener.isAlive());
    assertFalse(listenerRunning());
  }
}
