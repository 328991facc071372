package dev.envelope.local.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.AuthenticationFailedException;
import dev.envelope.ContextMismatchException;
import dev.envelope.Decrypted;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.MalformedMessageException;
import dev.envelope.NoMatchingKeyException;
import dev.envelope.keyring.MultiKeyring;
import dev.envelope.keyring.RawAesKeyring;
import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.DecryptResult;
import dev.envelope.local.GeneratedDataKey;
import dev.envelope.local.KeyMetadata;
import dev.envelope.local.KeyNotFoundException;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.local.LocalKeyring;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

public abstract class RoundTripContract extends StoreContract {
  private static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme", "purpose", "test");

  @Test
  void keyring_encryptThenDecrypt_returnsPlaintextAndContext() {
    try (LocalKeyStore store = builder().create()) {
      store.createKey(CreateKeyRequest.withAlias("orders"));
      Envelope envelope = envelope(store.keyring("orders"));
      byte[] plaintext = "attack at dawn".getBytes(StandardCharsets.UTF_8);

      byte[] message = envelope.encrypt(plaintext, CONTEXT);
      Decrypted d = envelope.decrypt(message, CONTEXT);

      assertArrayEquals(plaintext, d.plaintext());
      assertEquals("acme", d.encryptionContext().get("tenant").orElseThrow());
    }
  }

  @Test
  void keyring_encryptedDataKey_hasRawAesLayoutNamingKeyAndVersion() {
    try (LocalKeyStore store = builder().create()) {
      KeyMetadata key = store.createKey(CreateKeyRequest.withAlias("orders"));
      byte[] message = envelope(store.keyring("orders")).encrypt(new byte[10], CONTEXT);

      EncryptedDataKey edk = Envelope.inspectUnauthenticated(message).encryptedDataKeys().get(0);

      assertEquals(LocalKeyStore.DEFAULT_NAMESPACE, edk.providerId());
      byte[] name = (key.keyId() + "/v1").getBytes(StandardCharsets.UTF_8);
      byte[] info = edk.providerInfo();
      assertEquals(name.length + 20, info.length);
      assertTrue(edk.providerInfoStartsWith(name));
      assertArrayEquals(new byte[] {0, 0, 0, (byte) 0x80, 0, 0, 0, 12},
          java.util.Arrays.copyOfRange(info, name.length, name.length + 8));
      assertEquals(32 + 16, edk.ciphertextLength());
    }
  }

  @Test
  void wrappingKey_encryptedDataKeysBeforeAndAfterARotation_nameTheKeyAndEachVersion() {
    try (LocalKeyStore store = builder().create()) {
      KeyMetadata key = store.createKey(CreateKeyRequest.withAlias("orders"));
      byte[] before = envelope(store.keyring("orders")).encrypt(new byte[10], CONTEXT);
      store.rotateKey("orders");
      byte[] after = envelope(store.keyring("orders")).encrypt(new byte[10], CONTEXT);

      EncryptedDataKey v1 = Envelope.inspectUnauthenticated(before).encryptedDataKeys().get(0);
      EncryptedDataKey v2 = Envelope.inspectUnauthenticated(after).encryptedDataKeys().get(0);

      assertEquals(new LocalKeyring.WrappingKey(key.keyId(), 1),
          LocalKeyring.wrappingKey(v1, store.keyNamespace()).orElseThrow());
      assertEquals(new LocalKeyring.WrappingKey(key.keyId(), 2),
          LocalKeyring.wrappingKey(v2, store.keyNamespace()).orElseThrow());
      assertTrue(LocalKeyring.wrappingKey(v1, "another-namespace").isEmpty(), "another store's namespace");
    }
  }

