package dev.envelope.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptionContext;
import dev.envelope.local.contract.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security review findings 4 and 15 as attacks: someone with write access to the store directory
 * but without the KEK copies back an older key file (from before a disable, a tightened policy or
 * a destruction), rolls back the manifest with it, deletes a key file, or forges a destroyed-key
 * record. Each must be refused with {@link KeyStoreIntegrityException}; restoring a whole
 * directory from one backup must keep working.
 */
class RollbackAttackTest {
  @TempDir Path tmp;

  private static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme");

  private Path dir() {
    return tmp.resolve("store");
  }

  private Path keyFile(String keyId) {
    return dir().resolve("keys").resolve(keyId + ".json");
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s.sorted()::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (!Files.isDirectory(target)) {
          // As a backup tool that keeps modes does (cp -a, tar -p).
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        } else if (!Files.isDirectory(p)) {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  private static void deleteTree(Path root) throws Exception {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }

  @Test
  void keyFileFromBeforeDisable_copiedBack_isRefused() throws Exception {
    KeyMetadata key;
    byte[] before;
    try (LocalKeyStore store = Fixtures.store(dir()).create()) {
      key = store.createKey(CreateKeyRequest.withAlias("k"));
      before = Files.readAllBytes(keyFile(key.keyId()));
      store.disableKey("k");
    }
    Files.write(keyFile(key.keyId()), before);

    try (LocalKeyStore store = Fixtures.store(dir()).open()) {
      KeyStoreIntegrityException e = assertThrows(KeyStoreIntegrityException.class,
          () -> store.encrypt("k", new byte[] {1}, CONTEXT));
      assertTrue(e.getMessage().contains("rolled back"), e.getMessage());
    }
  }

  @Test
  void keyFileCopiedBack_whileAnotherInstanceHasTheStoreOpen_isRefusedThere() throws Exception {
    try (LocalKeyStore store = Fixtures.store(dir()).create()) {
      KeyMetadata key = store.createKey(CreateKeyRequest.builder().alias("k").build());
      byte[] before = Files.readAllBytes(keyFile(key.keyId()));
      store.updatePolicy("k", KeyPolicy.builder().allow(KeyOperation.DECRYPT).build());
      assertThrows(KeyPolicyViolationException.class, () -> store.encrypt("k", new byte[] {1}, CONTEXT));

      Files.write(keyFile(key.keyId()), before);

      assertThrows(KeyStoreIntegrityException.class, () -> store.encrypt("k", new byte[] {1}, CONTEXT),
          "the wider policy must not come back");
    }
  }

  @Test
  void destroyedKey_broughtBackFromAnOldCopy_isRefused() throws Exception {
    MutableClock clock = new MutableClock();
    byte[] blob;
    try (LocalKeyStore store = Fixtures.store(dir()).clock(clock).create()) {
      KeyMetadata key = store.createKey(CreateKeyRequest.withAlias("k"));
      blob = store.encrypt("k", "secret".getBytes(StandardCharsets.UTF_8), CONTEXT);
      byte[] alive = Files.readAllBytes(keyFile(key.keyId()));
      store.scheduleDestruction("k", Duration.ofDays(7));
      clock.advance(Duration.ofDays(7));
      store.destroyKey("k");
      Files.write(keyFile(key.keyId()), alive);
    }

    try (LocalKeyStore store = Fixtures.store(dir()).clock(clock).open()) {
      assertThrows(KeyStoreIntegrityException.class, () -> store.decrypt(blob, CONTEXT));
    }
  }

  @Test
  void keysDirectoryAndManifestRolledBack_butAuditLogNewer_refusesToOpen() throws Exception {
    Path backup = tmp.resolve("backup");
    try (LocalKeyStore store = Fixtures.store(dir()).create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
      copyTree(dir().resolve("keys"), backup);
      store.disableKey("k");
    }
    // The attacker restores the keys (records and manifest together, consistent) but not the log.
    deleteTree(dir().resolve("keys"));
    copyTree(backup, dir().resolve("keys"));

    KeyStoreIntegrityException e = assertThrows(KeyStoreIntegrityException.class, () -> Fixtures.store(dir()).open());

    assertTrue(e.getMessage().contains("rolled back"), e.getMessage());
  }

  @Test
  void deletedKeyFile_isRefusedNotTreatedAsAbsent() throws Exception {
    KeyMetadata key;
    try (LocalKeyStore store = Fixtures.store(dir()).create()) {
      key = store.createKey(CreateKeyRequest.withAlias("k"));
    }
    Files.delete(keyFile(key.keyId()));

    try (LocalKeyStore store = Fixtures.store(dir()).open()) {
      KeyStoreIntegrityException e = assertThrows(KeyStoreIntegrityException.class, () -> store.describeKey(key.keyId()));
      assertTrue(e.getMessage().contains("deleted"), e.getMessage());
    }
  }

  @Test
  void forgedDestroyedRecord_cannotShadowAnAlias() throws Exception {
    MutableClock clock = new MutableClock();
    KeyMetadata victim;
    try (LocalKeyStore store = Fixtures.store(dir()).clock(clock).create()) {
      victim = store.createKey(CreateKeyRequest.withAlias("orders"));
    }
    // A destroyed record has no sealed keyset: before, nothing authenticated it. Forge one for the
    // live key, claiming it was destroyed.
    String text = Files.readString(keyFile(victim.keyId()));
    String forged = text.replace("\\\"state\\\":\\\"ENABLED\\\"", "\\\"state\\\":\\\"DESTROYED\\\"")
        .replaceAll("\"keyset\":\"[^\"]*\"", "\"keyset\":null");
    assertTrue(!forged.equals(text), "the test must change the record");
    Files.writeString(keyFile(victim.keyId()), forged);

    try (LocalKeyStore store = Fixtures.store(dir()).clock(clock).open()) {
      KeyStoreIntegrityException e = assertThrows(KeyStoreIntegrityException.class, () -> store.describeKey("orders"));
      assertTrue(e.getMessage().contains("fails authentication"), e.getMessage());
    }
  }

  @Test
  void wholeDirectoryRestoredFromOneBackup_opensAndWorks() throws Exception {
    Path backup = tmp.resolve("backup");
    byte[] blob;
    try (LocalKeyStore store = Fixtures.store(dir()).create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
      blob = store.encrypt("k", new byte[] {4, 2}, CONTEXT);
    }
    copyTree(dir(), backup);
    try (LocalKeyStore store = Fixtures.store(dir()).open()) {
      store.disableKey("k");
    }
    deleteTree(dir());
    copyTree(backup, dir());

    try (LocalKeyStore store = Fixtures.store(dir()).open()) {
      assertEquals(KeyState.ENABLED, store.describeKey("k").state(), "the backup's state, as documented");
      assertArrayEquals(new byte[] {4, 2}, store.decrypt(blob, CONTEXT).plaintext());
      assertTrue(store.verifyAuditLog().isValid());
    }
  }
}
