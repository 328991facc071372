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
import dev.envelope.kms.KmsKeyring;
import dev.envelope.localkms.KmsOperation;
import dev.envelope.localkms.junit.LocalKms;
import dev.envelope.testkit.junit.KmsExtension;
import dev.envelope.testkit.junit.KmsFixture;
import dev.envelope.materials.RequiredContextMaterialsManager;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The KMS keyring options of encrypt and decrypt against the real local KMS endpoint (the AWS SDK
 * over HTTP, SigV4 signed), counting the calls that reach it: strict and discovery decrypt, several
 * keys, the failure paths and their exit statuses, and the usage errors.
 */
class KmsKeyringTest {
  @RegisterExtension
  static final KmsExtension KMS = KmsExtension.builder().server(b -> b.regions("us-east-1", "us-west-2")).build();

  static LocalKms kms;
  static String east;
  static String west;
  static String account;

  @TempDir Path dir;
  Path plain;
  Path message;
  Path out;
  byte[] content;

  @BeforeAll
  static void keys(KmsFixture fixture) {
    LocalKms local = fixture.localKms();
    kms = local;
    east = fixture.keyArn();
    west = local.client("us-west-2").createKey(r -> r.description("west")).keyMetadata().arn();
    account = local.server().accountId();
  }

  @BeforeEach
  void files() throws IOException {
    content = TestKeys.randomBytes(20_000);
    plain = Files.write(dir.resolve("plain.txt"), content);
    message = dir.resolve("plain.txt.env");
    out = dir.resolve("back.txt");
  }

  /** The environment of a CLI run: the endpoint's credentials, as AWS_ACCESS_KEY_ID etc. */
  static Map<String, String> env() {
    return Map.of("AWS_ACCESS_KEY_ID", kms.credentials().accessKeyId(),
        "AWS_SECRET_ACCESS_KEY", kms.credentials().secretAccessKey());
  }

  static String[] args(Object... parts) {
    return Arrays.stream(parts).map(Object::toString).toArray(String[]::new);
  }

  Cli.Result encrypt(String... keyring) {
    List<String> a = new ArrayList<>(List.of("encrypt", "--in", plain.toString(), "--out", message.toString(),
        "--context", "tenant=acme", "--kms-endpoint", kms.endpoint().toString()));
    a.addAll(List.of(keyring));
    return Cli.runWithEnv(env(), a.toArray(new String[0]));
  }

  Cli.Result decrypt(String... keyring) {
    return decryptWithEnv(env(), keyring);
  }

  Cli.Result decryptWithEnv(Map<String, String> env, String... keyring) {
    List<String> a = new ArrayList<>(List.of("decrypt", "--in", message.toString(), "--out", out.toString(),
        "--kms-endpoint", kms.endpoint().toString()));
    a.addAll(List.of(keyring));
    return Cli.runWithEnv(env, a.toArray(new String[0]));
  }

  List<String> edks() throws IOException {
    List<String> layout = new ArrayList<>();
    for (EncryptedDataKey edk : Envelope.inspectUnauthenticated(Files.readAllBytes(message)).encryptedDataKeys()) {
      layout.add(edk.providerId() + " " + edk.providerInfoUtf8());
    }
    return layout;
  }

  long calls(KmsOperation op) {
    return kms.server().callCount(op);
  }

  @Test
  void encrypt_kmsKey_writesTheEsdkLayoutAndDecryptsStrictly() throws IOException {
    assertSuccess(encrypt("--kms-key", east));
    assertEquals(List.of("aws-kms " + east), edks(), "provider id aws-kms, provider info the key ARN");
    assertEquals(1, calls(KmsOperation.GENERATE_DATA_KEY));

    assertSuccess(decrypt("--context", "tenant=acme", "--kms-key", east));

    assertArrayEquals(content, Files.readAllBytes(out));
    assertEquals(1, calls(KmsOperation.DECRYPT));
  }

  @Test
  void decrypt_discovery_decryptsWithinTheFilterAndSkipsOtherAccountsWithoutACall() throws IOException {
    assertSuccess(encrypt("--kms-key", east));

    assertSuccess(decrypt("--kms-discovery", "--kms-discovery-account", account));
    assertArrayEquals(content, Files.readAllBytes(out));
    Files.delete(out);
    assertSuccess(decrypt("--kms-discovery")); // no filter: any account the credentials reach
    assertArrayEquals(content, Files.readAllBytes(out));
    Files.delete(out);
    assertEquals(2, calls(KmsOperation.DECRYPT));

    assertFailure(decrypt("--kms-discovery", "--kms-discovery-account", "999988887777"), ExitCode.NO_MATCHING_KEY,
        "rejected by the discovery filter");
    assertNoOutputLeft(out);
    assertFailure(decrypt("--kms-discovery", "--kms-discovery-account", account, "--kms-discovery-partition", "aws-cn"),
        ExitCode.NO_MATCHING_KEY, "rejected by the discovery filter");
    assertFailure(decrypt("--kms-discovery", "--kms-region", "us-west-2"), ExitCode.NO_MATCHING_KEY, "us-east-1");
    assertEquals(2, calls(KmsOperation.DECRYPT), "keys outside the filter or the region are never sent to KMS");
  }

