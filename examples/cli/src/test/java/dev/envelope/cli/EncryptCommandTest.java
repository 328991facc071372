package dev.envelope.cli;

import static dev.envelope.cli.Cli.assertFailure;
import static dev.envelope.cli.Cli.assertNoOutputLeft;
import static dev.envelope.cli.Cli.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.AlgorithmSuite;
import dev.envelope.Envelope;
import dev.envelope.UnauthenticatedHeader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class EncryptCommandTest {
  @TempDir Path dir;
  Path key;
  Path plaintext;
  Path message;
  byte[] content;

  @BeforeEach
  void files() throws IOException {
    key = TestKeys.aesKeyFile(dir, "aes.key", 32);
    content = TestKeys.randomBytes(10_000);
    plaintext = Files.write(dir.resolve("plain.bin"), content);
    message = dir.resolve("message.env");
  }

  String[] encrypt(String... extra) {
    List<String> a = new ArrayList<>(List.of("encrypt", "--in", plaintext.toString(), "--out", message.toString()));
    a.addAll(List.of(extra));
    return a.toArray(String[]::new);
  }

  String[] aes(String... extra) {
    List<String> a = new ArrayList<>(List.of(extra));
    a.addAll(List.of("--raw-aes-key", key.toString(), "--key-namespace", "ns", "--key-name", "name"));
    return a.toArray(String[]::new);
  }

  String[] encryptAes(String... extra) {
    return encrypt(aes(extra));
  }

  byte[] decryptAes(String... context) throws IOException {
    return decryptAes(false, context);
  }

  /** With {@code legacy}, reads messages that do not commit to their key too. */
  byte[] decryptAes(boolean legacy, String... context) throws IOException {
    Path back = dir.resolve("back.bin");
    List<String> a = new ArrayList<>(List.of("decrypt", "--in", message.toString(), "--out", back.toString()));
    if (legacy) {
      a.addAll(List.of("--commitment-policy", "require-encrypt-allow-decrypt"));
    }
    for (String pair : context) {
      a.add("--context");
      a.add(pair);
    }
    a.addAll(List.of(aes()));
    assertSuccess(Cli.run(a.toArray(String[]::new)));
    return Files.readAllBytes(back);
  }

  UnauthenticatedHeader header() throws IOException {
    return Envelope.inspectUnauthenticated(Files.readAllBytes(message));
  }

  @Test
  void encrypt_defaults_writesSuite0578MessageThatDecrypts() throws IOException {
    assertSuccess(Cli.run(encryptAes()));

    assertEquals(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384, header().algorithmSuite());
    assertEquals(Envelope.DEFAULT_FRAME_SIZE, header().frameLength());
    assertArrayEquals(content, decryptAes());
  }

  @ParameterizedTest
  @EnumSource(AlgorithmSuite.class)
  void encrypt_everySuite_writesThatSuiteAndDecrypts(AlgorithmSuite suite) throws IOException {
    assertSuccess(Cli.run(encryptAes("--quiet", "--suite", suite.idHex(), "--context", "tenant=acme")));

    assertEquals(suite, header().algorithmSuite());
    assertArrayEquals(content, decryptAes(!suite.isCommitting(), "tenant=acme"));
  }

  @Test
  void encrypt_suiteWithoutPrefixOrLowerCase_isAccepted() throws IOException {
    assertSuccess(Cli.run(encryptAes("--suite", "0478")));
    assertEquals(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY, header().algorithmSuite());
  }

  @Test
  void encrypt_nonCommittingSuite_succeedsWithOneWarningLine() throws IOException {
    Cli.Result r = Cli.run(encryptAes("--suite", "0x0014"));

    assertEquals(0, r.status(), r::toString);
    assertEquals(1, r.stderrLines().size(), r::stderr);
    assertTrue(r.stderr().startsWith("envelope: warning: suite 0x0014 does not commit to its key"), r::stderr);
    assertTrue(r.stderr().contains("without key derivation"), r::stderr);
    assertArrayEquals(content, decryptAes(true));
  }

  @Test
  void encrypt_forbidPolicyWithoutSuite_writesTheNonCommittingDefault() throws IOException {
    assertSuccess(Cli.run(encryptAes("-q", "--commitment-policy", "forbid-encrypt-allow-decrypt")));
    assertEquals(AlgorithmSuite.AES_256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384, header().algorithmSuite());
    assertArrayEquals(content, decryptAes(true));
  }

  @Test
  void encrypt_policyContradictingSuite_failsWithUsageStatus() {
    assertFailure(Cli.run(encryptAes("--suite", "0x0378", "--commitment-policy", "require-encrypt-require-decrypt")),
        ExitCode.USAGE, "--suite 0x0378", "forbid-encrypt-allow-decrypt");
    assertFailure(Cli.run(encryptAes("--suite", "0x0478", "--commitment-policy", "forbid-encrypt-allow-decrypt")),
        ExitCode.USAGE, "--suite 0x0478");
    assertSuccess(Cli.run(encryptAes("--suite", "0x0478", "--commitment-policy", "require-encrypt-allow-decrypt")));
  }

  @Test
  void encrypt_nonCommittingSuiteQuiet_printsNothing() {
    assertSuccess(Cli.run(encryptAes("--suite", "0x0378", "-q")));
  }

  @Test
  void encrypt_frameSize_isWrittenToTheHeader() throws IOException {
    assertSuccess(Cli.run(encryptAes("--frame-size", "100")));

    assertEquals(100, header().frameLength());
    assertArrayEquals(content, decryptAes());
  }

  @Test
  void encrypt_contextValuesWithEqualsSpacesAndUnicode_areStoredExactly() throws IOException {
    assertSuccess(Cli.run(encryptAes(
        "--context", "query=a=b==c", "--context", "path=/srv/my files/x", "--context", "名前=値 ✓ 𝄞")));

    assertEquals(
        Map.of("query", "a=b==c", "path", "/srv/my files/x", "名前", "値 ✓ 𝄞"),
        header().storedContext().removeKeys(List.of("aws-crypto-public-key")).asMap());
    assertArrayEquals(content, decryptAes("名前=値 ✓ 𝄞", "query=a=b==c"));
  }

  @Test
  void encrypt_namespaceAndNameWithSpacesSlashesAndUnicode_roundTrip() throws IOException {
    String[] names = {"--raw-aes-key", key.toString(), "--key-namespace", "team keys/prod ☂", "--key-name", "clé 1/α"};
    List<String> a = new ArrayList<>(List.of(encrypt()));
    a.addAll(List.of(names));
    assertSuccess(Cli.run(a.toArray(String[]::new)));

    assertEquals("team keys/prod ☂", header().encryptedDataKeys().get(0).providerId());
    Path back = dir.resolve("back");
    List<String> d = new ArrayList<>(List.of("decrypt", "--in", message.toString(), "--out", back.toString()));
    d.addAll(List.of(names));
    assertSuccess(Cli.run(d.toArray(String[]::new)));
    assertArrayEquals(content, Files.readAllBytes(back));
  }

  @ParameterizedTest
  @ValueSource(ints = {16, 24, 32})
  void encrypt_everyAesKeySize_roundTrips(int size) throws IOException {
    key = TestKeys.aesKeyFile(dir, "key" + size, size);
    assertSuccess(Cli.run(encryptAes()));
    assertArrayEquals(content, decryptAes());
  }

  @Test
  void encrypt_stdinToStdout_writesTheMessageOnStdout() throws IOException {
    Cli.Result r = Cli.run(content, "encrypt", "--in", "-", "--out", "-",
        "--raw-aes-key", key.toString(), "--key-namespace", "ns", "--key-name", "name");

    assertSuccess(r);
    Files.write(message, r.stdout());
    assertArrayEquals(content, decryptAes());
  }

  @Test
  void encrypt_emptyInput_roundTrips() throws IOException {
    Files.write(plaintext, new byte[0]);
    assertSuccess(Cli.run(encryptAes()));
    assertArrayEquals(new byte[0], decryptAes());
  }

  @Test
  void encrypt_existingOutput_isReplaced() throws IOException {
    Files.writeString(message, "old content");
    assertSuccess(Cli.run(encryptAes()));
    assertArrayEquals(content, decryptAes());
  }

  @Test
  void encrypt_sameFileInAndOut_replacesItWithTheMessage() throws IOException {
    message = plaintext;
    assertSuccess(Cli.run(encryptAes()));
    assertNotEquals(content.length, Files.size(plaintext));
    assertArrayEquals(content, decryptAes());
  }

  @Test
  void encrypt_outputFile_isReadableByItsOwnerOnly() throws IOException {
    assertSuccess(Cli.run(encryptAes()));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(message)));
  }

  @Test
  void encrypt_missingInput_failsWithInputStatusAndNoOutput() {
    plaintext = dir.resolve("nope.txt");
    assertFailure(Cli.run(encryptAes()), ExitCode.INPUT, "input file '", "nope.txt' does not exist");
    assertNoOutputLeft(message);
  }

  @Test
  void encrypt_inputIsADirectory_failsWithInputStatus() {
    plaintext = dir;
    assertFailure(Cli.run(encryptAes()), ExitCode.INPUT, "is a directory");
    assertNoOutputLeft(message);
  }

  @Test
  void encrypt_missingKeyFile_failsWithKeyFileStatus() {
    key = dir.resolve("missing.key");
    assertFailure(Cli.run(encryptAes()), ExitCode.KEY_FILE, "--raw-aes-key '", "missing.key': it does not exist");
    assertNoOutputLeft(message);
  }

  @Test
  void encrypt_unreadableKeyFile_failsWithKeyFileStatus() throws IOException {
    key = Files.createDirectory(dir.resolve("key-dir"));
    assertFailure(Cli.run(encryptAes()), ExitCode.KEY_FILE, "cannot read --raw-aes-key", "directory");
    assertNoOutputLeft(message);
  }

  @Test
  void encrypt_wrongKeySize_failsWithKeyInvalidStatus() {
    key = TestKeys.aesKeyFile(dir, "short.key", 20);
    assertFailure(Cli.run(encryptAes()), ExitCode.KEY_INVALID, "holds 20 bytes", "exactly 16, 24 or 32 raw bytes");
    assertNoOutputLeft(message);
  }

  @Test
  void encrypt_keyFollowedByNewline_failsWithAHint() throws IOException {
    byte[] withNewline = new byte[33];
    System.arraycopy(TestKeys.randomBytes(32), 0, withNewline, 0, 32);
    withNewline[32] = '\n';
    key = Files.write(dir.resolve("newline.key"), withNewline);
    assertFailure(Cli.run(encryptAes()), ExitCode.KEY_INVALID, "holds 33 bytes", "newline");
  }

  @Test
  void encrypt_hugeKeyFile_failsWithoutReadingIt() {
    key = TestKeys.aesKeyFile(dir, "big.key", 100_000);
    assertFailure(Cli.run(encryptAes()), ExitCode.KEY_INVALID, "more than 1024 bytes");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0x9999", "0x0000", "0x12345", "aes256", ""})
  void encrypt_unknownSuite_failsWithUsageStatus(String suite) {
    assertFailure(Cli.run(encryptAes("--suite", suite)), ExitCode.USAGE, "--suite", "envelope encrypt --help");
    assertNoOutputLeft(message);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "2147482624", "99999999999", "4k"})
  void encrypt_badFrameSize_failsWithUsageStatus(String frameSize) {
    assertFailure(Cli.run(encryptAes("--frame-size", frameSize)), ExitCode.USAGE, "--frame-size");
    assertNoOutputLeft(message);
  }

  @Test
  void encrypt_contextWithoutEquals_failsWithUsageStatus() {
    assertFailure(Cli.run(encryptAes("--context", "a=b", "--context", "secretvalue")), ExitCode.USAGE,
        "--context #2 has no '='");
  }

  @Test
  void encrypt_contextErrors_neverEchoTheValue() {
    Cli.Result r = Cli.run(encryptAes("--context", "secretvalue"));
    assertFailure(r, ExitCode.USAGE);
    assertTrue(!r.stderr().contains("secretvalue"), r::stderr);
  }

  @Test
  void encrypt_contextWithEmptyKey_failsWithUsageStatus() {
    assertFailure(Cli.run(encryptAes("--context", "=value")), ExitCode.USAGE, "empty key");
  }

  @Test
  void encrypt_contextWithEmptyValue_failsWithUsageStatus() {
    assertFailure(Cli.run(encryptAes("--context", "tenant=")), ExitCode.USAGE, "'tenant' has an empty value");
  }

  @Test
  void encrypt_contextKeyTwice_failsWithUsageStatus() {
    assertFailure(Cli.run(encryptAes("--context", "k=1", "--context", "k=2")), ExitCode.USAGE, "'k' is given twice");
  }

  @Test
  void encrypt_reservedContextKey_failsWithUsageStatus() {
    assertFailure(Cli.run(encryptAes("--context", "aws-crypto-public-key=x")), ExitCode.USAGE, "reserved");
    assertNoOutputLeft(message);
  }

  @Test
  void encrypt_contextOverTheFormatLimit_failsWithUsageStatus() {
    assertFailure(Cli.run(encryptAes("--context", "big=" + "x".repeat(70_000))), ExitCode.USAGE, "--context");
  }

  @Test
  void encrypt_noKeyring_failsWithUsageStatus() {
    assertFailure(Cli.run(encrypt()), ExitCode.USAGE, "give a keyring");
    assertNoOutputLeft(message);
  }

  @Test
  void encrypt_bothRawKeys_failsWithUsageStatus() {
    Path pem = TestKeys.publicPem(dir);
    assertFailure(Cli.run(encryptAes("--raw-rsa-key", pem.toString(), "--rsa-padding", "oaep-sha256")),
        ExitCode.USAGE, "either --raw-aes-key or --raw-rsa-key");
  }

  @Test
  void encrypt_keyWithoutName_failsWithUsageStatus() {
    assertFailure(Cli.run(encrypt("--raw-aes-key", key.toString(), "--key-namespace", "ns")),
        ExitCode.USAGE, "--key-namespace and --key-name");
  }

  @Test
  void encrypt_nameWithoutKey_failsWithUsageStatus() {
    assertFailure(Cli.run(encrypt("--key-namespace", "ns", "--key-name", "n")), ExitCode.USAGE, "need a key");
  }

  @Test
  void encrypt_awsKmsNamespace_failsWithUsageStatus() {
    assertFailure(Cli.run(encrypt("--raw-aes-key", key.toString(), "--key-namespace", "aws-kms", "--key-name", "n")),
        ExitCode.USAGE, "--key-namespace", "reserved for AWS KMS");
  }

  @Test
  void encrypt_rsaPaddingWithAesKey_failsWithUsageStatus() {
    assertFailure(Cli.run(encryptAes("--rsa-padding", "pkcs1")), ExitCode.USAGE, "--rsa-padding applies to --raw-rsa-key");
  }

  @Test
  void encrypt_rsaPublicKey_roundTripsWithThePrivateKey() throws IOException {
    Path pub = TestKeys.publicPem(dir);
    Path priv = TestKeys.privatePem(dir);
    assertSuccess(Cli.run(encrypt("--raw-rsa-key", pub.toString(), "--rsa-padding", "oaep-sha256",
        "--key-namespace", "rsa ns", "--key-name", "rsa key")));
    Path back = dir.resolve("back");
    assertSuccess(Cli.run("decrypt", "--in", message.toString(), "--out", back.toString(),
        "--raw-rsa-key", priv.toString(), "--rsa-padding", "oaep-sha256", "--key-namespace", "rsa ns", "--key-name", "rsa key"));
    assertArrayEquals(content, Files.readAllBytes(back));
  }

  @Test
  void encrypt_rsaPrivateKeyPem_failsWithKeyInvalidStatus() {
    Path priv = TestKeys.privatePem(dir);
    assertFailure(Cli.run(encrypt("--raw-rsa-key", priv.toString(), "--rsa-padding", "oaep-sha256",
        "--key-namespace", "ns", "--key-name", "n")), ExitCode.KEY_INVALID, "encrypting needs an RSA public key PEM");
    assertNoOutputLeft(message);
  }

  @Test
  void encrypt_badPem_failsWithKeyInvalidStatus() {
    Path pem = TestKeys.write(dir.resolve("bad.pem"), "-----BEGIN PUBLIC KEY-----\n%%%not base64%%%\n-----END PUBLIC KEY-----\n".getBytes(StandardCharsets.US_ASCII));
    assertFailure(Cli.run(encrypt("--raw-rsa-key", pem.toString(), "--rsa-padding", "pkcs1",
        "--key-namespace", "ns", "--key-name", "n")), ExitCode.KEY_INVALID, "bad.pem' is not usable");
    assertNoOutputLeft(message);
  }

  @Test
  void encrypt_pemOfAnotherKeyType_failsWithKeyInvalidStatus() throws Exception {
    java.security.KeyPairGenerator ec = java.security.KeyPairGenerator.getInstance("EC");
    ec.initialize(256);
    Path pem = TestKeys.write(dir.resolve("ec.pem"), TestKeys.pem("PUBLIC KEY", ec.generateKeyPair().getPublic().getEncoded()));
    assertFailure(Cli.run(encrypt("--raw-rsa-key", pem.toString(), "--rsa-padding", "pkcs1",
        "--key-namespace", "ns", "--key-name", "n")), ExitCode.KEY_INVALID, "not an RSA public key");
  }

  @Test
  void encrypt_missingPemFile_failsWithKeyFileStatus() {
    assertFailure(Cli.run(encrypt("--raw-rsa-key", dir.resolve("none.pem").toString(), "--rsa-padding", "pkcs1",
        "--key-namespace", "ns", "--key-name", "n")), ExitCode.KEY_FILE, "none.pem': it does not exist");
  }

  @Test
  void encrypt_rsaWithoutPadding_failsWithUsageStatus() {
    Path pub = TestKeys.publicPem(dir);
    assertFailure(Cli.run(encrypt("--raw-rsa-key", pub.toString(), "--key-namespace", "ns", "--key-name", "n")),
        ExitCode.USAGE, "needs --rsa-padding");
  }

  @Test
  void encrypt_unknownRsaPadding_failsWithUsageStatus() {
    Path pub = TestKeys.publicPem(dir);
    assertFailure(Cli.run(encrypt("--raw-rsa-key", pub.toString(), "--rsa-padding", "oaep-md5",
        "--key-namespace", "ns", "--key-name", "n")), ExitCode.USAGE, "unknown RSA padding");
  }

  @Test
  void encrypt_outputDirectoryMissing_failsWithOutputStatus() {
    message = dir.resolve("no-such-dir").resolve("out.env");
    assertFailure(Cli.run(encryptAes()), ExitCode.OUTPUT, "does not exist");
  }

  @Test
  void encrypt_outputIsADirectory_failsWithOutputStatus() {
    message = dir;
    assertFailure(Cli.run(encryptAes()), ExitCode.OUTPUT, "is a directory");
  }

  @Test
  void encrypt_outputIsAPipe_writesIntoItWithoutReplacingIt() throws Exception {
    Path fifo = dir.resolve("pipe");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    CompletableFuture<byte[]> reader = CompletableFuture.supplyAsync(() -> {
      try {
        return Files.readAllBytes(fifo);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    message = fifo;
    assertSuccess(Cli.run(encryptAes()));

    byte[] written = reader.get(1, TimeUnit.MINUTES);
    assertTrue(Files.readAttributes(fifo, BasicFileAttributes.class).isOther(), "the pipe must stay a pipe");
    message = Files.write(dir.resolve("from-pipe.env"), written);
    assertArrayEquals(content, decryptAes());
  }

  @Test
  void encrypt_outputIsASymlink_writesThroughTheLink() throws IOException {
    Path real = dir.resolve("real.env");
    Files.writeString(real, "old");
    Path link = Files.createSymbolicLink(dir.resolve("link.env"), real);
    message = link;
    assertSuccess(Cli.run(encryptAes()));
    assertTrue(Files.isSymbolicLink(link), "the link stays a link");
    message = real;
    assertArrayEquals(content, decryptAes());
  }

  @Test
  void encrypt_missingRequiredOption_failsWithUsageStatus() {
    assertFailure(Cli.run("encrypt", "--out", message.toString()), ExitCode.USAGE, "--in");
  }

  @Test
  void encrypt_unknownOption_failsWithUsageStatus() {
    assertFailure(Cli.run(encryptAes("--colour")), ExitCode.USAGE, "--colour");
  }
}
