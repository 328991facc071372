package dev.envelope.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptionContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security review finding 1 as an attack: opens racing KEK changes. Before the fix, an open that
 * read store.json before a KEK change and took the lock after it recreated the old keys directory
 * and deleted the one the change had just made current, losing every key. Here one thread changes
 * the passphrase back and forth while others keep opening the store (with whichever passphrase is
 * current) and using its keys; at the end every key and every blob must still be there.
 */
class KekRaceAttackTest {
  @TempDir Path dir;

  private static final EncryptionContext CONTEXT = EncryptionContext.of("race", "kek");
  private static final String[] PASSPHRASES = {"first passphrase of the race", "second passphrase of the race"};
  private static final int CHANGES = 12;
  private static final int OPENERS = 3;

  private static KekSource passphrase(int i) {
    return KekSource.passphrase(PASSPHRASES[i % 2].toCharArray(), PassphraseKdfParameters.insecureForTests());
  }

  /** Opens with whichever passphrase the store has now. */
  private LocalKeyStore openCurrent() {
    for (int attempt = 0; ; attempt++) {
      try {
        return LocalKeyStore.builder(dir).kek(passphrase(attempt)).open();
      } catch (WrongKekException e) {
        if (attempt > 200) {
          throw e;
        }
      }
    }
  }

  @Test
  void open_racingKekChanges_neverLosesAKey() throws Exception {
    List<String> aliases = List.of("orders", "billing", "audit");
    List<byte[]> blobs = new ArrayList<>();
    try (LocalKeyStore store = LocalKeyStore.builder(dir).kek(passphrase(0)).create()) {
      for (String alias : aliases) {
        store.createKey(CreateKeyRequest.withAlias(alias));
        blobs.add(store.encrypt(alias, alias.getBytes(java.nio.charset.StandardCharsets.UTF_8), CONTEXT));
      }
    }
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger opens = new AtomicInteger();
    AtomicInteger staleRefusals = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(OPENERS + 1);
    try {
      Future<?> changer = pool.submit(() -> {
        try {
          for (int i = 0; i < CHANGES; i++) {
            try (LocalKeyStore store = LocalKeyStore.builder(dir).kek(passphrase(i)).open()) {
              store.changeKek(passphrase(i + 1));
            }
          }
        } finally {
          done.set(true);
        }
        return null;
      });
      List<Future<?>> openers = new ArrayList<>();
      for (int t = 0; t < OPENERS; t++) {
        openers.add(pool.submit(() -> {
          while (!done.get()) {
            try (LocalKeyStore store = openCurrent()) {
              opens.incrementAndGet();
              for (String alias : aliases) {
                store.describeKey(alias);
              }
            } catch (WrongKekException changedMeanwhile) {
              // The instance was opened just before a KEK change: it must refuse, not act.
              staleRefusals.incrementAndGet();
            }
          }
          return null;
        }));
      }
      changer.get(120, TimeUnit.SECONDS);
      for (Future<?> f : openers) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertTrue(opens.get() > 0, "the openers never got in");
    try (LocalKeyStore store = LocalKeyStore.builder(dir).kek(passphrase(CHANGES)).open()) {
      assertEquals(aliases.size(), store.listKeys().size(), "every key survives");
      for (int i = 0; i < aliases.size(); i++) {
        assertArrayEquals(aliases.get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8),
            store.decrypt(blobs.get(i), CONTEXT).plaintext());
      }
      assertTrue(store.verifyAuditLog().isValid());
    }
    try (Stream<Path> entries = Files.list(dir)) {
      assertEquals(1, entries.filter(p -> p.getFileName().toString().startsWith("keys")).count(),
          "exactly one keys directory is left");
    }
  }
}
