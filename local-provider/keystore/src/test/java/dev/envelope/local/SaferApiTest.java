package dev.envelope.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The smaller findings of issue 11: a safer library API and errors that say what to do. */
class SaferApiTest {
  @TempDir Path tmp;

  @Test
  void create_passphraseUnderEightCharacters_isRefused() {
    KekSource weak = KekSource.passphrase("hunter2".toCharArray(), PassphraseKdfParameters.insecureForTests());

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LocalKeyStore.builder(tmp.resolve("s")).kek(weak).create());

    assertTrue(e.getMessage().contains("at least 8 characters"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("s").resolve("store.json")));
  }

  @Test
  void open_storeFileAskingForFourGibTimesSixtyFourPasses_failsBeforeRunningTheKdf() throws Exception {
    Path dir = tmp.resolve("s");
    Fixtures.store(dir).create().close();
    Path storeFile = dir.resolve("store.json");
    JsonObject store = JsonParser.parseString(Files.readString(storeFile)).getAsJsonObject();
    store.getAsJsonObject("kek").addProperty("memoryKib", 4 * 1024 * 1024);
    store.getAsJsonObject("kek").addProperty("iterations", 64);
    Files.writeString(storeFile, store.toString());

    KeyStoreIntegrityException e = assertThrows(KeyStoreIntegrityException.class, () -> Fixtures.store(dir).open());

    assertTrue(e.getMessage().contains("Argon2"), e.getMessage());
  }

  @Test
  void kdfParameters_moreThanTheWorkBound_areRejected() {
    assertThrows(IllegalArgumentException.class, () -> PassphraseKdfParameters.of(1024 * 1024, 64, 1));
    assertEquals(64, PassphraseKdfParameters.of(64 * 1024, 64, 1).iterations());
  }

}
