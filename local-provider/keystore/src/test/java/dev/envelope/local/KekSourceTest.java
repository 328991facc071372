package dev.envelope.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.envelope.EncryptionContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KekSourceTest {
  @TempDir Path dir;

  private static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme");

  /** Creates a store under {@code kek} with one key and one blob; reopens it under {@code reopen}. */
  private void roundTrip(KekSource kek, KekSource reopen) {
    byte[] blob;
    try (LocalKeyStore store = LocalKeyStore.builder(dir).kek(kek).create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
      blob = store.encrypt("k", new byte[] {4, 2}, CONTEXT);
    }
    try (LocalKeyStore store = LocalKeyStore.builder(dir).kek(reopen).open()) {
      assertArrayEquals(new byte[] {4, 2}, store.decrypt(blob, CONTEXT).plaintext());
    }
  }

  @Test
  void passphrase_parametersRecordedInStore_notTakenFromCaller() throws Exception {
    PassphraseKdfParameters custom = PassphraseKdfParameters.of(128, 2, 2);
    LocalKeyStore.builder(dir).kek(KekSource.passphrase(Fixtures.PASSPHRASE.toCharArray(), custom)).create().close();
    JsonObject kek = JsonParser.parseString(Files.readString(dir.resolve("store.json"))).getAsJsonObject().getAsJsonObject("kek");
    assertEquals("argon2id", kek.get("kdf").getAsString());
    assertEquals(128, kek.get("memoryKib").getAsInt());
    assertEquals(2, kek.get("iterations").getAsInt());
    assertEquals(2, kek.get("parallelism").getAsInt());
    assertEquals(16, java.util.Base64.getDecoder().decode(kek.get("salt").getAsString()).length);

    // Opening with other (default) parameters still uses the recorded ones.
    LocalKeyStore.builder(dir).kek(KekSource.passphrase(Fixtures.PASSPHRASE.toCharArray())).open().close();
  }

  @Test
  void passphrase_defaultParameters_createAndOpen() throws Exception {
    // The one test that pays for real Argon2id cost (64 MiB, t=3, p=4), to prove the defaults work.
    KekSource kek = KekSource.passphrase(Fixtures.PASSPHRASE.toCharArray());
    roundTrip(kek, KekSource.passphrase(Fixtures.PASSPHRASE.toCharArray()));
    JsonObject recorded = JsonParser.parseString(Files.readString(dir.resolve("store.json"))).getAsJsonObject().getAsJsonObject("kek");
    assertEquals(65536, recorded.get("memoryKib").getAsInt());
    assertEquals(3, recorded.get("iterations").getAsInt());
    assertEquals(4, recorded.get("parallelism").getAsInt());
  }

  @Test
  void passphrase_tamperedKdfParameters_failsBeforeRunningKdf() throws Exception {
    Fixtures.store(dir).create().close();
    Path storeFile = dir.resolve("store.json");
    JsonObject store = JsonParser.parseString(Files.readString(storeFile)).getAsJsonObject();
    store.getAsJsonObject("kek").addProperty("memoryKib", Integer.MAX_VALUE);
    Files.writeString(storeFile, store.toString());

    KeyStoreIntegrityException e = assertThrows(KeyStoreIntegrityException.class, () -> Fixtures.store(dir).open());
    assertTrue(e.getMessage().contains("Argon2"), e.getMessage());
  }

  @Test
  void passphrase_empty_isRejected() {
    assertThrows(IllegalArgumentException.class, () -> KekSource.passphrase(new char[0]));
  }

  @Test
  void kdfParameters_outOfRange_areRejected() {
    assertThrows(IllegalArgumentException.class, () -> PassphraseKdfParameters.of(7, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> PassphraseKdfParameters.of(64, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> PassphraseKdfParameters.of(64, 1, 65));
  }

  @Test
  void tamperedKeyMetadata_makesKeyUnreadable() throws Exception {
    KeyMetadata key;
    try (LocalKeyStore store = Fixtures.store(dir).create()) {
      key = store.createKey(CreateKeyRequest.builder().alias("k")
          .policy(KeyPolicy.builder().allow(KeyOperation.ENCRYPT).build()).build());
    }
    // An attacker with write access widens the policy to allow decryption.
    Path file = dir.resolve("keys").resolve(key.keyId() + ".json");
    String text = Files.readString(file, StandardCharsets.UTF_8);
    Files.writeString(file, text.replace("[\\\"ENCRYPT\\\"]", "[\\\"ENCRYPT\\\",\\\"DECRYPT\\\"]"));
    assertTrue(!text.equals(Files.readString(file)), "the test must have changed the file");

    try (LocalKeyStore store = Fixtures.store(dir).open()) {
      KeyStoreIntegrityException e = assertThrows(KeyStoreIntegrityException.class, () -> store.describeKey("k"));
      assertTrue(e.getMessage().contains("fails authentication"), e.getMessage());
    }
  }

  @Test
  void keyFileCopiedFromAnotherStore_isRejected() throws Exception {
    Path other = dir.resolve("other");
    KeyMetadata key;
    try (LocalKeyStore store = Fixtures.store(other).create()) {
      key = store.createKey(CreateKeyRequest.builder().build());
    }
    Path mine = dir.resolve("mine");
    Fixtures.store(mine).create().close();
    Files.copy(other.resolve("keys").resolve(key.keyId() + ".json"), mine.resolve("keys").resolve(key.keyId() + ".json"));

    try (LocalKeyStore store = Fixtures.store(mine).open()) {
      assertThrows(KeyStoreIntegrityException.class, () -> store.describeKey(key.keyId()));
    }
  }

}
