package dev.envelope.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.NoMatchingKeyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The smaller findings of issue 11: a safer library API and errors that say what to do. */
class SaferApiTest {
  @TempDir Path tmp;

  @Test
  void create_passphraseUnderEightCharacters_isRefused() {
    KekSource weak = KekSource.passphrase("hunter2".toCharArray(), PassphraseKdfParameters.insecureForTests());

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LocalKeyStore.builder(tmp.resolve("s")).kek(weak).create());

    assertTrue(e.getMessage().contains("at least 8 characters"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("s").resolve("store.json")));
  }

  @Test
  void changeKek_toPassphraseUnderEightCharacters_isRefusedAndTheStoreStaysUsable() {
    Path dir = tmp.resolve("s");
    try (LocalKeyStore store = Fixtures.store(dir).create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
      assertThrows(IllegalArgumentException.class,
          () -> store.changeKek(KekSource.passphrase("short".toCharArray(), PassphraseKdfParameters.insecureForTests())));
    }
    try (LocalKeyStore store = Fixtures.store(dir).open()) {
      assertEquals("k", store.describeKey("k").alias().orElseThrow());
    }
  }

  @Test
  void open_storeFileAskingForFourGibTimesSixtyFourPasses_failsBeforeRunningTheKdf() throws Exception {
    Path dir = tmp.resolve("s");
    Fixtures.store(dir).create().close();
    Path storeFile = dir.resolve("store.json");
    JsonObject store = JsonParser.parseString(Files.readString(storeFile)).getAsJsonObject();
    store.getAsJsonObject("kek").addProperty("memoryKib", 4 * 1024 * 1024);
    store.getAsJsonObject("kek").addProperty("iterations", 64);
    Files.writeString(storeFile, store.toString());

    KeyStoreIntegrityException e = assertThrows(KeyStoreIntegrityException.class, () -> Fixtures.store(dir).open());

    assertTrue(e.getMessage().contains("Argon2"), e.getMessage());
  }

  @Test
  void kdfParameters_moreThanTheWorkBound_areRejected() {
    assertThrows(IllegalArgumentException.class, () -> PassphraseKdfParameters.of(1024 * 1024, 64, 1));
    assertEquals(64, PassphraseKdfParameters.of(64 * 1024, 64, 1).iterations());
  }

  @Test
  void createKeyIfAbsent_manyInstancesAtOnce_createExactlyOneKey() throws Exception {
    Path dir = tmp.resolve("s");
    Fixtures.store(dir).create().close();
    int callers = 6;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<String>> ids = new ArrayList<>();
    try {
      for (int i = 0; i < callers; i++) {
        ids.add(pool.submit(() -> {
          // Each caller opens its own instance, as separate processes would.
          try (LocalKeyStore store = Fixtures.store(dir).open()) {
            start.await();
            return store.createKeyIfAbsent(CreateKeyRequest.withAlias("orders")).keyId();
          }
        }));
      }
      start.countDown();
      Set<String> distinct = new HashSet<>();
      for (Future<String> f : ids) {
        distinct.add(f.get(60, TimeUnit.SECONDS));
      }
      assertEquals(1, distinct.size(), distinct.toString());
    } finally {
      pool.shutdownNow();
    }
    try (LocalKeyStore store = Fixtures.store(dir).open()) {
      assertEquals(1, store.listKeys().size());
    }
  }

  @Test
  void createKeyIfAbsent_withoutAlias_isRejected() {
    try (LocalKeyStore store = Fixtures.store(tmp.resolve("s")).create()) {
      assertThrows(IllegalArgumentException.class, () -> store.createKeyIfAbsent(CreateKeyRequest.builder().build()));
    }
  }

  @Test
  void decrypt_messageFromAnotherStore_namesStoreKeyAndVersionNeeded() {
    byte[] message;
    String otherKey;
    try (LocalKeyStore other = Fixtures.store(tmp.resolve("other")).create()) {
      otherKey = other.createKey(CreateKeyRequest.withAlias("orders")).keyId();
      message = Fixtures.envelope(other.keyring("orders")).encrypt(new byte[] {1}, EncryptionContext.empty());
    }
    try (LocalKeyStore mine = Fixtures.store(tmp.resolve("mine")).create()) {
      mine.createKey(CreateKeyRequest.withAlias("orders"));
      Envelope envelope = Fixtures.envelope(mine.keyring("orders"));

      NoMatchingKeyException e =
          assertThrows(NoMatchingKeyException.class, () -> envelope.decrypt(message, EncryptionContext.empty()));

      assertTrue(e.getMessage().contains(mine.storeId()), e.getMessage());
      assertTrue(e.getMessage().contains(otherKey + " version 1"), e.getMessage());
      assertTrue(e.getMessage().contains("another key store"), e.getMessage());
    }
  }
}
