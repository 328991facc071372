package dev.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.envelope.testing.Messages;
import dev.envelope.testing.TestKeys;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One {@link Envelope} shared by several threads, as its Javadoc allows. */
class EnvelopeConcurrencyTest {
  @Test
  void encryptDecrypt_sharedEnvelopeManyThreads_everyMessageRoundTrips() throws Exception {
    Envelope envelope =
        Messages.envelope(TestKeys.aes256Keyring(), AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384, 512);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        results.add(
            pool.submit(
                () -> {
                  int done = 0;
                  for (int i = 0; i < 24; i++) {
                    // Every eighth message is large enough for the multi-threaded frame path.
                    byte[] plaintext = Messages.plaintext(i % 8 == 7 ? 600_000 + thread : i * 97 + thread);
                    EncryptionContext context = EncryptionContext.of("thread", "t" + thread, "i", "n" + i);
                    byte[] message = envelope.encrypt(plaintext, context);
                    assertArrayEquals(plaintext, envelope.decrypt(message, context).plaintext());
                    assertArrayEquals(
                        plaintext, Messages.decryptStreaming(envelope, new ByteArrayInputStream(message), context));
                    done++;
                  }
                  return done;
                }));
      }
      for (Future<Integer> result : results) {
        assertEquals(24, result.get(120, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