  @Test
  void encrypt_twoKeysInTwoRegions_firstGeneratesAndEitherDecryptsAlone() throws IOException {
    assertSuccess(encrypt("--kms-key", east, "--kms-key", west));

    assertEquals(List.of("aws-kms " + east, "aws-kms " + west), edks());
    assertEquals(1, calls(KmsOperation.GENERATE_DATA_KEY));
    assertEquals(1, calls(KmsOperation.ENCRYPT));
    assertSuccess(decrypt("--kms-key", west));
    assertArrayEquals(content, Files.readAllBytes(out));
    Files.delete(out);
    assertSuccess(decrypt("--kms-key", east));
    assertArrayEquals(content, Files.readAllBytes(out));
  }

  @Test
  void encrypt_kmsAndRawAesKeyrings_makeAMultiKeyringWhoseRawKeyDecryptsAlone() throws IOException {
    Path key = TestKeys.aesKeyFile(dir, "aes.key", 32);
    String[] raw = {"--raw-aes-key", key.toString(), "--key-namespace", "ns", "--key-name", "k"};
    List<String> both = new ArrayList<>(List.of("--kms-key", east));
    both.addAll(List.of(raw));

    assertSuccess(encrypt(both.toArray(new String[0])));

    assertEquals("aws-kms " + east, edks().get(0), "the group given first generates");
    assertEquals(2, edks().size());
    assertSuccess(Cli.run(args("decrypt", "--in", message, "--out", out, raw[0], raw[1], raw[2], raw[3], raw[4], raw[5])));
    assertArrayEquals(content, Files.readAllBytes(out));
    assertEquals(0, calls(KmsOperation.DECRYPT));
  }

  @Test
  void encrypt_aliasWithRegion_recordsTheKeyArnAndDecryptByAliasExplainsWhyNot() throws IOException {
    kms.client().createAlias(r -> r.aliasName("alias/cli-orders").targetKeyId(east));
    assertSuccess(encrypt("--kms-key", "alias/cli-orders", "--kms-region", "us-east-1"));
    assertEquals(List.of("aws-kms " + east), edks(), "the message records the key ARN, not the alias");

    assertFailure(decrypt("--kms-key", "alias/cli-orders", "--kms-region", "us-east-1"), ExitCode.NO_MATCHING_KEY,
        "never an alias");
    assertSuccess(decrypt("--kms-key", east, "--kms-region", "us-east-1"));
  }

  @Test
  void decrypt_wrongContext_failsWithContextStatusWithoutCallingKms() throws IOException {
    assertSuccess(encrypt("--kms-key", east));

    Cli.Result r = decrypt("--context", "tenant=globex", "--kms-key", east);

    assertFailure(r, ExitCode.CONTEXT_MISMATCH, "wrong encryption context", "[tenant]");
    assertNoOutputLeft(out);
    assertEquals(0, calls(KmsOperation.DECRYPT), "the stored context differs: KMS is never asked");
  }

  @Test
  void decrypt_requiredContextNotGiven_failsNamingInvalidCiphertextException() throws IOException {
    KmsKeyring keyring = KmsKeyring.builder().generatorKey(east).kmsClient(kms.client()).build();
    Envelope writer = Envelope.builder()
        .materialsManager(RequiredContextMaterialsManager.of(keyring, Set.of("region"))).build();
    Files.write(message, writer.encrypt(content, EncryptionContext.of("tenant", "acme", "region", "eu")));

    Cli.Result r = decrypt("--kms-key", east);

    assertFailure(r, ExitCode.NO_MATCHING_KEY, "[InvalidCiphertextException]", "check --context");
    assertNoOutputLeft(out);
    assertSuccess(decrypt("--context", "region=eu", "--kms-key", east));
    assertArrayEquals(content, Files.readAllBytes(out));
  }

  @Test
  void disabledKey_encryptAndDecryptFailWithKeyProviderStatusNamingDisabledException() throws IOException {
    String key = kms.createKey();
    assertSuccess(encrypt("--kms-key", key));
    Path first = Files.move(message, dir.resolve("first.env"));
    kms.client().disableKey(r -> r.keyId(key));
    try {
      Cli.Result enc = encrypt("--kms-key", key);
      assertFailure(enc, ExitCode.KEY_PROVIDER, "[DisabledException]", "GenerateDataKey", "key's state");
      assertNoOutputLeft(message);

      Files.move(first, message);
      Cli.Result dec = decrypt("--kms-key", key);
      assertFailure(dec, ExitCode.KEY_PROVIDER, "[DisabledException]", "Decrypt");
      assertNoOutputLeft(out);
    } finally {
      kms.client().enableKey(r -> r.keyId(key));
    }
  }

