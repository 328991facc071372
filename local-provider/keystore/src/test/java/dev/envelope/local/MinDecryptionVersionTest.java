package dev.envelope.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptionContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 item 3: a per-key minimum decryption version (as Vault's {@code
 * min_decryption_version}), kept in the key file's authenticated metadata.
 */
class MinDecryptionVersionTest {
  @TempDir Path tmp;

  private static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme");

  private Path dir() {
    return tmp.resolve("store");
  }

  private static byte[] encrypt(LocalKeyStore store, String text) {
    return Fixtures.envelope(store.keyring("k")).encrypt(text.getBytes(StandardCharsets.UTF_8), CONTEXT);
  }

  private static String decrypt(LocalKeyStore store, byte[] message) {
    return new String(Fixtures.envelope(store.keyring("k")).decrypt(message, CONTEXT).plaintext(), StandardCharsets.UTF_8);
  }

  private static KeyStateException stateRefusal(LocalKeyStore store, byte[] message) {
    RuntimeException e = assertThrows(RuntimeException.class, () -> decrypt(store, message));
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof KeyStateException) {
        return (KeyStateException) t;
      }
    }
    throw new AssertionError("expected a KeyStateException, got " + e, e);
  }

  @Test
  void keyFileFromBeforeTheRaise_copiedBack_isRefused() throws Exception {
    KeyMetadata key;
    byte[] before;
    byte[] v1;
    try (LocalKeyStore store = Fixtures.store(dir()).create()) {
      key = store.createKey(CreateKeyRequest.withAlias("k"));
      v1 = encrypt(store, "one");
      store.rotateKey("k");
      before = Files.readAllBytes(keyFile(key.keyId()));
      store.setMinDecryptionVersion("k", 2);
    }
    Files.write(keyFile(key.keyId()), before);

    try (LocalKeyStore store = Fixtures.store(dir()).open()) {
      RuntimeException e = assertThrows(RuntimeException.class, () -> decrypt(store, v1));
      boolean integrity = false;
      for (Throwable t = e; t != null; t = t.getCause()) {
        integrity |= t instanceof KeyStoreIntegrityException;
      }
      assertTrue(integrity, "a rolled-back key file must be refused, got " + e);
      assertThrows(KeyStoreIntegrityException.class, () -> store.describeKey("k"));
    }
  }

  @Test
  void editedMinimumInTheKeyFile_failsItsMac() throws Exception {
    KeyMetadata key;
    byte[] v1;
    try (LocalKeyStore store = Fixtures.store(dir()).create()) {
      key = store.createKey(CreateKeyRequest.withAlias("k"));
      v1 = encrypt(store, "one");
      store.rotateKey("k");
      store.setMinDecryptionVersion("k", 2);
    }
    Path file = keyFile(key.keyId());
    String text = Files.readString(file);
    assertTrue(text.contains("minDecryptionVersion\\\":2"), text);
    Files.writeString(file, text.replace("minDecryptionVersion\\\":2", "minDecryptionVersion\\\":1"));

    try (LocalKeyStore store = Fixtures.store(dir()).open()) {
      RuntimeException e = assertThrows(RuntimeException.class, () -> decrypt(store, v1));
      boolean integrity = false;
      for (Throwable t = e; t != null; t = t.getCause()) {
        integrity |= t instanceof KeyStoreIntegrityException;
      }
      assertTrue(integrity, "an edited minimum must be refused, got " + e);
    }
  }

  @Test
  void keyFileWithoutTheField_loadsWithMinimumOne() throws Exception {
    KeyMetadata key;
    try (LocalKeyStore store = Fixtures.store(dir()).create()) {
      key = store.createKey(CreateKeyRequest.withAlias("k"));
      store.rotateKey("k");
    }
    assertFalse(Files.readString(keyFile(key.keyId())).contains("minDecryptionVersion"),
        "a key at the default writes the same file as before the field existed");
    try (LocalKeyStore store = Fixtures.store(dir()).open()) {
      assertEquals(1, store.describeKey("k").minDecryptionVersion());
      byte[] m = encrypt(store, "x");
      assertArrayEquals("x".getBytes(StandardCharsets.UTF_8), Fixtures.envelope(store.keyring("k")).decrypt(m, CONTEXT).plaintext());
    }
  }

  private Path keyFile(String keyId) {
    return dir().resolve("keys").resolve(keyId + ".json");
  }
}
