package dev.envelope.local.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptionContext;
import dev.envelope.KeyProviderException;
import dev.envelope.local.AuditEvent;
import dev.envelope.local.AuditOutcome;
import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.KeyManager;
import dev.envelope.local.KeyMetadata;
import dev.envelope.local.KeyOperation;
import dev.envelope.local.KeyState;
import dev.envelope.local.KeyStateException;
import dev.envelope.local.LocalKeyStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 3: a per-key minimum decryption version (as Vault's {@code
 * min_decryption_version}), kept in the key file's authenticated metadata.
 */
public abstract class MinDecryptionVersionContract extends StoreContract {
  private static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme");

  private static byte[] encrypt(LocalKeyStore store, String text) {
    return envelope(store.keyring("k")).encrypt(text.getBytes(StandardCharsets.UTF_8), CONTEXT);
  }

  private static String decrypt(LocalKeyStore store, byte[] message) {
    return new String(envelope(store.keyring("k")).decrypt(message, CONTEXT).plaintext(), StandardCharsets.UTF_8);
  }

  private static KeyStateException stateRefusal(LocalKeyStore store, byte[] message) {
    RuntimeException e = assertThrows(RuntimeException.class, () -> decrypt(store, message));
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof KeyStateException) {
        return (KeyStateException) t;
      }
    }
    throw new AssertionError("expected a KeyStateException, got " + e, e);
  }

  @Test
  void newKey_minDecryptionVersion_isOne() {
    try (LocalKeyStore store = builder().create()) {
      assertEquals(1, store.createKey(CreateKeyRequest.withAlias("k")).minDecryptionVersion());
      assertEquals(1, store.describeKey("k").minDecryptionVersion());
    }
  }

  @Test
  void belowMinimum_refusedWithKeyStateNamingKeyVersionAndMinimum_atAndAboveStillDecrypt() {
    try (LocalKeyStore store = builder().create()) {
      KeyMetadata key = store.createKey(CreateKeyRequest.withAlias("k"));
      byte[] v1 = encrypt(store, "one");
      store.rotateKey("k");
      byte[] v2 = encrypt(store, "two");
      store.rotateKey("k");
      byte[] v3 = encrypt(store, "three");

      KeyMetadata md = store.setMinDecryptionVersion("k", 2);

      assertEquals(2, md.minDecryptionVersion());
      assertEquals(KeyState.ENABLED, md.state());
      KeyStateException e = stateRefusal(store, v1);
      assertEquals(key.keyId(), e.keyId());
      assertEquals(KeyProviderException.Reason.KEY_INVALID_STATE, e.reason());
      assertTrue(e.getMessage().contains(key.keyId()), e.getMessage());
      assertTrue(e.getMessage().contains("version 1"), e.getMessage());
      assertTrue(e.getMessage().contains("minimum decryption version is 2"), e.getMessage());
      assertTrue(e.getMessage().contains("setMinDecryptionVersion"), e.getMessage());
      assertEquals("two", decrypt(store, v2));
      assertEquals("three", decrypt(store, v3));
      byte[] v3b = encrypt(store, "new");
      assertEquals("new", decrypt(store, v3b));
    }
  }

  @Test
  void lowering_restoresDecryption() {
    try (LocalKeyStore store = builder().create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
      byte[] v1 = encrypt(store, "one");
      store.rotateKey("k");
      store.setMinDecryptionVersion("k", 2);
      stateRefusal(store, v1);

      assertEquals(1, store.setMinDecryptionVersion("k", 1).minDecryptionVersion());

      assertEquals("one", decrypt(store, v1));
    }
  }

  @Test
  void outOfRange_isRejected_andNothingChanges() {
    try (LocalKeyStore store = builder().create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
      store.rotateKey("k");
      IllegalArgumentException high = assertThrows(IllegalArgumentException.class, () -> store.setMinDecryptionVersion("k", 3));
      assertTrue(high.getMessage().contains("primary version 2"), high.getMessage());
      assertThrows(IllegalArgumentException.class, () -> store.setMinDecryptionVersion("k", 0));
      assertThrows(IllegalArgumentException.class, () -> store.setMinDecryptionVersion("k", -1));
      assertEquals(1, store.describeKey("k").minDecryptionVersion());
    }
  }

  @Test
  void destroyedKey_refusesTheChange() {
    MutableClock clock = new MutableClock();
    try (LocalKeyStore store = builder().clock(clock).create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
      store.scheduleDestruction("k", KeyManager.MIN_DESTRUCTION_WAIT);
      clock.advance(KeyManager.MIN_DESTRUCTION_WAIT);
      store.destroyKey("k");
      assertThrows(KeyStateException.class, () -> store.setMinDecryptionVersion("k", 1));
    }
  }

  @Test
  void minimum_persistsAcrossReopen() {
    byte[] v1;
    byte[] v2;
    try (LocalKeyStore store = builder().create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
      v1 = encrypt(store, "one");
      store.rotateKey("k");
      v2 = encrypt(store, "two");
      store.setMinDecryptionVersion("k", 2);
    }
    try (LocalKeyStore store = builder().open()) {
      assertEquals(2, store.describeKey("k").minDecryptionVersion());
      stateRefusal(store, v1);
      assertEquals("two", decrypt(store, v2));
    }
  }

  @Test
  void raisingAndLowering_areAuditedWithIntentAndOutcome_andRefusalsAreAuditedAsDenied() {
    List<AuditEvent> events = new ArrayList<>();
    try (LocalKeyStore store = builder().auditListener(events::add).create()) {
      KeyMetadata key = store.createKey(CreateKeyRequest.withAlias("k"));
      byte[] v1 = encrypt(store, "one");
      store.rotateKey("k");
      events.clear();

      store.setMinDecryptionVersion("k", 2);
      stateRefusal(store, v1);
      store.setMinDecryptionVersion("k", 1);

      assertEquals(AuditOutcome.INTENT, events.get(0).outcome());
      assertEquals(KeyOperation.UPDATE_POLICY, events.get(0).operation());
      assertTrue(events.get(0).detail().contains("minimum decryption version 2"), events.get(0).detail());
      assertEquals(AuditOutcome.SUCCESS, events.get(1).outcome());
      assertEquals(KeyOperation.UPDATE_POLICY, events.get(1).operation());
      AuditEvent denied = events.stream().filter(ev -> ev.outcome() == AuditOutcome.DENIED).findFirst().orElseThrow();
      assertEquals(KeyOperation.DECRYPT, denied.operation());
      assertEquals(1, denied.keyVersion().getAsInt());
      assertEquals(key.keyId(), denied.keyId().orElseThrow());
      AuditEvent lowerIntent = events.get(events.size() - 2);
      assertEquals(AuditOutcome.INTENT, lowerIntent.outcome());
      assertTrue(lowerIntent.detail().contains("minimum decryption version 1"), lowerIntent.detail());
      assertEquals(AuditOutcome.SUCCESS, events.get(events.size() - 1).outcome());
      assertEquals(KeyOperation.UPDATE_POLICY, events.get(events.size() - 1).operation());
    }
  }
}
