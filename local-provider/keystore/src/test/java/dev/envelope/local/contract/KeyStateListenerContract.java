package dev.envelope.local.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.KeyProviderException;
import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.KeyDisabledException;
import dev.envelope.local.KeyMetadata;
import dev.envelope.local.KeyPolicy;
import dev.envelope.local.KeyState;
import dev.envelope.local.KeyStateEvent;
import dev.envelope.local.KeyVersion;
import dev.envelope.local.LocalKeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The incident-response hook: state changes reach listeners with enough to find affected EDKs. */
public abstract class KeyStateListenerContract extends StoreContract {
  private final MutableClock clock = new MutableClock();
  private final List<KeyStateEvent> events = new CopyOnWriteArrayList<>();

  @Test
  void disable_notifiesWithKeyVersionsAndEdkPrefix() {
    try (LocalKeyStore store = builder().clock(clock).keyStateListener(events::add).callerLabel("oncall").create()) {
      KeyMetadata key = store.createKey(CreateKeyRequest.withAlias("k"));
      byte[] v1 = envelope(store.keyring("k")).encrypt(new byte[1], EncryptionContext.empty());
      store.rotateKey("k");
      byte[] v2 = envelope(store.keyring("k")).encrypt(new byte[1], EncryptionContext.empty());

      store.disableKey("k");

      assertEquals(1, events.size());
      KeyStateEvent e = events.get(0);
      assertEquals(key.keyId(), e.keyId());
      assertEquals("k", e.alias().orElseThrow());
      assertEquals(KeyState.ENABLED, e.previousState());
      assertEquals(KeyState.DISABLED, e.newState());
      assertTrue(e.revokesUse());
      assertEquals(List.of(1, 2), e.versions());
      assertEquals(store.keyNamespace(), e.keyNamespace());
      assertEquals(key.keyId() + "/v", e.keyNamePrefix());
      assertEquals(List.of(key.keyId() + "/v1", key.keyId() + "/v2"), e.keyNames());
      assertEquals("oncall", e.caller());
      assertEquals(clock.instant(), e.time());
      for (byte[] message : List.of(v1, v2)) {
        EncryptedDataKey edk = Envelope.inspectUnauthenticated(message).encryptedDataKeys().get(0);
        assertTrue(e.matches(edk));
      }
    }
  }

  @Test
  void matches_edkOfAnotherKey_isFalse() {
    try (LocalKeyStore store = builder().keyStateListener(events::add).create()) {
      store.createKey(CreateKeyRequest.withAlias("a"));
      store.createKey(CreateKeyRequest.withAlias("b"));
      byte[] other = envelope(store.keyring("b")).encrypt(new byte[1], EncryptionContext.empty());

      store.disableKey("a");

      assertFalse(events.get(0).matches(Envelope.inspectUnauthenticated(other).encryptedDataKeys().get(0)));
      assertFalse(events.get(0).matches(EncryptedDataKey.of("elsewhere", new byte[60], new byte[48])));
    }
  }

  /** A key named by a label (a PKCS#11 token key): its EDKs carry the label, in the raw AES or raw RSA layout. */
  @Test
  void matches_keyNamedByLabel_matchesExactlyThatNameInEitherLayout() {
    java.time.Instant t = java.time.Instant.parse("2025-01-01T00:00:00Z");
    KeyMetadata token = KeyMetadata.builder().keyId("orders").alias("orders").state(KeyState.DESTROYED)
        .versions(List.of(KeyVersion.named("orders", 1, t))).createdAt(t).policy(KeyPolicy.defaultPolicy())
        .keyNamespace("acme-hsm").build();
    KeyStateEvent e = KeyStateEvent.of(token, KeyState.ENABLED, t, "admin");
    byte[] aesInfo = java.util.Arrays.copyOf("orders".getBytes(java.nio.charset.StandardCharsets.UTF_8), 6 + 20);

    assertEquals("orders", token.keyNamePrefix());
    assertEquals(List.of("orders"), e.keyNames());
    assertTrue(e.matches(EncryptedDataKey.of("acme-hsm", aesInfo, new byte[48])));
    assertTrue(e.matches(EncryptedDataKey.of("acme-hsm", "orders", new byte[256])));
    assertFalse(e.matches(EncryptedDataKey.of("acme-hsm", "orders-2", new byte[256])));
    assertFalse(e.matches(EncryptedDataKey.of("acme-hsm", java.util.Arrays.copyOf(aesInfo, 25), new byte[48])));
    assertFalse(e.matches(EncryptedDataKey.of("other-ns", "orders", new byte[256])));
  }

  @Test
  void scheduleCancelEnableDestroy_eachNotifies() {
    try (LocalKeyStore store = builder().clock(clock).keyStateListener(events::add).create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
      store.scheduleDestruction("k", Duration.ofDays(1));
      store.cancelDestruction("k");
      store.enableKey("k");
      store.scheduleDestruction("k", Duration.ofDays(1));
      clock.advance(Duration.ofDays(1));
      store.destroyKey("k");

      assertEquals(
          List.of(KeyState.PENDING_DESTRUCTION, KeyState.DISABLED, KeyState.ENABLED, KeyState.PENDING_DESTRUCTION, KeyState.DESTROYED),
          events.stream().map(KeyStateEvent::newState).collect(java.util.stream.Collectors.toList()));
      assertFalse(events.get(2).revokesUse());
    }
  }

  @Test
  void idempotentDisable_doesNotNotifyTwice() {
    try (LocalKeyStore store = builder().keyStateListener(events::add).create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
      store.disableKey("k");
      store.disableKey("k");
      assertEquals(1, events.size());
    }
  }

  @Test
  void failingListener_othersStillNotifiedAndChangeKept() {
    try (LocalKeyStore store = builder().create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
      store.addKeyStateListener(e -> {
        throw new IllegalStateException("cache unreachable");
      });
      store.addKeyStateListener(events::add);

      KeyProviderException e = assertThrows(KeyProviderException.class, () -> store.disableKey("k"));

      assertTrue(e.getMessage().contains("DISABLED") && e.getMessage().contains("cache unreachable"), e.getMessage());
      assertEquals(1, events.size());
      assertEquals(KeyState.DISABLED, store.describeKey("k").state());
    }
  }

  /**
   * A change made through another instance is reported once, at the latest on this instance's next
   * use of the key. (A directory store hears of it only then; a PostgreSQL store's listener
   * thread may report it earlier, from the change's NOTIFY.)
   */
  @Test
  void changeByAnotherStoreInstance_isReportedOnceByTheNextUse() {
    try (LocalKeyStore watcher = builder().keyStateListener(events::add).create()) {
      watcher.createKey(CreateKeyRequest.withAlias("k"));
      byte[] blob = watcher.encrypt("k", new byte[1], EncryptionContext.empty());
      try (LocalKeyStore admin = builder().open()) {
        admin.disableKey("k");
      }

      assertThrows(KeyDisabledException.class, () -> watcher.decrypt(blob, EncryptionContext.empty()));

      assertEquals(1, events.size());
      assertEquals(KeyState.DISABLED, events.get(0).newState());
    }
  }
}
