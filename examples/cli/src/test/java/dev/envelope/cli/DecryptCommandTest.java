package dev.envelope.cli;

import static dev.envelope.cli.Cli.assertFailure;
import static dev.envelope.cli.Cli.assertNoOutputLeft;
import static dev.envelope.cli.Cli.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.AlgorithmSuite;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.keyring.RawAesKeyring;
import dev.envelope.keyring.RsaPadding;
import dev.envelope.materials.RequiredContextMaterialsManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class DecryptCommandTest {
  @TempDir Path dir;
  Path key;
  Path message;
  Path out;
  byte[] content;

  @BeforeEach
  void encryptOne() throws IOException {
    key = TestKeys.aesKeyFile(dir, "aes.key", 32);
    content = TestKeys.randomBytes(5_000);
    Path plain = Files.write(dir.resolve("plain"), content);
    message = dir.resolve("message.env");
    out = dir.resolve("out.bin");
    assertSuccess(Cli.run("encrypt", "--in", plain.toString(), "--out", message.toString(),
        "--context", "tenant=acme", "--context", "purpose=test", "--frame-size", "1000",
        "--raw-aes-key", key.toString(), "--key-namespace", "ns", "--key-name", "name"));
  }

  String[] decrypt(String... extra) {
    List<String> a = new ArrayList<>(List.of("decrypt", "--in", message.toString(), "--out", out.toString()));
    a.addAll(List.of(extra));
    return a.toArray(String[]::new);
  }

  String[] decryptAes(String... extra) {
    List<String> a = new ArrayList<>(List.of(decrypt(extra)));
    a.addAll(List.of("--raw-aes-key", key.toString(), "--key-namespace", "ns", "--key-name", "name"));
    return a.toArray(String[]::new);
  }

  /** Rewrites the message as encrypted with 0x0478 and frames of 16 bytes over 100 bytes. */
  int smallFramedMessage() throws IOException {
    Path plain = Files.write(dir.resolve("small"), Arrays.copyOf(content, 100));
    content = Arrays.copyOf(content, 100);
    assertSuccess(Cli.run("encrypt", "--in", plain.toString(), "--out", message.toString(),
        "--suite", "0x0478", "--frame-size", "16",
        "--raw-aes-key", key.toString(), "--key-namespace", "ns", "--key-name", "name"));
    return Envelope.inspectUnauthenticated(Files.readAllBytes(message)).headerLength();
  }

  @Test
  void decrypt_rightKeyAndContext_writesThePlaintext() throws IOException {
    assertSuccess(Cli.run(decryptAes("--context", "tenant=acme", "--context", "purpose=test")));
    assertArrayEquals(content, Files.readAllBytes(out));
  }

  @Test
  void decrypt_noContext_acceptsTheStoredContext() throws IOException {
    assertSuccess(Cli.run(decryptAes()));
    assertArrayEquals(content, Files.readAllBytes(out));
  }

  @Test
  void decrypt_partOfTheStoredContext_succeeds() throws IOException {
    assertSuccess(Cli.run(decryptAes("--context", "tenant=acme")));
    assertArrayEquals(content, Files.readAllBytes(out));
  }

  @Test
  void decrypt_stdinToStdout_writesThePlaintextOnStdout() throws IOException {
    Cli.Result r = Cli.run(Files.readAllBytes(message), "decrypt", "--in", "-", "--out", "-",
        "--raw-aes-key", key.toString(), "--key-namespace", "ns", "--key-name", "name");
    assertSuccess(r);
    assertArrayEquals(content, r.stdout());
  }

  @ParameterizedTest
  @EnumSource(RsaPadding.class)
  void decrypt_rsaEveryPadding_roundTrips(RsaPadding padding) throws IOException {
    Path plain = Files.write(dir.resolve("plain"), content);
    assertSuccess(Cli.run("encrypt", "--in", plain.toString(), "--out", message.toString(),
        "--raw-rsa-key", TestKeys.publicPem(dir).toString(), "--rsa-padding", padding.id(),
        "--key-namespace", "rsa", "--key-name", "k"));
    assertSuccess(Cli.run(decrypt("--raw-rsa-key", TestKeys.privatePem(dir).toString(),
        "--rsa-padding", padding.id(), "--key-namespace", "rsa", "--key-name", "k")));
    assertArrayEquals(content, Files.readAllBytes(out));
  }

  @Test
  void decrypt_rsaWrongPadding_failsWithNoMatchingKeyStatus() throws IOException {
    Path plain = Files.write(dir.resolve("plain"), content);
    assertSuccess(Cli.run("encrypt", "--in", plain.toString(), "--out", message.toString(),
        "--raw-rsa-key", TestKeys.publicPem(dir).toString(), "--rsa-padding", "oaep-sha256",
        "--key-namespace", "rsa", "--key-name", "k"));
    assertFailure(Cli.run(decrypt("--raw-rsa-key", TestKeys.privatePem(dir).toString(),
        "--rsa-padding", "oaep-sha1", "--key-namespace", "rsa", "--key-name", "k")),
        ExitCode.NO_MATCHING_KEY, "no key can decrypt this message", "padding");
    assertNoOutputLeft(out);
  }

  /**
   * Issue 12, finding 5, through the CLI: before implicit rejection a bad PKCS#1 padding exited 11
   * ("no key can decrypt") and a conformant padding holding a wrong data key exited 9: a padding
   * oracle. Both now give the same exit status and the same stderr line.
   */
  @Test
  void decrypt_pkcs1BadPaddingVersusWrongKey_sameStatusAndStderr() throws Exception {
    Path plain = Files.write(dir.resolve("plain"), content);
    assertSuccess(Cli.run("encrypt", "--in", plain.toString(), "--out", message.toString(),
        "--raw-rsa-key", TestKeys.publicPem(dir).toString(), "--rsa-padding", "pkcs1",
        "--key-namespace", "rsa", "--key-name", "k"));
    byte[] original = Files.readAllBytes(message);
    byte[] edk = Envelope.inspectUnauthenticated(original).encryptedDataKeys().get(0).ciphertext();
    javax.crypto.Cipher raw = javax.crypto.Cipher.getInstance("RSA/ECB/NoPadding");
    raw.init(javax.crypto.Cipher.ENCRYPT_MODE, TestKeys.RSA.getPublic());
    byte[] badBlock = new byte[256];
    badBlock[1] = 1; // block type 1: not an encryption padding
    javax.crypto.Cipher pkcs1 = javax.crypto.Cipher.getInstance("RSA/ECB/PKCS1Padding");
    pkcs1.init(javax.crypto.Cipher.ENCRYPT_MODE, TestKeys.RSA.getPublic());

    List<Cli.Result> results = new ArrayList<>();
    for (byte[] attack : List.of(raw.doFinal(badBlock), pkcs1.doFinal(TestKeys.randomBytes(32)))) {
      byte[] crafted = original.clone();
      for (int i = 0; i + edk.length <= crafted.length; i++) {
        if (Arrays.equals(original, i, i + edk.length, edk, 0, edk.length)) {
          System.arraycopy(attack, 0, crafted, i, attack.length);
        }
      }
      Files.write(message, crafted);
      results.add(Cli.run(decrypt("--raw-rsa-key", TestKeys.privatePem(dir).toString(),
          "--rsa-padding", "pkcs1", "--key-namespace", "rsa", "--key-name", "k")));
      assertNoOutputLeft(out);
    }

    assertFailure(results.get(0), ExitCode.AUTHENTICATION, "does not verify");
    assertEquals(results.get(1).status(), results.get(0).status());
    assertEquals(results.get(1).stderr(), results.get(0).stderr());
  }

  @Test
  void decrypt_rsaPublicKeyGiven_failsWithKeyInvalidStatus() {
    assertFailure(Cli.run(decrypt("--raw-rsa-key", TestKeys.publicPem(dir).toString(),
        "--rsa-padding", "oaep-sha1", "--key-namespace", "rsa", "--key-name", "k")),
        ExitCode.KEY_INVALID, "decrypting needs an RSA private key PEM in PKCS#8");
    assertNoOutputLeft(out);
  }

  @Test
  void decrypt_pkcs1PrivateKeyPem_failsWithAConversionHint() {
    Path pem = TestKeys.write(dir.resolve("pkcs1.pem"),
        "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n".getBytes());
    assertFailure(Cli.run(decrypt("--raw-rsa-key", pem.toString(), "--rsa-padding", "pkcs1",
        "--key-namespace", "rsa", "--key-name", "k")), ExitCode.KEY_INVALID, "openssl pkcs8 -topk8");
  }

  @Test
  void decrypt_badPem_failsWithKeyInvalidStatus() {
    Path pem = TestKeys.write(dir.resolve("bad.pem"), "this is not a PEM file".getBytes());
    assertFailure(Cli.run(decrypt("--raw-rsa-key", pem.toString(), "--rsa-padding", "pkcs1",
        "--key-namespace", "rsa", "--key-name", "k")), ExitCode.KEY_INVALID, "bad.pem' is not usable");
    assertNoOutputLeft(out);
  }

  @Test
  void decrypt_wrongAesKey_failsWithNoMatchingKeyStatusAndNoOutput() {
    key = TestKeys.aesKeyFile(dir, "other.key", 32);
    assertFailure(Cli.run(decryptAes()), ExitCode.NO_MATCHING_KEY, "no key can decrypt this message",
        "key bytes differ");
    assertNoOutputLeft(out);
  }

  @Test
  void decrypt_wrongKeyName_failsWithNoMatchingKeyStatus() {
    assertFailure(Cli.run(decrypt("--raw-aes-key", key.toString(), "--key-namespace", "ns", "--key-name", "other")),
        ExitCode.NO_MATCHING_KEY, "no encrypted data key is for raw AES key 'ns'/'other'");
    assertNoOutputLeft(out);
  }

  @Test
  void decrypt_wrongContextValue_failsWithContextStatusAndNoOutput() {
    Cli.Result r = Cli.run(decryptAes("--context", "tenant=evil"));
    assertFailure(r, ExitCode.CONTEXT_MISMATCH, "wrong encryption context", "[tenant]");
    assertEquals(-1, r.stderr().indexOf("evil"), "context values are never printed");
    assertNoOutputLeft(out);
  }

  @Test
  void decrypt_contextPairNotStored_isRequiredContextAndFails() {
    assertFailure(Cli.run(decryptAes("--context", "tenant=acme", "--context", "region=eu")),
        ExitCode.CONTEXT_MISMATCH, "[region]", "required");
    assertNoOutputLeft(out);
  }

  @Test
  void decrypt_requiredContextMessage_decryptsOnlyWithThePair() throws IOException {
    RawAesKeyring keyring = RawAesKeyring.builder().keyNamespace("ns").keyName("name")
        .wrappingKey(Files.readAllBytes(key)).build();
    Envelope writer = Envelope.builder()
        .materialsManager(RequiredContextMaterialsManager.of(keyring, Set.of("tenant"))).build();
    Files.write(message, writer.encrypt(content, EncryptionContext.of("tenant", "acme", "purpose", "x")));
    assertFalse(Envelope.inspectUnauthenticated(Files.readAllBytes(message)).storedContext().containsKey("tenant"),
        "the required pair is not stored");

    assertFailure(Cli.run(decryptAes()), ExitCode.NO_MATCHING_KEY, "encryption context differs");
    assertNoOutputLeft(out);
    assertFailure(Cli.run(decryptAes("--context", "tenant=other")), ExitCode.CONTEXT_MISMATCH, "[tenant]");
    assertNoOutputLeft(out);
    assertSuccess(Cli.run(decryptAes("--context", "tenant=acme")));
    assertArrayEquals(content, Files.readAllBytes(out));
  }

  @Test
  void decrypt_tamperedFrame_failsWithAuthenticationStatusAndNoOutput() throws IOException {
    byte[] m = Files.readAllBytes(message);
    int header = Envelope.inspectUnauthenticated(m).headerLength();
    m[header + 2 * 1044 + 100] ^= 1; // inside the third frame's ciphertext
    Files.write(message, m);
    assertFailure(Cli.run(decryptAes()), ExitCode.AUTHENTICATION, "does not verify");
    assertNoOutputLeft(out);
  }

  @Test
  void decrypt_tamperedSignature_failsWithAuthenticationStatusAndNoOutput() throws IOException {
    byte[] m = Files.readAllBytes(message);
    m[m.length - 5] ^= 1;
    Files.write(message, m);
    assertFailure(Cli.run(decryptAes()), ExitCode.AUTHENTICATION, "does not verify");
    assertNoOutputLeft(out);
  }

  /** Issue 12 changed this: a signed message's frames are no longer printed before the signature. */
  @Test
  void decrypt_tamperedFrameToStdout_failsNonZeroAndPrintsNothingUnlessStreamUnverified() throws IOException {
    byte[] m = Files.readAllBytes(message);
    m[m.length - 200] ^= 1; // the final frame: nothing of it is released
    Cli.Result r = Cli.run(m, "decrypt", "--in", "-", "--out", "-",
        "--raw-aes-key", key.toString(), "--key-namespace", "ns", "--key-name", "name");
    assertEquals(ExitCode.AUTHENTICATION.code(), r.status(), r::toString);
    assertEquals(1, r.stderrLines().size(), r::stderr);
    assertEquals(0, r.stdout().length, "a signed message is held until it verifies");

    Cli.Result esdkLike = Cli.run(m, "decrypt", "--in", "-", "--out", "-", "--stream-unverified",
        "--raw-aes-key", key.toString(), "--key-namespace", "ns", "--key-name", "name");
    assertEquals(ExitCode.AUTHENTICATION.code(), esdkLike.status(), esdkLike::toString);
    assertEquals(5 * 1000 - 1000, esdkLike.stdout().length, "only the verified frames before the bad one were released");
  }

  /**
   * Issue 12, finding 7, the attack as reported: {@code decrypt --out -} of a 200 KB signed
   * message with an altered signature printed 196,608 bytes before failing. Now it prints none.
   */
  @Test
  void decrypt_200kSignedMessageWithTamperedSignatureToStdout_printsNothingAndFailsAuthentication() throws IOException {
    byte[] big = TestKeys.randomBytes(200_000);
    Path plain = Files.write(dir.resolve("big"), big);
    assertSuccess(Cli.run("encrypt", "--in", plain.toString(), "--out", message.toString(), "--frame-size", "4096",
        "--raw-aes-key", key.toString(), "--key-namespace", "ns", "--key-name", "name"));
    byte[] m = Files.readAllBytes(message);
    assertTrue(Envelope.inspectUnauthenticated(m).algorithmSuite().isSigned());
    m[m.length - 1] ^= 1; // the signature's last byte

    Cli.Result r = Cli.run(m, "decrypt", "--in", "-", "--out", "-",
        "--raw-aes-key", key.toString(), "--key-namespace", "ns", "--key-name", "name");

    assertEquals(0, r.stdout().length);
    assertFailure(r, ExitCode.AUTHENTICATION, "signature does not verify");
    // The intact message prints everything, after it verified.
    m[m.length - 1] ^= 1;
    Cli.Result intact = Cli.run(m, "decrypt", "--in", "-", "--out", "-",
        "--raw-aes-key", key.toString(), "--key-namespace", "ns", "--key-name", "name");
    assertSuccess(intact);
    assertArrayEquals(big, intact.stdout());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 50, 103, 2000, 4900})
  void decrypt_truncatedFile_failsWithMalformedStatusAndNoOutput(int cut) throws IOException {
    byte[] m = Files.readAllBytes(message);
    Files.write(message, Arrays.copyOf(m, m.length - cut));
    assertFailure(Cli.run(decryptAes()), ExitCode.MALFORMED, "not a valid message");
    assertNoOutputLeft(out);
  }

  @Test
  void decrypt_truncatedInsideHeader_failsWithMalformedStatus() throws IOException {
    byte[] m = Files.readAllBytes(message);
    Files.write(message, Arrays.copyOf(m, 40));
    assertFailure(Cli.run(decryptAes()), ExitCode.MALFORMED, "not a valid message");
    assertNoOutputLeft(out);
  }

  @Test
  void decrypt_trailingBytes_failsWithMalformedStatusAndNoOutput() throws IOException {
    byte[] m = Files.readAllBytes(message);
    Files.write(message, Arrays.copyOf(m, m.length + 1));
    assertFailure(Cli.run(decryptAes()), ExitCode.MALFORMED, "not a valid message");
    assertNoOutputLeft(out);
  }

  @Test
  void decrypt_framesOutOfOrder_failsWithMalformedStatusAndNoOutput() throws IOException {
    int header = smallFramedMessage();
    byte[] m = Files.readAllBytes(message);
    int frame = 4 + 12 + 16 + 16;
    byte[] swapped = m.clone();
    System.arraycopy(m, header, swapped, header + frame, frame);
    System.arraycopy(m, header + frame, swapped, header, frame);
    Files.write(message, swapped);
    assertFailure(Cli.run(decryptAes()), ExitCode.MALFORMED, "sequence number");
    assertNoOutputLeft(out);
  }

  @Test
  void decrypt_smallFrames_roundTrip() throws IOException {
    smallFramedMessage();
    assertSuccess(Cli.run(decryptAes()));
    assertArrayEquals(content, Files.readAllBytes(out));
  }

  @Test
  void decrypt_unknownSuiteInHeader_failsWithMalformedStatus() throws IOException {
    byte[] m = Files.readAllBytes(message);
    m[1] = (byte) 0x99;
    m[2] = (byte) 0x99;
    Files.write(message, m);
    assertFailure(Cli.run(decryptAes()), ExitCode.MALFORMED, "0x9999");
    assertNoOutputLeft(out);
  }

  @Test
  void decrypt_notAMessage_failsWithMalformedStatus() throws IOException {
    Files.write(message, TestKeys.randomBytes(1000));
    assertFailure(Cli.run(decryptAes()), ExitCode.MALFORMED, "not a valid message");
    assertNoOutputLeft(out);
  }

  @Test
  void decrypt_emptyFile_failsWithMalformedStatus() throws IOException {
    Files.write(message, new byte[0]);
    assertFailure(Cli.run(decryptAes()), ExitCode.MALFORMED, "not a valid message");
    assertNoOutputLeft(out);
  }

  @Test
  void decrypt_missingFile_failsWithInputStatus() {
    message = dir.resolve("absent.env");
    assertFailure(Cli.run(decryptAes()), ExitCode.INPUT, "absent.env' does not exist");
    assertNoOutputLeft(out);
  }

  @Test
  void decrypt_missingKeyFile_failsWithKeyFileStatus() {
    key = dir.resolve("absent.key");
    assertFailure(Cli.run(decryptAes()), ExitCode.KEY_FILE, "absent.key': it does not exist");
    assertNoOutputLeft(out);
  }

  @Test
  void decrypt_unreadableKeyFile_failsWithKeyFileStatus() throws IOException {
    key = Files.createDirectory(dir.resolve("keys"));
    assertFailure(Cli.run(decryptAes()), ExitCode.KEY_FILE, "cannot read --raw-aes-key");
    assertNoOutputLeft(out);
  }

  @Test
  void decrypt_wrongKeySize_failsWithKeyInvalidStatus() {
    key = TestKeys.aesKeyFile(dir, "odd.key", 31);
    assertFailure(Cli.run(decryptAes()), ExitCode.KEY_INVALID, "holds 31 bytes");
    assertNoOutputLeft(out);
  }

  @Test
  void decrypt_failure_leavesAnExistingOutputUntouched() throws IOException {
    Files.writeString(out, "previous");
    assertFailure(Cli.run(decryptAes("--context", "tenant=evil")), ExitCode.CONTEXT_MISMATCH);
    assertEquals("previous", Files.readString(out));
  }

  /** Issue 12 changed this: non-committing messages are read only with an explicit policy. */
  @Test
  void decrypt_everySuite_isReadWithTheLegacyPolicyEvenWhenNotCommitting() throws IOException {
    for (AlgorithmSuite suite : AlgorithmSuite.values()) {
      Path plain = Files.write(dir.resolve("plain"), content);
      assertSuccess(Cli.run("encrypt", "-q", "--in", plain.toString(), "--out", message.toString(),
          "--suite", suite.idHex(), "--raw-aes-key", key.toString(), "--key-namespace", "ns", "--key-name", "name"));
      assertSuccess(Cli.run(decryptAes("--commitment-policy", "require-encrypt-allow-decrypt")));
      assertArrayEquals(content, Files.readAllBytes(out), suite::idHex);
    }
  }

  /**
   * Issue 12, finding 8: the CLI used to read every message without key commitment, so with "any
   * one of several keys decrypts" one ciphertext could open to two plaintexts. Now, as in the ESDK
   * CLI, decrypt requires commitment unless told otherwise, and the refusal names the flag.
   */
  @ParameterizedTest
  @ValueSource(strings = {"0x0014", "0x0178", "0x0378"})
  void decrypt_nonCommittingMessageByDefault_isRefusedNamingTheFlag(String suite) throws IOException {
    Path plain = Files.write(dir.resolve("plain"), content);
    assertSuccess(Cli.run("encrypt", "-q", "--in", plain.toString(), "--out", message.toString(),
        "--suite", suite, "--raw-aes-key", key.toString(), "--key-namespace", "ns", "--key-name", "name"));

    assertFailure(Cli.run(decryptAes()), ExitCode.POLICY, suite, "does not commit to its key",
        "--commitment-policy require-encrypt-allow-decrypt");
    assertNoOutputLeft(out);
    assertFailure(Cli.run(decryptAes("--commitment-policy", "require-encrypt-require-decrypt")), ExitCode.POLICY,
        "--commitment-policy require-encrypt-allow-decrypt");
    assertSuccess(Cli.run(decryptAes("--commitment-policy", "forbid-encrypt-allow-decrypt")));
    assertArrayEquals(content, Files.readAllBytes(out));
  }

  @Test
  void decrypt_unknownCommitmentPolicy_failsWithUsageStatus() {
    assertFailure(Cli.run(decryptAes("--commitment-policy", "allow-everything")), ExitCode.USAGE,
        "--commitment-policy", "require-encrypt-allow-decrypt");
  }

  @Test
  void decrypt_nonFramedMessage_restoresThePlaintext() throws IOException {
    RawAesKeyring keyring = RawAesKeyring.builder().keyNamespace("ns").keyName("name")
        .wrappingKey(Files.readAllBytes(key)).build();
    Files.write(message, Envelope.builder().keyring(keyring).framed(false).build()
        .encrypt(content, EncryptionContext.of("tenant", "acme")));

    Cli.Result inspected = Cli.run("inspect", "--in", message.toString());
    assertTrue(inspected.stdoutText().contains("\"contentType\": \"non-framed\""), inspected.stdoutText());
    assertSuccess(Cli.run(decryptAes("--context", "tenant=acme")));
    assertArrayEquals(content, Files.readAllBytes(out));
  }

  @Test
  void decrypt_suiteOption_isNotAccepted() {
    assertFailure(Cli.run(decryptAes("--suite", "0x0478")), ExitCode.USAGE, "--suite");
  }
}