  @Test
  void decrypt_keyPolicyDeniesDecrypt_failsWithPolicyStatusNamingAccessDeniedException() throws IOException {
    String key = kms.createKey();
    assertSuccess(encrypt("--kms-key", key));
    kms.client().putKeyPolicy(r -> r.keyId(key).policyName("default").policy(
        "{\"Version\":\"2012-10-17\",\"Statement\":["
            + "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" + account + ":root\"},"
            + "\"Action\":\"kms:*\",\"Resource\":\"*\"},"
            + "{\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}]}"));

    Cli.Result r = decrypt("--kms-key", key);

    assertFailure(r, ExitCode.POLICY, "[AccessDeniedException]", "key policy");
    assertNoOutputLeft(out);
  }

  @Test
  void wrongOrMissingCredentials_failWithKeyProviderStatusSayingWhatToCheck() throws IOException {
    assertSuccess(encrypt("--kms-key", east));

    Cli.Result unknown = decryptWithEnv(Map.of("AWS_ACCESS_KEY_ID", "AKIAUNKNOWN000000000",
        "AWS_SECRET_ACCESS_KEY", "whatever"), "--kms-key", east);
    assertFailure(unknown, ExitCode.KEY_PROVIDER, "did not accept the credentials", "AWS_ACCESS_KEY_ID");
    assertTrue(unknown.stderr().contains("UnrecognizedClientException"), unknown::stderr);
    assertTrue(!unknown.stderr().contains("whatever"), "a secret is never printed");

    Map<String, String> wrongSecret = new HashMap<>(env());
    wrongSecret.put("AWS_SECRET_ACCESS_KEY", "not-the-secret");
    Cli.Result badSignature = decryptWithEnv(wrongSecret, "--kms-key", east);
    assertFailure(badSignature, ExitCode.KEY_PROVIDER, "did not accept the credentials", "InvalidSignatureException");

    // None in the CLI's environment: the SDK's default chain, which finds none in the tests
    // (no profile files, instance metadata disabled; see the surefire configuration).
    Cli.Result none = decryptWithEnv(Map.of(), "--kms-key", east);
    assertFailure(none, ExitCode.KEY_PROVIDER, "credentials");
    assertNoOutputLeft(out);
    assertEquals(0, calls(KmsOperation.DECRYPT), "no unauthenticated call reached a key");
  }

  @Test
  void throttledBeyondTheRetries_failsWithKeyProviderStatusNamingThrottlingException() {
    kms.server().faults().on(KmsOperation.GENERATE_DATA_KEY).throttle(1.0);

    Cli.Result r = encrypt("--kms-key", east);

    assertFailure(r, ExitCode.KEY_PROVIDER, "[ThrottlingException]");
    assertTrue(calls(KmsOperation.GENERATE_DATA_KEY) > 1, "the SDK retried before giving up");
    assertNoOutputLeft(message);
  }

  @Test
  void endpointUnreachable_failsWithKeyProviderStatusInBoundedTime() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    long start = System.nanoTime();
    Cli.Result r = Cli.runWithEnv(env(), args("encrypt", "--in", plain, "--out", message,
        "--kms-endpoint", "http://127.0.0.1:" + closedPort, "--kms-key", east));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertFailure(r, ExitCode.KEY_PROVIDER, "could not be reached", "[UNREACHABLE]", "--kms-endpoint");
    assertNoOutputLeft(message);
    assertTrue(took.compareTo(Duration.ofSeconds(30)) < 0, "bounded by the keyring's call timeout: " + took);
  }

  @Test
  void usageErrors_failBeforeAnyCallWithUsageStatus() {
    assertFailure(encrypt("--kms-discovery"), ExitCode.USAGE, "only decrypts");
    assertFailure(encrypt("--kms-region", "us-east-1"), ExitCode.USAGE, "--kms-key ARN");
    assertFailure(decrypt("--kms-key", east, "--kms-discovery"), ExitCode.USAGE, "not both");
    assertFailure(decrypt("--kms-key", east, "--kms-discovery-account", account), ExitCode.USAGE, "add it");
    assertFailure(decrypt("--kms-discovery", "--kms-discovery-partition", "aws"), ExitCode.USAGE,
        "--kms-discovery-account ID");
    assertFailure(decrypt("--kms-discovery", "--kms-discovery-account", "12"), ExitCode.USAGE, "12-digit");
    assertFailure(encrypt("--kms-key", "alias/orders"), ExitCode.USAGE, "names no region", "--kms-region");
    assertFailure(encrypt("--kms-key", east, "--kms-region", "us-west-2"), ExitCode.USAGE,
        "is in region us-east-1, not --kms-region us-west-2");
    assertFailure(encrypt("--kms-key", east, "--kms-region", "mars"), ExitCode.USAGE, "not an AWS region");
    assertFailure(encrypt("--kms-key", "arn:aws:kms:us-east-1:1:key/"), ExitCode.USAGE, "not a valid KMS ARN");
    assertFailure(encrypt("--kms-key", east, "--kms-key", east), ExitCode.USAGE, "configured twice");
    assertFailure(Cli.runWithEnv(env(), args("encrypt", "--in", plain, "--out", message, "--kms-endpoint", "ftp://x",
        "--kms-key", east)), ExitCode.USAGE, "not an http(s) URL");
    assertNoOutputLeft(message);
    assertEquals(0, kms.server().callCounts().values().stream().mapToLong(Long::longValue).sum());
  }
}
