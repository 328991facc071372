package dev.envelope.cache;

import static dev.envelope.cache.CacheFixtures.aes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.AlgorithmSuite;
import dev.envelope.ContextMismatchException;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.cache.CacheFixtures.CountingKeyring;
import dev.envelope.keyring.RawAesKeyring;
import dev.envelope.materials.RequiredContextMaterialsManager;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Round trips through a real Envelope with a raw AES keyring. */
class CachingEnvelopeTest {
  private static final EncryptionContext CTX = EncryptionContext.of("tenant", "acme");

  private final RawAesKeyring aes = aes("ns", "key");
  private final CountingKeyring keyring = new CountingKeyring(aes);

  private static byte[] plaintext(int i) {
    return ("message " + i).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void encrypt_1000MessagesWithMessageLimit100_tenKeyringCallsAndAllDecrypt() {
    CachingMaterialsManager cache =
        CachingMaterialsManager.builder()
            .keyring(keyring)
            .maxAge(Duration.ofMinutes(5))
            .messageUseLimit(100)
            .build();
    Envelope envelope =
        Envelope.builder().materialsManager(cache).algorithmSuite(CacheFixtures.S0478).build();
    List<byte[]> messages = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      messages.add(envelope.encrypt(plaintext(i), CTX));
    }
    assertEquals(10, keyring.encryptCalls.get());
    assertEquals(10, cache.stats().missCount());
    assertEquals(990, cache.stats().hitCount());

    Set<List<EncryptedDataKey>> dataKeys = new HashSet<>();
    for (byte[] message : messages) {
      dataKeys.add(Envelope.inspectUnauthenticated(message).encryptedDataKeys());
    }
    assertEquals(10, dataKeys.size());

    // Any reader with the wrapping key decrypts them; no cache needed.
    Envelope reader = Envelope.builder().keyring(aes).build();
    for (int i = 0; i < messages.size(); i++) {
      assertArrayEquals(plaintext(i), reader.decrypt(messages.get(i), CTX).plaintext());
    }
  }

  @Test
  void decrypt_repeatedMessagesWithSameEdks_keyringCalledOncePerDataKey() {
    Envelope writer =
        Envelope.builder()
            .materialsManager(
                CachingMaterialsManager.builder()
                    .keyring(aes)
                    .maxAge(Duration.ofMinutes(5))
                    .messageUseLimit(20)
                    .build())
            .algorithmSuite(CacheFixtures.S0478)
            .build();
    List<byte[]> messages = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      messages.add(writer.encrypt(plaintext(i), CTX));
    }
    CachingMaterialsManager readerCache =
        CachingMaterialsManager.builder().keyring(keyring).maxAge(Duration.ofMinutes(5)).build();
    Envelope reader = Envelope.builder().materialsManager(readerCache).build();
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < messages.size(); i++) {
        assertArrayEquals(plaintext(i), reader.decrypt(messages.get(i), CTX).plaintext());
      }
    }
    assertEquals(2, keyring.decryptCalls.get(), "two data keys of 20 messages each");
    assertEquals(2, readerCache.stats().missCount());
    assertEquals(118, readerCache.stats().hitCount());
  }

  @Test
  void decrypt_cachedDataKeyWithTamperedMessage_stillFailsAuthentication() {
    CachingMaterialsManager cache =
        CachingMaterialsManager.builder().keyring(keyring).maxAge(Duration.ofMinutes(5)).build();
    Envelope envelope =
        Envelope.builder().materialsManager(cache).algorithmSuite(CacheFixtures.S0478).build();
    byte[] message = envelope.encrypt(plaintext(1), CTX);
    envelope.decrypt(message, CTX); // loads the decrypt entry
    byte[] tampered = message.clone();
    tampered[tampered.length - 1] ^= 1;
    assertThrows(dev.envelope.AuthenticationFailedException.class, () -> envelope.decrypt(tampered, CTX));
    assertEquals(1, keyring.decryptCalls.get(), "the cached key was used, and the tag still failed");
  }

  @Test
  void signedSuite_cachedDataKey_messagesShareSigningKeyAndDecrypt() {
    CachingMaterialsManager cache =
        CachingMaterialsManager.builder().keyring(keyring).maxAge(Duration.ofMinutes(5)).build();
    Envelope envelope = Envelope.builder().materialsManager(cache).build(); // default 0x0578
    byte[] m1 = envelope.encrypt(plaintext(1), CTX);
    byte[] m2 = envelope.encrypt(plaintext(2), CTX);
    assertEquals(1, keyring.encryptCalls.get());
    var h1 = Envelope.inspectUnauthenticated(m1);
    var h2 = Envelope.inspectUnauthenticated(m2);
    assertEquals(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384, h1.algorithmSuite());
    assertEquals(h1.storedContext(), h2.storedContext(), "same aws-crypto-public-key");
    assertNotEquals(
        new String(h1.messageId(), StandardCharsets.ISO_8859_1),
        new String(h2.messageId(), StandardCharsets.ISO_8859_1),
        "each message still has its own id, hence its own derived key");
    Envelope reader = Envelope.builder().keyring(aes).build();
    assertArrayEquals(plaintext(1), reader.decrypt(m1, CTX).plaintext());
    assertArrayEquals(plaintext(2), reader.decrypt(m2, CTX).plaintext());
  }

  @Test
  void requiredContext_underCache_messagesNeedTheRequiredPairsToDecrypt() {
    CachingMaterialsManager cache =
        CachingMaterialsManager.builder()
            .materialsManager(RequiredContextMaterialsManager.of(keyring, Set.of("secret-tag")))
            .maxAge(Duration.ofMinutes(5))
            .build();
    Envelope envelope =
        Envelope.builder().materialsManager(cache).algorithmSuite(CacheFixtures.S0478).build();
    EncryptionContext full = EncryptionContext.of("tenant", "acme", "secret-tag", "t1");
    byte[] a = envelope.encrypt(plaintext(1), full);
    byte[] b = envelope.encrypt(plaintext(2), full);
    assertEquals(1, keyring.encryptCalls.get());
    assertTrue(Envelope.inspectUnauthenticated(a).storedContext().get("secret-tag").isEmpty());

    assertArrayEquals(plaintext(1), envelope.decrypt(a, full).plaintext());
    assertArrayEquals(plaintext(2), envelope.decrypt(b, full).plaintext());
    assertEquals(1, keyring.decryptCalls.get());
    EncryptionContext wrongTag = EncryptionContext.of("tenant", "acme", "secret-tag", "t2");
    assertThrows(ContextMismatchException.class, () -> envelope.decrypt(a, wrongTag));
  }
}
