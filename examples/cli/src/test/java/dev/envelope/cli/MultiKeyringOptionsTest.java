package dev.envelope.cli;

import static dev.envelope.cli.Cli.assertFailure;
import static dev.envelope.cli.Cli.assertNoOutputLeft;
import static dev.envelope.cli.Cli.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.envelope.EncryptedDataKey;
import dev.envelope.Envelope;
import dev.envelope.local.KeyMetadata;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.testing.SoftHsm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several keyring groups at once: encrypt wraps the data key under every one (the first on the
 * command line generates it), decrypt succeeds with any one of them.
 */
class MultiKeyringOptionsTest {
  @TempDir Path dir;
  Path store;
  Path aesKey;
  Path plain;
  Path message;
  Path out;
  byte[] content;
  KeyMetadata orders;
  Map<String, String> env;

  @BeforeEach
  void setUp() throws IOException {
    store = dir.resolve("keys");
    orders = KeyStoreFixture.createKey(store, "orders");
    aesKey = TestKeys.aesKeyFile(dir, "raw.key", 32);
    content = TestKeys.randomBytes(2_000);
    plain = Files.write(dir.resolve("plain"), content);
    message = dir.resolve("m.env");
    out = dir.resolve("back");
    env = new HashMap<>(KeyStoreFixture.env());
    env.put(Pkcs11KeyringOptions.PIN_VARIABLE, SoftHsm.USER_PIN);
  }

  String[] raw(Path key) {
    return new String[] {"--raw-aes-key", key.toString(), "--key-namespace", "raw-ns", "--key-name", "raw-key"};
  }

  String[] keyStore(String alias) {
    return new String[] {"--keystore", store.toString(), "--key", alias};
  }

  String[] pkcs11() {
    return new String[] {"--pkcs11-library", SoftHsm.get().library().toString(), "--pkcs11-token", SoftHsm.CLI_TOKEN,
        "--pkcs11-key", SoftHsm.AES_KEY};
  }

  Cli.Result run(String command, String[]... keyrings) {
    List<String> a = new ArrayList<>(List.of(command, "--in", (command.equals("encrypt") ? plain : message).toString(),
        "--out", (command.equals("encrypt") ? message : out).toString()));
    for (String[] k : keyrings) {
      a.addAll(List.of(k));
    }
    return Cli.runWithEnv(env, a.toArray(String[]::new));
  }

  List<String> providers() throws IOException {
    return Envelope.inspectUnauthenticated(Files.readAllBytes(message)).encryptedDataKeys().stream()
        .map(EncryptedDataKey::providerId).toList();
  }

  void decryptsWith(String[]... keyrings) throws IOException {
    Files.deleteIfExists(out);
    assertSuccess(run("decrypt", keyrings));
    assertArrayEquals(content, Files.readAllBytes(out));
  }

  @Test
  void encrypt_keyStoreThenRaw_keyStoreGeneratesAndEachAloneDecrypts() throws IOException {
    assertSuccess(run("encrypt", keyStore("orders"), raw(aesKey)));
    assertEquals(List.of(orders.keyNamespace(), "raw-ns"), providers(), "the first keyring's copy comes first");
    decryptsWith(raw(aesKey));
    decryptsWith(keyStore("orders"));
  }

  @Test
  void encrypt_rawThenKeyStore_rawGenerates() throws IOException {
    assertSuccess(run("encrypt", raw(aesKey), keyStore("orders")));
    assertEquals(List.of("raw-ns", orders.keyNamespace()), providers());
    decryptsWith(keyStore("orders"));
  }

  @Test
  void encrypt_threeProviders_anyOneDecrypts() throws IOException {
    assertSuccess(run("encrypt", pkcs11(), keyStore("orders"), raw(aesKey)));
    assertEquals(List.of(Pkcs11KeyringOptions.DEFAULT_NAMESPACE, orders.keyNamespace(), "raw-ns"), providers());
    decryptsWith(pkcs11());
    decryptsWith(keyStore("orders"));
    decryptsWith(raw(aesKey));
  }

  @Test
  void decrypt_oneWrongOneRight_succeeds() throws IOException {
    assertSuccess(run("encrypt", keyStore("orders")));
    Path wrong = TestKeys.aesKeyFile(dir, "wrong.key", 32);
    decryptsWith(raw(wrong), keyStore("orders"));
  }

  @Test
  void decrypt_allWrong_failsWithNoMatchingKeyGivingEachReason() {
    assertSuccess(run("encrypt", raw(aesKey)));
    KeyStoreFixture.createKey(store, "other");
    Path wrong = TestKeys.aesKeyFile(dir, "wrong.key", 32);
    assertFailure(run("decrypt", keyStore("other"), raw(wrong)), ExitCode.NO_MATCHING_KEY,
        "none of the 2 keyrings", "local key", "raw-ns");
    assertNoOutputLeft(out);
  }

  @Test
  void encrypt_oneKeyringRefuses_writesNothing() {
    try (LocalKeyStore s = KeyStoreFixture.open(store)) {
      s.disableKey("orders");
    }
    assertFailure(run("encrypt", raw(aesKey), keyStore("orders")), ExitCode.KEY_PROVIDER, "disabled");
    assertNoOutputLeft(message);
  }

  @Test
  void decrypt_aKeyringThatCannotOpen_failsEvenIfAnotherWould() {
    assertSuccess(run("encrypt", raw(aesKey)));
    env.put(KeyStores.PASSPHRASE_VARIABLE, "wrong passphrase");
    assertFailure(run("decrypt", raw(aesKey), keyStore("orders")), ExitCode.KEY_PROVIDER, "wrong key store passphrase");
    assertNoOutputLeft(out);
  }
}
