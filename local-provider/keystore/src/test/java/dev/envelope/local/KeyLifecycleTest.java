package dev.envelope.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.envelope.local.contract.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lifecycle as the directory home keeps it on disk. The lifecycle's behaviour, for every
 * home, is in {@code contract.KeyLifecycleContract} (run here by {@code DirectoryStoreContractTest}).
 */
class KeyLifecycleTest {
  @TempDir Path dir;

  private final MutableClock clock = new MutableClock();
  private LocalKeyStore store;

  @BeforeEach
  void createStore() {
    store = Fixtures.store(dir).clock(clock).create();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  void keyFiles_neverContainPlaintextKeyBytes() throws Exception {
    store.createKey(CreateKeyRequest.builder().alias("x")
        .policy(KeyPolicy.defaultPolicy().toBuilder().allow(KeyOperation.EXPORT).build()).build());
    store.rotateKey("x");
    byte[] v1 = store.exportKeyVersionInsecure("x", 1);
    byte[] v2 = store.exportKeyVersionInsecure("x", 2);
    try (var files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        byte[] content = Files.readAllBytes(p);
        String text = new String(content, StandardCharsets.ISO_8859_1);
        for (byte[] key : List.of(v1, v2)) {
          assertFalse(indexOf(content, key) >= 0, p + " holds raw key bytes");
          assertFalse(text.contains(java.util.Base64.getEncoder().encodeToString(key)), p + " holds base64 key bytes");
          assertFalse(text.contains(java.util.HexFormat.of().formatHex(key)), p + " holds hex key bytes");
        }
      }
    }
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Test
  void destroyKey_removesTheSealedKeysetFromTheKeyFile() throws Exception {
    KeyMetadata key = store.createKey(CreateKeyRequest.withAlias("k"));
    store.rotateKey("k");
    store.scheduleDestruction("k", Duration.ofDays(7));
    clock.advance(Duration.ofDays(7));

    assertEquals(KeyState.DESTROYED, store.destroyKey("k").state());

    assertFalse(Files.readString(dir.resolve("keys").resolve(key.keyId() + ".json")).contains("\"keyset\":\""),
        "the sealed keyset must be gone from the key file");
  }
}