  @Test
  void wrappingKey_otherEncryptedDataKeys_areEmpty() {
    byte[] trailer = {0, 0, 0, (byte) 0x80, 0, 0, 0, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    String ns = LocalKeyStore.DEFAULT_NAMESPACE;
    byte[] notAKeyName = concat("orders-key-1".getBytes(StandardCharsets.UTF_8), trailer);
    assertTrue(LocalKeyring.wrappingKey(EncryptedDataKey.of(ns, notAKeyName, new byte[48]), ns).isEmpty(),
        "a raw AES key name that is not <keyId>/v<N>");
    byte[] named = concat("0f0e0d0c-0b0a-4908-8706-050403020100/v3".getBytes(StandardCharsets.UTF_8), trailer);
    assertEquals(3, LocalKeyring.wrappingKey(EncryptedDataKey.of(ns, named, new byte[48]), ns).orElseThrow().version());
    byte[] noTrailer = "0f0e0d0c-0b0a-4908-8706-050403020100/v3".getBytes(StandardCharsets.UTF_8);
    assertTrue(LocalKeyring.wrappingKey(EncryptedDataKey.of(ns, noTrailer, new byte[48]), ns).isEmpty(),
        "no raw AES trailer");
    assertThrows(IllegalArgumentException.class, () -> new LocalKeyring.WrappingKey("k", 0));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void keyring_reopenedStore_decryptsEarlierMessage() {
    byte[] message;
    try (LocalKeyStore store = builder().create()) {
      store.createKey(CreateKeyRequest.withAlias("orders"));
      message = envelope(store.keyring("orders")).encrypt(new byte[] {1, 2, 3}, CONTEXT);
    }
    try (LocalKeyStore store = builder().open()) {
      assertArrayEquals(new byte[] {1, 2, 3}, envelope(store.keyring("orders")).decrypt(message, CONTEXT).plaintext());
    }
  }

  @Test
  void keyring_messageOfAnotherKey_failsWithNoMatchingKey() {
    try (LocalKeyStore store = builder().create()) {
      store.createKey(CreateKeyRequest.withAlias("a"));
      store.createKey(CreateKeyRequest.withAlias("b"));
      byte[] message = envelope(store.keyring("a")).encrypt(new byte[1], CONTEXT);

      assertThrows(NoMatchingKeyException.class, () -> envelope(store.keyring("b")).decrypt(message, CONTEXT));
    }
  }

  @Test
  void keyring_inMultiKeyringWithRawAes_eachDecryptsAlone() {
    try (LocalKeyStore store = builder().create()) {
      store.createKey(CreateKeyRequest.withAlias("a"));
      RawAesKeyring raw = RawAesKeyring.builder().keyNamespace("other").keyName("k").wrappingKey(new byte[32]).build();
      Envelope both = envelope(MultiKeyring.builder().generator(store.keyring("a")).child(raw).build());
      byte[] message = both.encrypt(new byte[] {9}, CONTEXT);

      assertArrayEquals(new byte[] {9}, envelope(raw).decrypt(message, CONTEXT).plaintext());
      assertArrayEquals(new byte[] {9}, envelope(store.keyring("a")).decrypt(message, CONTEXT).plaintext());
    }
  }

  @Test
  void keyring_unknownKey_failsWithKeyNotFound() {
    try (LocalKeyStore store = builder().create()) {
      KeyNotFoundException e = assertThrows(KeyNotFoundException.class, () -> store.keyring("nope"));
      assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
    }
  }

  @Test
  void blob_encryptThenDecrypt_returnsPlaintextKeyAndVersion() {
    try (LocalKeyStore store = builder().create()) {
      KeyMetadata key = store.createKey(CreateKeyRequest.withAlias("blobs"));
      byte[] blob = store.encrypt("blobs", "secret".getBytes(StandardCharsets.UTF_8), CONTEXT);

      try (DecryptResult r = store.decrypt(blob, CONTEXT)) {
        assertArrayEquals("secret".getBytes(StandardCharsets.UTF_8), r.plaintext());
        assertEquals(key.keyId(), r.keyId());
        assertEquals(1, r.keyVersion());
      }
    }
  }

  @Test
  void blob_wrongContext_failsAuthentication() {
    try (LocalKeyStore store = builder().create()) {
      store.createKey(CreateKeyRequest.withAlias("blobs"));
      byte[] blob = store.encrypt("blobs", new byte[] {1}, CONTEXT);

      assertThrows(AuthenticationFailedException.class, () -> store.decrypt(blob, EncryptionContext.of("tenant", "evil")));
    }
  }

  @Test
  void blob_flippedByte_failsAuthenticationOrMalformed() {
    try (LocalKeyStore store = builder().create()) {
      store.createKey(CreateKeyRequest.withAlias("blobs"));
      byte[] blob = store.encrypt("blobs", new byte[] {1, 2, 3}, CONTEXT);
      for (int i = 0; i < blob.length; i++) {
        byte[] bad = blob.clone();
        bad[i] ^= 0x01;
        RuntimeException e = assertThrows(RuntimeException.class, () -> store.decrypt(bad, CONTEXT));
        assertTrue(e instanceof AuthenticationFailedException || e instanceof MalformedMessageException
            || e instanceof KeyNotFoundException, "byte " + i + ": " + e);
      }
    }
  }

  @Test
  void blob_tooLarge_isRejected() {
    try (LocalKeyStore store = builder().create()) {
      store.createKey(CreateKeyRequest.withAlias("blobs"));
      assertThrows(IllegalArgumentException.class,
          () -> store.encrypt("blobs", new byte[LocalKeyStore.MAX_PLAINTEXT + 1], CONTEXT));
    }
  }

  @Test
  void generateDataKey_ciphertextDecryptsToSamePlaintext() {
    try (LocalKeyStore store = builder().create()) {
      store.createKey(CreateKeyRequest.withAlias("dk"));
      try (GeneratedDataKey g = store.generateDataKey("dk", 32, CONTEXT);
          DecryptResult r = store.decrypt(g.ciphertext(), CONTEXT)) {
        assertEquals(32, g.plaintext().length());
        assertArrayEquals(g.plaintext().copyPlaintext(), r.plaintext());
      }
    }
  }

  @Test
  void reEncrypt_toAnotherKey_decryptsUnderDestinationOnly() {
    try (LocalKeyStore store = builder().create()) {
      KeyMetadata a = store.createKey(CreateKeyRequest.withAlias("a"));
      KeyMetadata b = store.createKey(CreateKeyRequest.withAlias("b"));
      byte[] blob = store.encrypt("a", new byte[] {7, 7}, CONTEXT);
      EncryptionContext dest = EncryptionContext.of("tenant", "other");

      byte[] moved = store.reEncrypt(blob, CONTEXT, "b", dest);

      try (DecryptResult r = store.decrypt(moved, dest)) {
        assertEquals(b.keyId(), r.keyId());
        assertArrayEquals(new byte[] {7, 7}, r.plaintext());
      }
      assertThrows(AuthenticationFailedException.class, () -> store.decrypt(moved, CONTEXT));
      assertEquals(a.keyId(), store.decrypt(blob, CONTEXT).keyId());
    }
  }

  @Test
  void decrypt_requiredContextNotGiven_failsWithContextMismatch() {
    try (LocalKeyStore store = builder().create()) {
      store.createKey(CreateKeyRequest.withAlias("a"));
      Envelope envelope = envelope(store.keyring("a"));
      byte[] message = envelope.encrypt(new byte[1], CONTEXT);

      assertThrows(ContextMismatchException.class,
          () -> envelope.decrypt(message, EncryptionContext.of("tenant", "someone-else")));
    }
  }
}
