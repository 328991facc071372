package dev.envelope.kms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.AlgorithmSuite;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.cache.CachingMaterialsManager;
import dev.envelope.localkms.KmsOperation;
import dev.envelope.localkms.LocalKmsServer;
import dev.envelope.localkms.junit.LocalKms;
import dev.envelope.localkms.junit.LocalKmsExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The caching materials manager in front of a KMS keyring: KMS calls drop to what the cache
 * limits allow, counted by the endpoint. 1,000 messages with a limit of 100 messages per data key
 * make 10 GenerateDataKey calls instead of 1,000.
 */
class KmsCachingTest {
  @RegisterExtension
  static final LocalKmsExtension KMS = new LocalKmsExtension();

  private static final int MESSAGES = 1000;
  private static final int MESSAGE_LIMIT = 100;
  private static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme");

  private static TestKms clients;
  private static String key;

  @BeforeAll
  static void start(LocalKms kms) {
    clients = new TestKms(kms);
    key = kms.createKey();
  }

  @AfterAll
  static void stop() {
    clients.close();
  }

  private static CachingMaterialsManager cached() {
    return CachingMaterialsManager.builder()
        .keyring(KmsKeyring.builder().generatorKey(key).clientSupplier(clients.supplier()).build())
        .maxAge(Duration.ofMinutes(10))
        .messageUseLimit(MESSAGE_LIMIT)
        .build();
  }

  @Test
  void encryptDecrypt_1000MessagesAtLimit100_makeAtMost10KmsCallsEach(LocalKmsServer server) {
    // 0x0478 (unsigned) keeps 2,000 messages fast; the cache treats every HKDF suite alike.
    Envelope envelope = Envelope.builder().materialsManager(cached())
        .algorithmSuite(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY).build();
    List<byte[]> messages = new ArrayList<>(MESSAGES);
    for (int i = 0; i < MESSAGES; i++) {
      messages.add(envelope.encrypt(("message " + i).getBytes(StandardCharsets.UTF_8), CONTEXT));
    }
    long generated = server.callCount(KmsOperation.GENERATE_DATA_KEY);
    for (int i = 0; i < MESSAGES; i++) {
      assertArrayEquals(("message " + i).getBytes(StandardCharsets.UTF_8),
          envelope.decrypt(messages.get(i), CONTEXT).plaintext());
    }
    long decrypted = server.callCount(KmsOperation.DECRYPT);
    System.out.println("KmsCachingTest: " + MESSAGES + " messages, message limit " + MESSAGE_LIMIT
        + ": GenerateDataKey calls = " + generated + ", Decrypt calls = " + decrypted);
    assertTrue(generated <= MESSAGES / MESSAGE_LIMIT, "GenerateDataKey calls: " + generated);
    assertEquals(MESSAGES / MESSAGE_LIMIT, generated);
    assertEquals(0, server.callCount(KmsOperation.ENCRYPT));
    assertTrue(decrypted <= MESSAGES / MESSAGE_LIMIT, "Decrypt calls: " + decrypted);
  }

  @Test
  void encrypt_withoutCache_callsKmsForEveryMessage(LocalKmsServer server) {
    Envelope envelope = Envelope.builder()
        .keyring(KmsKeyring.builder().generatorKey(key).clientSupplier(clients.supplier()).build()).build();
    for (int i = 0; i < 50; i++) {
      envelope.encrypt(new byte[] {(byte) i}, CONTEXT);
    }
    assertEquals(50, server.callCount(KmsOperation.GENERATE_DATA_KEY));
  }
}
