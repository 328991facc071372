package dev.envelope.cli;

import static dev.envelope.cli.Cli.assertFailure;
import static dev.envelope.cli.Cli.assertNoOutputLeft;
import static dev.envelope.cli.Cli.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.UnauthenticatedHeader;
import dev.envelope.local.AuditLog;
import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.KeyMetadata;
import dev.envelope.local.KeyOperation;
import dev.envelope.local.KeyPolicy;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.testkit.junit.KeyStoreExtension;
import dev.envelope.testkit.junit.KeyStoreFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** encrypt and decrypt with --keystore DIR --key ALIAS_OR_ID, and every way that can fail. */
class KeyStoreKeyringTest {
  @RegisterExtension
  static final KeyStoreExtension STORE = CliKeyStore.perTest();

  @TempDir Path dir;
  Path store;
  KeyStoreFixture keys;
  Path plain;
  Path message;
  Path out;
  byte[] content;
  KeyMetadata orders;

  @BeforeEach
  void storeAndFiles(KeyStoreFixture keys) throws IOException {
    this.keys = keys;
    store = keys.directory();
    orders = keys.store().describeKey(CliKeyStore.KEY);
    content = TestKeys.randomBytes(3_000);
    plain = Files.write(dir.resolve("plain.txt"), content);
    message = dir.resolve("plain.txt.env");
    out = dir.resolve("back.txt");
  }

  static String[] args(String... parts) {
    return parts;
  }

  String[] encrypt(String... keyring) {
    List<String> a = new ArrayList<>(List.of("encrypt", "--in", plain.toString(), "--out", message.toString(),
        "--context", "tenant=acme"));
    a.addAll(List.of(keyring));
    return a.toArray(String[]::new);
  }

  String[] decrypt(String... keyring) {
    List<String> a = new ArrayList<>(List.of("decrypt", "--in", message.toString(), "--out", out.toString(),
        "--context", "tenant=acme"));
    a.addAll(List.of(keyring));
    return a.toArray(String[]::new);
  }

  String[] key(String alias) {
    return new String[] {"--keystore", store.toString(), "--key", alias};
  }

  void encryptOk() {
    assertSuccess(Cli.runWithEnv(CliKeyStore.env(), encrypt(key("orders"))));
  }

  @Test
  void encryptDecrypt_passphraseFromEnvironment_roundTripsUnderTheKeysPrimaryVersion() throws IOException {
    encryptOk();
    UnauthenticatedHeader header = Envelope.inspectUnauthenticated(Files.readAllBytes(message));
    assertEquals(1, header.encryptedDataKeys().size());
    EncryptedDataKey edk = header.encryptedDataKeys().get(0);
    assertEquals(orders.keyNamespace(), edk.providerId());
    String info = new String(edk.providerInfo(), StandardCharsets.ISO_8859_1);
    assertTrue(info.startsWith(orders.keyId() + "/v1"), info);

    assertSuccess(Cli.runWithEnv(CliKeyStore.env(), decrypt(key("orders"))));
    assertArrayEquals(content, Files.readAllBytes(out));
  }

  @Test
  void encryptDecrypt_byKeyIdAndPassphraseFile_roundTrips() throws IOException {
    Path file = Files.writeString(dir.resolve("pass"), CliKeyStore.PASSPHRASE + "\n", StandardCharsets.UTF_8);
    assertSuccess(Cli.run(encrypt("--keystore", store.toString(), "--key", orders.keyId(),
        "--passphrase-file", file.toString())));
    assertSuccess(Cli.run(decrypt("--keystore", store.toString(), "--key", "orders",
        "--passphrase-file", file.toString())));
    assertArrayEquals(content, Files.readAllBytes(out));
  }

  @Test
  void encrypt_passphraseFileAndEnvironment_theFileWins() {
    Path file = TestKeys.write(dir.resolve("pass"), (CliKeyStore.PASSPHRASE + "\r\n").getBytes(StandardCharsets.UTF_8));
    List<String> a = new ArrayList<>(List.of(encrypt(key("orders"))));
    a.addAll(List.of("--passphrase-file", file.toString()));
    assertSuccess(Cli.runWithEnv(Map.of(KeyStores.PASSPHRASE_VARIABLE, "not the passphrase"), a.toArray(String[]::new)));
  }

  @Test
  void decrypt_afterRotation_decryptsOldAndNewMessages() throws IOException {
    encryptOk();
    try (LocalKeyStore s = keys.reopen()) {
      assertEquals(2, s.rotateKey("orders").primaryVersion());
    }
    Path newMessage = dir.resolve("new.env");
    assertSuccess(Cli.runWithEnv(CliKeyStore.env(), "encrypt", "--in", plain.toString(), "--out",
        newMessage.toString(), "--context", "tenant=acme", "--keystore", store.toString(), "--key", "orders"));
    String info = new String(Envelope.inspectUnauthenticated(Files.readAllBytes(newMessage))
        .encryptedDataKeys().get(0).providerInfo(), StandardCharsets.ISO_8859_1);
    assertTrue(info.startsWith(orders.keyId() + "/v2"), "new messages use the new primary version: " + info);

    assertSuccess(Cli.runWithEnv(CliKeyStore.env(), decrypt(key("orders"))));
    assertArrayEquals(content, Files.readAllBytes(out));
    Path newOut = dir.resolve("new.txt");
    assertSuccess(Cli.runWithEnv(CliKeyStore.env(), "decrypt", "--in", newMessage.toString(), "--out",
        newOut.toString(), "--keystore", store.toString(), "--key", "orders"));
    assertArrayEquals(content, Files.readAllBytes(newOut));
  }

