package dev.envelope.testkit.junit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.local.KekSource;
import dev.envelope.local.KeyMetadata;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.local.LocalKeyring;
import dev.envelope.local.PassphraseKdfParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@WithTempKeyStore
class KeyStoreExtensionTest {
  @Test
  void resolveParameter_everyInjectableType_describesOneOpenStoreWithAReadyKey(
      KeyStoreFixture fixture, LocalKeyStore store, @KeyStoreDirectory Path directory,
      @KeyAlias String alias, LocalKeyring keyring, @TempDir Path unrelated) {
    assertEquals(fixture.store(), store);
    assertEquals(store.directory(), directory);
    assertTrue(Files.isDirectory(directory));
    assertNotEquals(unrelated, directory);
    assertEquals(KeyStoreFixture.DEFAULT_KEY_ALIAS, alias);
    KeyMetadata key = store.describeKey(alias);
    assertEquals(keyring.keyId(), key.keyId());

    Envelope envelope = Envelope.builder().keyring(keyring).build();
    byte[] message = envelope.encrypt(new byte[] {1, 2, 3}, EncryptionContext.of("purpose", "test"));
    assertArrayEquals(new byte[] {1, 2, 3}, envelope.decrypt(message, EncryptionContext.of("purpose", "test")).plaintext());
  }

  @Test
  void passphrase_afterTheStoreCloses_reopensIt() throws IOException {
    KeyStoreFixture fixture = KeyStoreFixture.start("reopen-me", b -> b.callerLabel("app"));
    try {
      String keyId = fixture.store().describeKey("reopen-me").keyId();
      fixture.store().close();
      try (LocalKeyStore reopened = LocalKeyStore.builder(fixture.directory()).kek(fixture.kek()).open()) {
        assertEquals(keyId, reopened.describeKey("reopen-me").keyId());
      }
      assertNotEquals(0, fixture.passphrase().length);
    } finally {
      fixture.close();
    }
    assertFalse(Files.exists(fixture.directory()), "the store's directory outlived the fixture");
  }

  @Test
  void reopen_anotherView_seesTheFixturesChangesWithItsConfiguration() throws IOException {
    try (KeyStoreFixture fixture = KeyStoreFixture.start("orders", b -> b.callerLabel("reopener"))) {
      try (LocalKeyStore reopened = fixture.reopen()) {
        assertEquals(2, reopened.rotateKey("orders").primaryVersion());
      }
      assertEquals(2, fixture.store().describeKey("orders").primaryVersion(), "the fixture's store stays open");
      String log = Files.readString(fixture.directory().resolve(dev.envelope.local.AuditLog.FIRST_SEGMENT));
      assertTrue(log.contains("\"caller\":\"reopener\""), log);
    }
  }

  @Test
  void passphrase_chosenByTheTest_opensTheStore() throws IOException {
    String chosen = "chosen passphrase ✓ 1234";
    try (KeyStoreFixture fixture = KeyStoreFixture.start("chosen", chosen, b -> {})) {
      assertArrayEquals(chosen.toCharArray(), fixture.passphrase());
      try (LocalKeyStore reopened = LocalKeyStore.builder(fixture.directory())
          .kek(KekSource.passphrase(chosen.toCharArray(), PassphraseKdfParameters.insecureForTests())).open()) {
        assertEquals(fixture.store().describeKey("chosen").keyId(), reopened.describeKey("chosen").keyId());
      }
    }
    assertThrows(IllegalArgumentException.class, () -> KeyStoreFixture.start("k", "", b -> {}));
  }

  @Test
  void builder_passphraseTwiceOrEmpty_isRefused() {
    KeyStoreExtension.Builder builder = KeyStoreExtension.builder().passphrase("once");
    assertThrows(IllegalStateException.class, () -> builder.passphrase("twice"));
    assertThrows(IllegalArgumentException.class, () -> KeyStoreExtension.builder().passphrase(""));
  }

  @Test
  void run_chosenPassphrase_isTheInjectedStoresPassphrase() {
    Chosen.SEEN.clear();
    JupiterRun run = JupiterRun.of(Chosen.class);

    assertEquals(List.of(), run.failures(), run::toString);
    assertEquals(1, run.succeeded(), run::toString);
    assertEquals(List.of(Chosen.PASSPHRASE), Chosen.SEEN);
  }

  @Test
  void run_perTestLifecycle_givesEachTestItsOwnStoreAndDeletesIt() {
    PerTest.SEEN.clear();
    JupiterRun run = JupiterRun.of(PerTest.class);

    assertEquals(List.of(), run.failures(), run::toString);
    assertEquals(2, run.succeeded(), run::toString);
    assertEquals(2, PerTest.SEEN.size());
    assertNotEquals(PerTest.SEEN.get(0), PerTest.SEEN.get(1));
    PerTest.SEEN.forEach(dir -> assertFalse(Files.exists(dir), dir + " still exists"));
  }

  @Test
  void run_perClassLifecycle_sharesOneStoreAndDeletesItAfterTheClass() {
    PerClass.SEEN.clear();
    JupiterRun run = JupiterRun.of(PerClass.class);

    assertEquals(List.of(), run.failures(), run::toString);
    assertEquals(2, run.succeeded(), run::toString);
    assertEquals(1, PerClass.SEEN.stream().distinct().count(), PerClass.SEEN::toString);
    assertFalse(Files.exists(PerClass.SEEN.get(0)), "the store outlived the class");
  }

  @Subject
  static class PerTest {
    static final List<Path> SEEN = new CopyOnWriteArrayList<>();

    @RegisterExtension
    static final KeyStoreExtension STORE =
        KeyStoreExtension.builder().lifecycle(Lifecycle.PER_TEST).keyAlias("orders").build();

    @Test
    void first(@KeyStoreDirectory Path directory, @KeyAlias String alias) {
      assertEquals("orders", alias);
      SEEN.add(directory);
    }

    @Test
    void second(LocalKeyStore store) {
      assertEquals(1, store.listKeys().size(), "a fresh store has only the ready key");
      store.createKey(dev.envelope.local.CreateKeyRequest.withAlias("extra"));
      SEEN.add(store.directory());
    }
  }

  @Subject
  static class Chosen {
    static final String PASSPHRASE = "entered by hand ✓";
    static final List<String> SEEN = new CopyOnWriteArrayList<>();

    @RegisterExtension
    static final KeyStoreExtension STORE = KeyStoreExtension.builder().passphrase(PASSPHRASE).build();

    @Test
    void opens(KeyStoreFixture fixture, @KeyAlias String alias) {
      try (LocalKeyStore reopened = LocalKeyStore.builder(fixture.directory())
          .kek(KekSource.passphrase(PASSPHRASE.toCharArray(), PassphraseKdfParameters.insecureForTests())).open()) {
        reopened.describeKey(alias);
      }
      SEEN.add(new String(fixture.passphrase()));
    }
  }

  @Subject
  @WithTempKeyStore
  static class PerClass {
    static final List<Path> SEEN = new CopyOnWriteArrayList<>();

    @Test
    void first(@KeyStoreDirectory Path directory) {
      SEEN.add(directory);
    }

    @Test
    void second(KeyStoreFixture fixture) {
      SEEN.add(fixture.directory());
    }
  }
}
