package dev.envelope.local.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.NoMatchingKeyException;
import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.KekSource;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.local.PassphraseKdfParameters;
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

/** The smaller findings of issue 11: a safer library API and errors that say what to do. */
/** Store-wide calls: createKeyIfAbsent, KEK strength on change, messages naming another store. */
public abstract class StoreApiContract extends StoreContract {
  @Test
  void changeKek_toPassphraseUnderEightCharacters_isRefusedAndTheStoreStaysUsable() {
    try (LocalKeyStore store = builder().create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
      assertThrows(IllegalArgumentException.class,
          () -> store.changeKek(KekSource.passphrase("short".toCharArray(), PassphraseKdfParameters.insecureForTests())));
    }
    try (LocalKeyStore store = builder().open()) {
      assertEquals("k", store.describeKey("k").alias().orElseThrow());
    }
  }

  @Test
  void createKeyIfAbsent_manyInstancesAtOnce_createExactlyOneKey() throws Exception {
    builder().create().close();
    int callers = 6;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<String>> ids = new ArrayList<>();
    try {
      for (int i = 0; i < callers; i++) {
        ids.add(pool.submit(() -> {
          // Each caller opens its own instance, as separate processes would.
          try (LocalKeyStore store = builder().open()) {
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
    try (LocalKeyStore store = builder().open()) {
      assertEquals(1, store.listKeys().size());
    }
  }

  @Test
  void createKeyIfAbsent_withoutAlias_isRejected() {
    try (LocalKeyStore store = builder().create()) {
      assertThrows(IllegalArgumentException.class, () -> store.createKeyIfAbsent(CreateKeyRequest.builder().build()));
    }
  }

  @Test
  void decrypt_messageFromAnotherStore_namesStoreKeyAndVersionNeeded() {
    byte[] message;
    String otherKey;
    try (LocalKeyStore other = anotherHome().builder().kek(kek()).create()) {
      otherKey = other.createKey(CreateKeyRequest.withAlias("orders")).keyId();
      message = envelope(other.keyring("orders")).encrypt(new byte[] {1}, EncryptionContext.empty());
    }
    try (LocalKeyStore mine = builder().create()) {
      mine.createKey(CreateKeyRequest.withAlias("orders"));
      Envelope envelope = envelope(mine.keyring("orders"));

      NoMatchingKeyException e =
          assertThrows(NoMatchingKeyException.class, () -> envelope.decrypt(message, EncryptionContext.empty()));

      assertTrue(e.getMessage().contains(mine.storeId()), e.getMessage());
      assertTrue(e.getMessage().contains(otherKey + " version 1"), e.getMessage());
      assertTrue(e.getMessage().contains("another key store"), e.getMessage());
    }
  }
}