  @Test
  void encryptDecrypt_callerLabel_isWrittenToTheAuditLog() throws IOException {
    List<String> a = new ArrayList<>(List.of(encrypt(key("orders"))));
    a.addAll(List.of("--caller", "batch-job-7"));
    assertSuccess(Cli.runWithEnv(CliKeyStore.env(), a.toArray(String[]::new)));
    List<String> log = Files.readAllLines(store.resolve(AuditLog.FIRST_SEGMENT));
    String last = log.get(log.size() - 1);
    assertTrue(last.contains("\"operation\":\"GENERATE\"") && last.contains("\"caller\":\"batch-job-7\""), last);
    assertTrue(AuditLog.verify(store.resolve(AuditLog.FIRST_SEGMENT)).isValid());
  }

  @Test
  void encrypt_wrongPassphrase_failsWithKeyProviderAndWritesNothing() {
    assertFailure(Cli.runWithEnv(Map.of(KeyStores.PASSPHRASE_VARIABLE, "wrong passphrase"), encrypt(key("orders"))),
        ExitCode.KEY_PROVIDER, "wrong key store passphrase", KeyStores.PASSPHRASE_VARIABLE);
    assertNoOutputLeft(message);
  }

  @Test
  void decrypt_wrongPassphraseFile_failsWithKeyProviderAndWritesNothing() {
    encryptOk();
    Path file = TestKeys.write(dir.resolve("pass"), "wrong passphrase".getBytes(StandardCharsets.UTF_8));
    assertFailure(Cli.run(decrypt("--keystore", store.toString(), "--key", "orders", "--passphrase-file", file.toString())),
        ExitCode.KEY_PROVIDER, "wrong key store passphrase");
    assertNoOutputLeft(out);
  }

  @Test
  void encrypt_noPassphraseGiven_failsWithUsageNamingBothWays() {
    assertFailure(Cli.run(encrypt(key("orders"))), ExitCode.USAGE,
        KeyStores.PASSPHRASE_VARIABLE, "--passphrase-file", "never on the command line");
    assertNoOutputLeft(message);
  }

  @Test
  void encrypt_emptyPassphraseVariable_failsWithUsage() {
    assertFailure(Cli.runWithEnv(Map.of(KeyStores.PASSPHRASE_VARIABLE, ""), encrypt(key("orders"))),
        ExitCode.USAGE, "is empty");
  }

  @Test
  void encrypt_missingPassphraseFile_failsWithKeyFile() {
    Path missing = dir.resolve("no-such-pass");
    assertFailure(Cli.run(encrypt("--keystore", store.toString(), "--key", "orders", "--passphrase-file", missing.toString())),
        ExitCode.KEY_FILE, "--passphrase-file '", "does not exist");
    assertNoOutputLeft(message);
  }

  @Test
  void encrypt_emptyPassphraseFile_failsWithKeyInvalid() {
    Path empty = TestKeys.write(dir.resolve("empty-pass"), "\n".getBytes(StandardCharsets.UTF_8));
    assertFailure(Cli.run(encrypt("--keystore", store.toString(), "--key", "orders", "--passphrase-file", empty.toString())),
        ExitCode.KEY_INVALID, "is empty");
  }

  @Test
  void encrypt_passphraseFileNotUtf8_failsWithKeyInvalid() {
    Path latin1 = TestKeys.write(dir.resolve("latin1-pass"), new byte[] {'p', 'a', 's', (byte) 0xE9});
    assertFailure(Cli.run(encrypt("--keystore", store.toString(), "--key", "orders", "--passphrase-file", latin1.toString())),
        ExitCode.KEY_INVALID, "not UTF-8");
  }

  @Test
  void encrypt_missingKeyStoreDirectory_failsWithKeyFile() {
    store = dir.resolve("absent");
    assertFailure(Cli.runWithEnv(CliKeyStore.env(), encrypt(key("orders"))), ExitCode.KEY_FILE,
        "does not exist", "envelope keys create");
    assertNoOutputLeft(message);
  }

  @Test
  void encrypt_directoryWithoutKeyStore_failsWithKeyFile() throws IOException {
    store = Files.createDirectory(dir.resolve("empty"));
    assertFailure(Cli.runWithEnv(CliKeyStore.env(), encrypt(key("orders"))), ExitCode.KEY_FILE,
        "holds no key store");
  }

  @Test
  void encrypt_damagedStoreFile_failsWithKeyInvalid() throws IOException {
    Files.writeString(store.resolve("store.json"), "{\"format\": 99}");
    assertFailure(Cli.runWithEnv(CliKeyStore.env(), encrypt(key("orders"))), ExitCode.KEY_INVALID,
        "the key store is damaged", "restore");
    assertNoOutputLeft(message);
  }

