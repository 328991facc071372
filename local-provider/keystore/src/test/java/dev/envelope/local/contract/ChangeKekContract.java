package dev.envelope.local.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptionContext;
import dev.envelope.keyring.RawAesKeyring;
import dev.envelope.local.AuditEvent;
import dev.envelope.local.AuditOutcome;
import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.KekSource;
import dev.envelope.local.KeyMetadata;
import dev.envelope.local.KeyOperation;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.local.PassphraseKdfParameters;
import dev.envelope.local.WrongKekException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

public abstract class ChangeKekContract extends StoreContract {
  private static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme");

  private static KekSource newPassphrase() {
    return KekSource.passphrase("a brand new passphrase".toCharArray(), PassphraseKdfParameters.insecureForTests());
  }

  @Test
  void changeKek_newPassphraseOpens_oldFails_keysStatesAndAuditKept() {
    MutableClock clock = new MutableClock();
    List<AuditEvent> events = new ArrayList<>();
    byte[] message;
    byte[] blob;
    KeyMetadata destroyed;
    try (LocalKeyStore store = builder().clock(clock).auditListener(events::add).create()) {
      store.createKey(CreateKeyRequest.withAlias("live"));
      store.rotateKey("live");
      message = envelope(store.keyring("live")).encrypt(new byte[] {1, 2}, CONTEXT);
      blob = store.encrypt("live", new byte[] {3}, CONTEXT);
      store.createKey(CreateKeyRequest.withAlias("gone"));
      store.scheduleDestruction("gone", Duration.ofDays(1));
      clock.advance(Duration.ofDays(1));
      destroyed = store.destroyKey("gone");

      store.changeKek(newPassphrase());

      assertThrows(IllegalStateException.class, store::listKeys, "the store is closed after a KEK change");
    }
    assertEquals(List.of(AuditOutcome.INTENT, AuditOutcome.SUCCESS), events.stream()
        .filter(e -> e.operation() == KeyOperation.CHANGE_KEK).map(AuditEvent::outcome).collect(Collectors.toList()));

    assertThrows(WrongKekException.class, () -> builder().open());
    try (LocalKeyStore store = home.builder().kek(newPassphrase()).open()) {
      assertArrayEquals(new byte[] {1, 2}, envelope(store.keyring("live")).decrypt(message, CONTEXT).plaintext());
      assertArrayEquals(new byte[] {3}, store.decrypt(blob, CONTEXT).plaintext());
      assertEquals(2, store.describeKey("live").versions().size());
      assertEquals(destroyed, store.describeKey("gone"));
      assertTrue(store.verifyAuditLog().isValid());
    }
  }

  @Test
  void changeKek_toKeyringKek_works() {
    try (LocalKeyStore store = builder().create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
      RawAesKeyring kms = RawAesKeyring.builder().keyNamespace("fake-kms").keyName("kek").wrappingKey(new byte[32]).build();
      byte[] blob = store.encrypt("k", new byte[] {8}, CONTEXT);

      store.changeKek(KekSource.keyring(kms));

      try (LocalKeyStore reopened = home.builder().kek(KekSource.keyring(kms)).open()) {
        assertArrayEquals(new byte[] {8}, reopened.decrypt(blob, CONTEXT).plaintext());
      }
    }
  }
}
