package dev.envelope.pkcs11;

import static dev.envelope.pkcs11.Pkcs11TestTokens.AES_KEY;
import static dev.envelope.pkcs11.Pkcs11TestTokens.RSA_KEY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.Keyring;
import dev.envelope.keyring.RsaPadding;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * One {@link Pkcs11Keyring} shared by several threads that encrypt and decrypt at the same time:
 * SunPKCS11 pools token sessions, and the keyring gives every operation its own cipher. Every
 * message is checked, and every operation must succeed.
 */
class Pkcs11KeyringConcurrencyTest {
  private static final int THREADS = 8;

  private final Pkcs11TestTokens tokens = Pkcs11TestTokens.get();

  @Test
  void aesKeyring_manyThreadsEncryptingAndDecrypting_allMessagesRoundTrip() throws Exception {
    Keyring keyring = Pkcs11Keyring.builder().token(tokens.main()).keyNamespace("concurrency").keyLabel(AES_KEY).build();

    assertAllRoundTrip(keyring, /* perThread= */ 40);
  }

  @Test
  void rsaOaepKeyring_manyThreadsEncryptingAndDecrypting_allMessagesRoundTrip() throws Exception {
    Keyring keyring = Pkcs11Keyring.builder().token(tokens.main()).keyNamespace("concurrency").keyLabel(RSA_KEY)
        .rsaPadding(RsaPadding.OAEP_SHA256_MGF1).build();

    assertAllRoundTrip(keyring, /* perThread= */ 8);
  }

  private static void assertAllRoundTrip(Keyring keyring, int perThread) throws Exception {
    Envelope envelope = Envelope.builder().keyring(keyring).build();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger successes = new AtomicInteger();
    Map<String, byte[]> messages = new ConcurrentHashMap<>();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < perThread; i++) {
            String id = thread + "-" + i;
            EncryptionContext context = EncryptionContext.of("message", id);
            byte[] plaintext = ("message " + id).getBytes(StandardCharsets.UTF_8);
            byte[] message = envelope.encrypt(plaintext, context);
            assertArrayEquals(plaintext, envelope.decrypt(message, context).plaintext());
            messages.put(id, message);
            successes.incrementAndGet();
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS); // rethrows any thread's failure
      }
    } finally {
      pool.shutdownNow();
    }

    assertEquals(THREADS * perThread, successes.get());
    assertEquals(THREADS * perThread, messages.size());
    // Every message, decrypted again afterwards on one thread, still opens to its own plaintext.
    for (Map.Entry<String, byte[]> e : messages.entrySet()) {
      byte[] plaintext = envelope.decrypt(e.getValue(), EncryptionContext.of("message", e.getKey())).plaintext();
      assertTrue(new String(plaintext, StandardCharsets.UTF_8).equals("message " + e.getKey()));
    }
  }
}
