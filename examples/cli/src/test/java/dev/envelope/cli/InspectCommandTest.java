package dev.envelope.cli;

import static dev.envelope.cli.Cli.assertFailure;
import static dev.envelope.cli.Cli.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.AlgorithmSuite;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.keyring.MultiKeyring;
import dev.envelope.keyring.RawAesKeyring;
import dev.envelope.keyring.RawRsaKeyring;
import dev.envelope.keyring.RsaPadding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {
  @TempDir Path dir;
  Path message;
  RawAesKeyring aes;
  RawRsaKeyring rsa;

  @BeforeEach
  void keyrings() {
    message = dir.resolve("m.env");
    aes = RawAesKeyring.builder().keyNamespace("aes ns/1").keyName("clé 🔑").wrappingKey(TestKeys.randomBytes(32)).build();
    rsa = RawRsaKeyring.builder().keyNamespace("rsa-ns").keyName("rsa key/2").padding(RsaPadding.OAEP_SHA256_MGF1)
        .publicKey(TestKeys.RSA.getPublic()).build();
  }

  String inspect() {
    Cli.Result r = Cli.run("inspect", "--in", message.toString());
    assertSuccess(r);
    return r.stdoutText();
  }

  @Test
  void inspect_rawAesMessage_showsKeyNameTagAndIvLength() throws IOException {
    Envelope e = Envelope.builder().keyring(aes).build();
    Files.write(message, e.encrypt(new byte[10], EncryptionContext.of("tenant", "acme")));

    String json = inspect();
    assertTrue(json.contains("\"providerId\": \"aes ns/1\""), json);
    assertTrue(json.contains("\"layout\": \"raw-aes\""), json);
    assertTrue(json.contains("\"keyName\": \"clé 🔑\""), json);
    assertTrue(json.contains("\"tagLengthBits\": 128"), json);
    assertTrue(json.contains("\"ivLength\": 12"), json);
    assertTrue(json.contains("\"ciphertextLength\": 48"), json);
    assertTrue(json.contains("\"tenant\": \"acme\""), json);
  }

  @Test
  void inspect_anyMessage_isLabelledUnauthenticatedFirst() throws IOException {
    Files.write(message, Envelope.builder().keyring(aes).build().encrypt(new byte[1], EncryptionContext.empty()));
    String json = inspect();
    assertTrue(json.startsWith("{\n  \"authenticated\": false,\n  \"warning\": \"UNAUTHENTICATED:"), json);
  }

  @Test
  void inspect_multiKeyringMessage_listsWhoCanDecrypt() throws IOException {
    Envelope e = Envelope.builder().keyring(MultiKeyring.of(aes, rsa))
        .algorithmSuite(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY).frameSize(512).build();
    byte[] m = e.encrypt(new byte[10], EncryptionContext.empty());
    Files.write(message, m);

    String json = inspect();
    assertTrue(json.contains("\"id\": \"0x0478\""), json);
    assertTrue(json.contains("\"signed\": false"), json);
    assertTrue(json.contains("\"providerId\": \"aes ns/1\""), json);
    assertTrue(json.contains("\"providerId\": \"rsa-ns\""), json);
    assertTrue(json.contains("\"layout\": \"text\",\n        \"keyName\": \"rsa key/2\""), json);
    assertTrue(json.contains("\"ciphertextLength\": 256"), json);
    assertTrue(json.contains("\"frameLength\": 512"), json);
    assertTrue(json.contains("\"version\": 2"), json);
    assertTrue(json.contains("\"encryptionContext\": {}"), json);
    String id = HexFormat.of().formatHex(Envelope.inspectUnauthenticated(m).messageId());
    assertEquals(64, id.length());
    assertTrue(json.contains("\"messageId\": \"" + id + "\""), json);
  }

  @Test
  void inspect_version1Message_showsVersion1() throws IOException {
    Envelope e = Envelope.builder().keyring(aes)
        .commitmentPolicy(dev.envelope.CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT)
        .algorithmSuite(AlgorithmSuite.AES_128_GCM_IV12_TAG16_HKDF_SHA256).build();
    Files.write(message, e.encrypt(new byte[10], EncryptionContext.empty()));
    String json = inspect();
    assertTrue(json.contains("\"version\": 1"), json);
    assertTrue(json.contains("\"committing\": false"), json);
    assertTrue(json.contains("\"keyDerivation\": \"HKDF_SHA256\""), json);
  }

  @Test
  void inspect_contextWithQuotesAndControlCharacters_isValidJson() throws IOException {
    Envelope e = Envelope.builder().keyring(aes).build();
    Files.write(message, e.encrypt(new byte[1], EncryptionContext.of("q\"k", "line1\nline2\\\t")));
    String json = inspect();
    assertTrue(json.contains("\"q\\\"k\": \"line1\\nline2\\\\\\t\""), json);
  }

  @Test
  void inspect_stdin_readsTheHeader() throws IOException {
    byte[] m = Envelope.builder().keyring(aes).build().encrypt(new byte[100_000], EncryptionContext.empty());
    Cli.Result r = Cli.run(m, "inspect", "--in", "-");
    assertSuccess(r);
    assertTrue(r.stdoutText().contains("\"id\": \"0x0578\""), r.stdoutText());
  }

  @Test
  void inspect_truncatedBody_stillShowsTheHeader() throws IOException {
    byte[] m = Envelope.builder().keyring(aes).build().encrypt(new byte[100], EncryptionContext.empty());
    Files.write(message, java.util.Arrays.copyOf(m, Envelope.inspectUnauthenticated(m).headerLength()));
    assertTrue(inspect().contains("\"contentType\": \"framed\""));
  }

  @Test
  void inspect_missingFile_failsWithInputStatus() {
    assertFailure(Cli.run("inspect", "--in", dir.resolve("none").toString()), ExitCode.INPUT, "does not exist");
  }

  @Test
  void inspect_notAMessage_failsWithMalformedStatus() throws IOException {
    Files.write(message, "hello, world".getBytes());
    assertFailure(Cli.run("inspect", "--in", message.toString()), ExitCode.MALFORMED, "not a valid message");
  }

  @Test
  void inspect_truncatedHeader_failsWithMalformedStatus() throws IOException {
    byte[] m = Envelope.builder().keyring(aes).build().encrypt(new byte[1], EncryptionContext.empty());
    Files.write(message, java.util.Arrays.copyOf(m, 30));
    assertFailure(Cli.run("inspect", "--in", message.toString()), ExitCode.MALFORMED, "not a valid message");
  }

  @Test
  void inspect_withoutIn_failsWithUsageStatus() {
    assertFailure(Cli.run("inspect"), ExitCode.USAGE, "--in");
  }
}