  @Test
  void encrypt_unknownKey_failsWithKeyProviderAndWritesNothing() {
    assertFailure(Cli.runWithEnv(CliKeyStore.env(), encrypt(key("no-such-key"))), ExitCode.KEY_PROVIDER,
        "'no-such-key'", "envelope keys list");
    assertNoOutputLeft(message);
  }

  @Test
  void decrypt_disabledKey_failsWithKeyProviderAndWritesNothing() {
    encryptOk();
    try (LocalKeyStore s = keys.reopen()) {
      s.disableKey("orders");
    }
    assertFailure(Cli.runWithEnv(CliKeyStore.env(), decrypt(key("orders"))), ExitCode.KEY_PROVIDER,
        "is disabled");
    assertNoOutputLeft(out);
  }

  @Test
  void encrypt_keyPendingDestruction_failsWithKeyProvider() {
    try (LocalKeyStore s = keys.reopen()) {
      s.scheduleDestruction("orders", Duration.ofDays(3));
    }
    assertFailure(Cli.runWithEnv(CliKeyStore.env(), encrypt(key("orders"))), ExitCode.KEY_PROVIDER,
        "scheduled for destruction");
    assertNoOutputLeft(message);
  }

  @Test
  void encrypt_contextThePolicyForbids_failsWithPolicyAndWritesNothing() {
    keys.store().createKey(CreateKeyRequest.builder().alias("tenanted")
        .policy(KeyPolicy.defaultPolicy().toBuilder().requireContextKey("region").build()).build());
    assertFailure(Cli.runWithEnv(CliKeyStore.env(), encrypt(key("tenanted"))), ExitCode.POLICY,
        "refused by policy", "lacks the required key 'region'");
    assertNoOutputLeft(message);
  }

  @Test
  void decrypt_callerWithoutGrant_failsWithPolicyAndWritesNothing() {
    keys.store().createKey(CreateKeyRequest.builder().alias("granted").policy(KeyPolicy.defaultPolicy().toBuilder()
        .grant("writer", KeyOperation.GENERATE, KeyOperation.ENCRYPT).build()).build());
    List<String> enc = new ArrayList<>(List.of(encrypt(key("granted"))));
    enc.addAll(List.of("--caller", "writer"));
    assertSuccess(Cli.runWithEnv(CliKeyStore.env(), enc.toArray(String[]::new)));
    List<String> dec = new ArrayList<>(List.of(decrypt(key("granted"))));
    dec.addAll(List.of("--caller", "writer"));
    assertFailure(Cli.runWithEnv(CliKeyStore.env(), dec.toArray(String[]::new)), ExitCode.POLICY,
        "caller 'writer' has no grant for DECRYPT");
    assertNoOutputLeft(out);
  }

  @Test
  void decrypt_messageOfAnotherKey_failsWithNoMatchingKey() {
    keys.store().createKey(CreateKeyRequest.withAlias("other"));
    encryptOk();
    assertFailure(Cli.runWithEnv(CliKeyStore.env(), decrypt(key("other"))), ExitCode.NO_MATCHING_KEY,
        "no key can decrypt this message");
    assertNoOutputLeft(out);
  }

  @Test
  void decrypt_wrongContext_failsWithContextMismatchAndWritesNothing() {
    encryptOk();
    assertFailure(Cli.runWithEnv(CliKeyStore.env(), "decrypt", "--in", message.toString(), "--out", out.toString(),
        "--context", "tenant=globex", "--keystore", store.toString(), "--key", "orders"),
        ExitCode.CONTEXT_MISMATCH, "[tenant]");
    assertNoOutputLeft(out);
  }

  @Test
  void encrypt_keystoreWithoutKey_failsWithUsage() {
    assertFailure(Cli.runWithEnv(CliKeyStore.env(), encrypt("--keystore", store.toString())), ExitCode.USAGE,
        "--keystore needs --key");
  }

  @Test
  void encrypt_keyWithoutKeystore_failsWithUsage() {
    assertFailure(Cli.runWithEnv(CliKeyStore.env(), encrypt("--key", "orders")), ExitCode.USAGE,
        "add --keystore DIR");
  }

  @Test
  void encrypt_emptyCaller_failsWithUsage() {
    List<String> a = new ArrayList<>(List.of(encrypt(key("orders"))));
    a.addAll(List.of("--caller", ""));
    assertFailure(Cli.runWithEnv(CliKeyStore.env(), a.toArray(String[]::new)), ExitCode.USAGE, "--caller");
  }

  @Test
  void decrypt_messageFromTheLibrary_decryptsWithTheCli() throws IOException {
    byte[] m;
    try (LocalKeyStore s = keys.reopen()) {
      m = Envelope.builder().keyring(s.keyring("orders")).build().encrypt(content, EncryptionContext.of("tenant", "acme"));
    }
    Files.write(message, m);
    assertSuccess(Cli.runWithEnv(CliKeyStore.env(), decrypt(key("orders"))));
    assertArrayEquals(content, Files.readAllBytes(out));
  }
}
