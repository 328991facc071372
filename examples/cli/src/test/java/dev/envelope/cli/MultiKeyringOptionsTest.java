package dev.envelope.cli;

import static dev.envelope.cli.Cli.assertFailure;
import static dev.envelope.cli.Cli.assertNoOutputLeft;
import static dev.envelope.cli.Cli.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.envelope.EncryptedDataKey;
import dev.envelope.Envelope;
import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.KeyMetadata;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.testkit.junit.KeyStoreExtension;
import dev.envelope.testkit.junit.KeyStoreFixture;
import dev.envelope.testkit.junit.SoftHsmFixture;
import dev.envelope.testkit.junit.WithSoftHsm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several keyring groups at once: encrypt wraps the data key under every one (the first on the
 * command line generates it), decrypt succeeds with any one of them.
 */
@WithSoftHsm
class MultiKeyringOptionsTest {
  @RegisterExtension
  static final KeyStoreExtension STORE = CliKeyStore.perTest();

  @TempDir Path dir;
  Path store;
  KeyStoreFixture keys;
  SoftHsmFixture hsm;
  Path aesKey;
  Path plain;
  Path message;
  Path out;
  byte[] content;
  KeyMetadata orders;
  Map<String, String> env;

  @BeforeEach
  void setUp(KeyStoreFixture keys, SoftHsmFixture hsm) throws IOException {
    this.keys = keys;
    this.hsm = hsm;
    store = keys.directory();
    orders = keys.store().describeKey(CliKeyStore.KEY);
    aesKey = TestKeys.aesKeyFile(dir, "raw.key", 32);
    content = TestKeys.randomBytes(2_000);
    plain = Files.write(dir.resolve("plain"), content);
    message = dir.resolve("m.env");
    out = dir.resolve("back");
    env = new HashMap<>(CliKeyStore.env());
    env.put(Pkcs11KeyringOptions.PIN_VARIABLE, new String(hsm.pin()));
  }

  String[] raw(Path key) {
    return new String[] {"--raw-aes-key", key.toString(), "--key-namespace", "raw-ns", "--key-name", "raw-key"};
  }

  String[] keyStore(String alias) {
    return new String[] {"--keystore", store.toString(), "--key", alias};
  }

  String[] pkcs11() {
    return new String[] {"--pkcs11-library", hsm.library().toString(), "--pkcs11-token", hsm.tokenLabel(),
        "--pkcs11-key", hsm.aesKeyLabel()};
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
    keys.store().createKey(CreateKeyRequest.withAlias("other"));
    Path wrong = TestKeys.aesKeyFile(dir, "wrong.key", 32);
    assertFailure(run("decrypt", keyStore("other"), raw(wrong)), ExitCode.NO_MATCHING_KEY,
        "none of the 2 keyrings", "local key", "raw-ns");
    assertNoOutputLeft(out);
  }

  @Test
  void encrypt_oneKeyringRefuses_writesNothing() {
    try (LocalKeyStore s = keys.reopen()) {
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
