package dev.envelope.local.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.local.AuditVerification;
import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.local.LocalKeyring;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

public abstract class ConcurrencyContract extends StoreContract {
  private static final int THREADS = 8;
  private static final int MESSAGES_PER_THREAD = 40;
  private static final int ROTATIONS = 5;

  @Test
  void keyring_manyThreadsEncryptWhileRotating_everyMessageDecryptsAndAuditChainHolds() throws Exception {
    try (LocalKeyStore store = builder().create()) {
      store.createKey(CreateKeyRequest.withAlias("shared"));
      LocalKeyring keyring = store.keyring("shared");
      Envelope envelope = fastEnvelope(keyring);
      ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<byte[][]>>> workers = new ArrayList<>();
      try {
        for (int t = 0; t < THREADS; t++) {
          int thread = t;
          workers.add(pool.submit(() -> {
            start.await();
            List<byte[][]> out = new ArrayList<>();
            for (int i = 0; i < MESSAGES_PER_THREAD; i++) {
              byte[] plaintext = ("t" + thread + "m" + i).getBytes(StandardCharsets.UTF_8);
              EncryptionContext ctx = EncryptionContext.of("thread", Integer.toString(thread));
              byte[] message = envelope.encrypt(plaintext, ctx);
              assertArrayEquals(plaintext, envelope.decrypt(message, ctx).plaintext());
              out.add(new byte[][] {plaintext, message});
            }
            return out;
          }));
        }
        Future<?> rotator = pool.submit((Callable<Void>) () -> {
          start.await();
          for (int r = 0; r < ROTATIONS; r++) {
            store.rotateKey("shared");
            Thread.sleep(5);
          }
          return null;
        });
        start.countDown();
        rotator.get(60, TimeUnit.SECONDS);
        int total = 0;
        for (int t = 0; t < THREADS; t++) {
          for (byte[][] pair : workers.get(t).get(60, TimeUnit.SECONDS)) {
            assertArrayEquals(pair[0], envelope.decrypt(pair[1], EncryptionContext.of("thread", Integer.toString(t))).plaintext());
            total++;
          }
        }
        assertEquals(THREADS * MESSAGES_PER_THREAD, total);
      } finally {
        pool.shutdownNow();
      }
      assertEquals(ROTATIONS + 1, store.describeKey("shared").versions().size());
      AuditVerification audit = store.verifyAuditLog();
      assertTrue(audit.isValid(), audit.toString());
      // (intent + outcome) per create and rotation + (generate + decrypt) per message during the run
      // + decrypt per message after
      assertEquals(2 * (1 + ROTATIONS) + THREADS * MESSAGES_PER_THREAD * 3, audit.records());
    }
  }

  @Test
  void twoStoreInstances_concurrentChanges_keepKeysAndAuditConsistent() throws Exception {
    try (LocalKeyStore first = builder().create()) {
      first.createKey(CreateKeyRequest.withAlias("a"));
      try (LocalKeyStore second = builder().open()) {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
          Future<?> f1 = pool.submit(() -> {
            for (int i = 0; i < 20; i++) {
              first.rotateKey("a");
            }
          });
          Future<?> f2 = pool.submit(() -> {
            for (int i = 0; i < 20; i++) {
              second.rotateKey("a");
            }
          });
          f1.get(60, TimeUnit.SECONDS);
          f2.get(60, TimeUnit.SECONDS);
        } finally {
          pool.shutdownNow();
        }
        assertEquals(41, first.describeKey("a").versions().size());
        assertEquals(41, second.describeKey("a").primaryVersion());
        AuditVerification audit = first.verifyAuditLog();
        assertTrue(audit.isValid(), audit.toString());
        assertEquals(2 * 41, audit.records(), "an intent and an outcome per change");
      }
    }
  }

  @Test
  void interruptedThread_doesNotBreakTheStoreForOtherThreads() throws Exception {
    try (LocalKeyStore store = builder().create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
      Thread t = new Thread(() -> {
        Thread.currentThread().interrupt();
        try {
          store.encrypt("k", new byte[1], EncryptionContext.empty());
        } catch (RuntimeException expected) {
          // an interrupted thread may fail its own operation
        }
      });
      t.start();
      t.join();

      byte[] blob = store.encrypt("k", new byte[] {3}, EncryptionContext.empty());

      assertArrayEquals(new byte[] {3}, store.decrypt(blob, EncryptionContext.empty()).plaintext());
      assertTrue(store.verifyAuditLog().isValid());
    }
  }
}
