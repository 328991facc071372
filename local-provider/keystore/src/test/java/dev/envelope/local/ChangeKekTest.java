package dev.envelope.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptionContext;
import dev.envelope.local.contract.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChangeKekTest {
  @TempDir Path dir;

  private static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme");

  private static KekSource newPassphrase() {
    return KekSource.passphrase("a brand new passphrase".toCharArray(), PassphraseKdfParameters.insecureForTests());
  }

  private List<String> entries() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void changeKek_newPassphraseOpens_oldFails_keysAndStatesKept() throws Exception {
    MutableClock clock = new MutableClock();
    byte[] message;
    byte[] blob;
    KeyMetadata destroyed;
    try (LocalKeyStore store = Fixtures.store(dir).clock(clock).create()) {
      store.createKey(CreateKeyRequest.withAlias("live"));
      store.rotateKey("live");
      message = Fixtures.envelope(store.keyring("live")).encrypt(new byte[] {1, 2}, CONTEXT);
      blob = store.encrypt("live", new byte[] {3}, CONTEXT);
      store.createKey(CreateKeyRequest.withAlias("gone"));
      store.scheduleDestruction("gone", Duration.ofDays(1));
      clock.advance(Duration.ofDays(1));
      destroyed = store.destroyKey("gone");

      store.changeKek(newPassphrase());

      assertThrows(IllegalStateException.class, store::listKeys, "the store is closed after a KEK change");
    }

    assertThrows(WrongKekException.class, () -> Fixtures.store(dir).open());
    try (LocalKeyStore store = LocalKeyStore.builder(dir).kek(newPassphrase()).open()) {
      assertArrayEquals(new byte[] {1, 2}, Fixtures.envelope(store.keyring("live")).decrypt(message, CONTEXT).plaintext());
      assertArrayEquals(new byte[] {3}, store.decrypt(blob, CONTEXT).plaintext());
      assertEquals(2, store.describeKey("live").versions().size());
      assertEquals(destroyed, store.describeKey("gone"));
      assertTrue(store.verifyAuditLog().isValid());
      List<String> log = Files.readAllLines(store.auditLogFile());
      assertEquals(1, log.stream().filter(l -> l.contains("\"operation\":\"CHANGE_KEK\",\"outcome\":\"SUCCESS\"")).count());
      assertEquals(1, log.stream().filter(l -> l.contains("\"operation\":\"CHANGE_KEK\",\"outcome\":\"INTENT\"")).count());
    }
    List<String> entries = entries();
    assertFalse(entries.contains("keys"), "the old keys directory is deleted: " + entries);
    assertEquals(1, entries.stream().filter(n -> n.startsWith("keys-")).count(), entries.toString());
  }

  @Test
  void open_leftoverKeysDirectoryOfInterruptedChange_isDeletedAndStoreIntact() throws Exception {
    byte[] blob;
    try (LocalKeyStore store = Fixtures.store(dir).create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
      blob = store.encrypt("k", new byte[] {5}, CONTEXT);
    }
    // A KEK change killed before it switched store.json leaves a half-filled staging directory.
    Path staging = Files.createDirectory(dir.resolve("keys-0f8fad5b-d9cb-469f-a165-70867728950e"));
    Files.writeString(staging.resolve("partial.json"), "{");

    try (LocalKeyStore store = Fixtures.store(dir).open()) {
      assertArrayEquals(new byte[] {5}, store.decrypt(blob, CONTEXT).plaintext());
    }
    assertFalse(Files.exists(staging));
  }
}
