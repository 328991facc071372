package dev.envelope.cli;

import static dev.envelope.cli.Cli.assertFailure;
import static dev.envelope.cli.Cli.assertNoOutputLeft;
import static dev.envelope.cli.Cli.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.envelope.EncryptedDataKey;
import dev.envelope.Envelope;
import dev.envelope.testkit.junit.SoftHsmFixture;
import dev.envelope.testkit.junit.WithSoftHsm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** encrypt and decrypt with a key in a real SoftHSM2 token, and every way that can fail. */
@WithSoftHsm
class Pkcs11KeyringTest {
  @TempDir Path dir;
  SoftHsmFixture hsm;
  Map<String, String> pinEnv;
  Path plain;
  Path message;
  Path out;
  byte[] content;

  @BeforeEach
  void files(SoftHsmFixture hsm) throws IOException {
    this.hsm = hsm;
    pinEnv = Map.of(Pkcs11KeyringOptions.PIN_VARIABLE, new String(hsm.pin()));
    content = TestKeys.randomBytes(10_000);
    plain = Files.write(dir.resolve("plain.bin"), content);
    message = dir.resolve("plain.env");
    out = dir.resolve("back.bin");
  }

  String[] token(String... more) {
    List<String> a = new ArrayList<>(List.of("--pkcs11-library", hsm.library().toString(),
        "--pkcs11-token", hsm.tokenLabel()));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
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

  EncryptedDataKey onlyEdk() throws IOException {
    List<EncryptedDataKey> edks = Envelope.inspectUnauthenticated(Files.readAllBytes(message)).encryptedDataKeys();
    assertEquals(1, edks.size());
    return edks.get(0);
  }

  @Test
  void aesKey_pinFromEnvironment_roundTripsWithTheRawAesLayout() throws IOException {
    assertSuccess(Cli.runWithEnv(pinEnv, encrypt(token("--pkcs11-key", hsm.aesKeyLabel()))));
    EncryptedDataKey edk = onlyEdk();
    assertEquals(Pkcs11KeyringOptions.DEFAULT_NAMESPACE, edk.providerId());
    byte[] info = edk.providerInfo();
    assertEquals(hsm.aesKeyLabel(), new String(info, 0, info.length - 20, StandardCharsets.UTF_8));
    assertSuccess(Cli.runWithEnv(pinEnv, decrypt(token("--pkcs11-key", hsm.aesKeyLabel()))));
    assertArrayEquals(content, Files.readAllBytes(out));
  }

  @Test
  void aesKey_pinFileAndCustomNames_roundTrip() throws IOException {
    Path pin = Files.writeString(dir.resolve("pin"), new String(hsm.pin()) + "\n");
    String[] keyring = token("--pkcs11-key", hsm.aesKeyLabel(), "--pkcs11-pin-file", pin.toString(),
        "--pkcs11-key-namespace", "acme-hsm", "--pkcs11-key-name", "orders master key");
    assertSuccess(Cli.run(encrypt(keyring)));
    EncryptedDataKey edk = onlyEdk();
    assertEquals("acme-hsm", edk.providerId());
    assertEquals("orders master key", new String(edk.providerInfo(), 0, edk.providerInfo().length - 20, StandardCharsets.UTF_8));
    assertSuccess(Cli.run(decrypt(keyring)));
    assertArrayEquals(content, Files.readAllBytes(out));
  }

  @Test
  void decrypt_otherKeyNamespace_failsWithNoMatchingKey() {
    assertSuccess(Cli.runWithEnv(pinEnv, encrypt(token("--pkcs11-key", hsm.aesKeyLabel()))));
    assertFailure(Cli.runWithEnv(pinEnv, decrypt(token("--pkcs11-key", hsm.aesKeyLabel(), "--pkcs11-key-namespace", "other"))),
        ExitCode.NO_MATCHING_KEY, "no key can decrypt this message");
    assertNoOutputLeft(out);
  }

  @Test
  void slotIndex_selectsTheSameTokenAsItsLabel() throws IOException {
    String index = Integer.toString(hsm.slotIndex());
    assertSuccess(Cli.runWithEnv(pinEnv, encrypt("--pkcs11-library", hsm.library().toString(),
        "--pkcs11-slot-index", index, "--pkcs11-key", hsm.aesKeyLabel())));
    assertSuccess(Cli.runWithEnv(pinEnv, decrypt(token("--pkcs11-key", hsm.aesKeyLabel()))));
    assertArrayEquals(content, Files.readAllBytes(out));
  }

  @Test
  void rsaKeyPair_oaepSha256_roundTripsAndAnotherPaddingCannotDecrypt() throws IOException {
    assertSuccess(Cli.runWithEnv(pinEnv, encrypt(token("--pkcs11-key", hsm.rsaKeyLabel(), "--pkcs11-rsa-padding", "oaep-sha256"))));
    EncryptedDataKey edk = onlyEdk();
    assertEquals(hsm.rsaKeyLabel(), new String(edk.providerInfo(), StandardCharsets.UTF_8));
    assertEquals(256, edk.ciphertextLength(), "an RSA-2048 block");
    assertSuccess(Cli.runWithEnv(pinEnv, decrypt(token("--pkcs11-key", hsm.rsaKeyLabel(), "--pkcs11-rsa-padding", "oaep-sha256"))));
    assertArrayEquals(content, Files.readAllBytes(out));

    Files.delete(out);
    assertFailure(Cli.runWithEnv(pinEnv, decrypt(token("--pkcs11-key", hsm.rsaKeyLabel(), "--pkcs11-rsa-padding", "oaep-sha1"))),
        ExitCode.NO_MATCHING_KEY, "padding");
    assertNoOutputLeft(out);
  }

  @Test
  void rsaKeyPair_pkcs1_roundTrips() throws IOException {
    String[] keyring = token("--pkcs11-key", hsm.rsaKeyLabel(), "--pkcs11-rsa-padding", "pkcs1");
    assertSuccess(Cli.runWithEnv(pinEnv, encrypt(keyring)));
    assertSuccess(Cli.runWithEnv(pinEnv, decrypt(keyring)));
    assertArrayEquals(content, Files.readAllBytes(out));
  }

  @Test
  void wrongPin_failsWithKeyProviderAndWritesNothing() {
    Map<String, String> wrong = Map.of(Pkcs11KeyringOptions.PIN_VARIABLE, "not-the-pin-0000");
    assertFailure(Cli.runWithEnv(wrong, encrypt("--pkcs11-library", hsm.library().toString(),
        "--pkcs11-token", hsm.unopenedTokenLabel(), "--pkcs11-key", "any")),
        ExitCode.KEY_PROVIDER, "refused the login", Pkcs11KeyringOptions.PIN_VARIABLE);
    assertNoOutputLeft(message);
  }

  @Test
  void noPin_failsWithUsageNamingBothWays() {
    assertFailure(Cli.run(encrypt(token("--pkcs11-key", hsm.aesKeyLabel()))), ExitCode.USAGE,
        Pkcs11KeyringOptions.PIN_VARIABLE, "--pkcs11-pin-file", "never on the command line");
    assertNoOutputLeft(message);
  }

  @Test
  void missingPinFile_failsWithKeyFile() {
    assertFailure(Cli.run(encrypt(token("--pkcs11-key", hsm.aesKeyLabel(), "--pkcs11-pin-file",
        dir.resolve("nope").toString()))), ExitCode.KEY_FILE, "--pkcs11-pin-file", "does not exist");
  }

  @Test
  void missingKey_failsWithKeyProviderAndWritesNothing() {
    assertFailure(Cli.runWithEnv(pinEnv, encrypt(token("--pkcs11-key", "no-such-key"))), ExitCode.KEY_PROVIDER,
        "no-such-key");
    assertNoOutputLeft(message);
  }

  @Test
  void rsaPaddingOnAnAesKey_failsWithKeyInvalid() {
    assertFailure(Cli.runWithEnv(pinEnv, encrypt(token("--pkcs11-key", hsm.aesKeyLabel(), "--pkcs11-rsa-padding", "oaep-sha256"))),
        ExitCode.KEY_INVALID, "wrong kind");
    assertNoOutputLeft(message);
  }

  @Test
  void unknownRsaPadding_failsWithUsage() {
    assertFailure(Cli.runWithEnv(pinEnv, encrypt(token("--pkcs11-key", hsm.rsaKeyLabel(), "--pkcs11-rsa-padding", "oaep-md5"))),
        ExitCode.USAGE, "--pkcs11-rsa-padding");
  }

  @Test
  void unknownToken_failsWithKeyProviderListingTheTokens() {
    assertFailure(Cli.runWithEnv(pinEnv, encrypt("--pkcs11-library", hsm.library().toString(), "--pkcs11-token", "no-such-token",
        "--pkcs11-key", hsm.aesKeyLabel())), ExitCode.KEY_PROVIDER, "no-such-token", hsm.tokenLabel());
  }

  @Test
  void missingLibrary_failsWithKeyProvider() {
    assertFailure(Cli.runWithEnv(pinEnv, encrypt("--pkcs11-library", dir.resolve("libnothing.so").toString(),
        "--pkcs11-token", hsm.tokenLabel(), "--pkcs11-key", hsm.aesKeyLabel())), ExitCode.KEY_PROVIDER, "libnothing.so");
  }

  @Test
  void tokenLabelAndSlotIndexTogether_failUsage() {
    assertFailure(Cli.runWithEnv(pinEnv, encrypt(token("--pkcs11-slot-index", "0", "--pkcs11-key", hsm.aesKeyLabel()))),
        ExitCode.USAGE, "exactly one of --pkcs11-token");
  }

  @Test
  void noKeyLabel_failsWithUsage() {
    assertFailure(Cli.runWithEnv(pinEnv, encrypt(token())), ExitCode.USAGE, "--pkcs11-key LABEL");
  }

  @Test
  void noLibrary_failsWithUsage() {
    assertFailure(Cli.runWithEnv(pinEnv, encrypt("--pkcs11-token", hsm.tokenLabel(), "--pkcs11-key", hsm.aesKeyLabel())),
        ExitCode.USAGE, "--pkcs11-library");
  }
}
