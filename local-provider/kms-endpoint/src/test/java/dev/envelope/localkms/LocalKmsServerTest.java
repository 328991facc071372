package dev.envelope.localkms;

import dev.envelope.localkms.junit.LocalKms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkClientException;

/** The builder, the command line, the defaults, and stopping. */
class LocalKmsServerTest {

  @Test
  void defaults_bindLoopbackWithOneRegionAccountAndRandomRootCredentials() throws IOException {
    try (LocalKmsServer server = LocalKmsServer.builder().start()) {
      assertEquals("127.0.0.1", server.endpoint().getHost());
      assertTrue(server.port() > 0);
      assertEquals(List.of("us-east-1"), server.regions());
      assertEquals("111122223333", server.accountId());
      assertEquals("aws", server.partition());
      assertEquals(1, server.credentials().size());
      assertEquals("root", server.credentials().get(0).principal());
      assertTrue(server.credentials().get(0).accessKeyId().matches("AKIA[A-Z2-7]{16}"));
      assertEquals("true", System.getProperty("sun.net.httpserver.nodelay"));
    }
  }

  @Test
  void partitionAndAccount_appearInArns() {
    try (LocalKms kms =
        LocalKms.start(
            LocalKmsServer.builder()
                .partition("aws-cn")
                .regions("cn-north-1")
                .accountId("210987654321"))) {
      assertTrue(kms.createKey().startsWith("arn:aws-cn:kms:cn-north-1:210987654321:key/"));
    }
  }

  @Test
  void builder_rejectsBadOrRepeatedValues() {
    assertThrows(IllegalArgumentException.class, () -> LocalKmsServer.builder().regions("mars"));
    assertThrows(
        IllegalArgumentException.class,
        () -> LocalKmsServer.builder().regions("us-east-1", "us-east-1"));
    assertThrows(
        IllegalStateException.class,
        () -> LocalKmsServer.builder().regions("us-east-1").regions("us-west-2"));
    assertThrows(IllegalArgumentException.class, () -> LocalKmsServer.builder().port(70000));
    assertThrows(IllegalArgumentException.class, () -> LocalKmsServer.builder().accountId("12345"));
    assertThrows(IllegalArgumentException.class, () -> LocalKmsServer.builder().partition("gcp"));
    assertThrows(
        IllegalArgumentException.class,
        () -> LocalKmsServer.builder().grantPropagationDelay(Duration.ofSeconds(-1)));
    assertThrows(IllegalArgumentException.class, () -> LocalKmsServer.builder().threads(0));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            LocalKmsServer.builder()
                .credentials(KmsCredentials.of("AKIA1", "a"), KmsCredentials.of("AKIA1", "b"))
                .start());
  }

  @Test
  void close_stopsAnswering() throws IOException {
    LocalKms kms = LocalKms.of(LocalKmsServer.builder().start());
    kms.createKey();
    kms.close();
    try (var client =
        kms.clientBuilder(kms.region(), kms.credentials())
            .overrideConfiguration(
                o ->
                    o.retryStrategy(
                        software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry()))
            .build()) {
      assertThrows(SdkClientException.class, () -> client.listKeys());
    }
  }

  @Test
  void credentials_neverShowTheirSecrets() {
    KmsCredentials c =
        KmsCredentials.builder()
            .accessKeyId("AKIAEXAMPLE")
            .secretAccessKey("super-secret-value")
            .sessionToken("session-secret-token")
            .principal("user/alice")
            .build();
    assertFalse(c.toString().contains("super-secret-value"));
    assertFalse(c.toString().contains("session-secret-token"));
    assertTrue(c.toString().contains("AKIAEXAMPLE"));
    assertEquals("arn:aws:iam::111122223333:user/alice", c.principalArn("aws", "111122223333"));
    assertEquals(
        "arn:aws:sts::111122223333:assumed-role/app/s1",
        KmsCredentials.random("assumed-role/app/s1").principalArn("aws", "111122223333"));
    assertThrows(IllegalArgumentException.class, () -> KmsCredentials.random("group/devs"));
    assertThrows(
        IllegalStateException.class, () -> KmsCredentials.builder().accessKeyId("AKIAX").build());
  }

  @Test
  void fromArgs_parsesTheCommandLine(@TempDir Path dir) throws IOException {
    LocalKmsServer.Builder b =
        LocalKmsServer.fromArgs(
            new String[] {
              "--port",
              "0",
              "--keystore",
              dir.toString(),
              "--region",
              "us-east-1,us-west-2",
              "--region",
              "eu-west-1",
              "--account",
              "123456789012",
              "--access-key",
              "AKIACLI",
              "--secret-key",
              "cli-secret"
            },
            Map.of(LocalKmsServer.PASSPHRASE_ENV, "a passphrase for the test"));
    try (LocalKmsServer server = b.start()) {
      assertEquals(List.of("us-east-1", "us-west-2", "eu-west-1"), server.regions());
      assertEquals("123456789012", server.accountId());
      assertEquals("AKIACLI", server.credentials().get(0).accessKeyId());
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      LocalKmsServer.describe(server, false, new PrintStream(out, true, StandardCharsets.UTF_8));
      String text = out.toString(StandardCharsets.UTF_8);
      assertTrue(text.contains(server.endpoint().toString()));
      assertFalse(text.contains("cli-secret"));
    }
    assertTrue(dir.resolve("keys").toFile().isDirectory());
  }

  @Test
  void fromArgs_takesCredentialsFromEnvironment_orGeneratesAndPrintsThem() throws IOException {
    LocalKmsServer.Builder fromEnv =
        LocalKmsServer.fromArgs(
            new String[0],
            Map.of(
                "AWS_ACCESS_KEY_ID",
                "AKIAENV",
                "AWS_SECRET_ACCESS_KEY",
                "env-secret",
                "AWS_SESSION_TOKEN",
                "env-token"));
    try (LocalKmsServer server = fromEnv.start()) {
      assertEquals("AKIAENV", server.credentials().get(0).accessKeyId());
      assertEquals("env-token", server.credentials().get(0).sessionToken());
    }
    try (LocalKmsServer server = LocalKmsServer.fromArgs(new String[0], Map.of()).start()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      LocalKmsServer.describe(server, true, new PrintStream(out, true, StandardCharsets.UTF_8));
      String text = out.toString(StandardCharsets.UTF_8);
      assertTrue(text.contains("AWS_ACCESS_KEY_ID=" + server.credentials().get(0).accessKeyId()));
      assertTrue(text.contains(server.credentials().get(0).secretAccessKey()));
    }
  }

  @Test
  void fromArgs_rejectsUnknownOrIncompleteOptions() {
    assertThrows(
        IllegalArgumentException.class,
        () -> LocalKmsServer.fromArgs(new String[] {"--bogus", "1"}, Map.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> LocalKmsServer.fromArgs(new String[] {"--port"}, Map.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> LocalKmsServer.fromArgs(new String[] {"--port", "eighty"}, Map.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> LocalKmsServer.fromArgs(new String[] {"--access-key", "AKIAX"}, Map.of()));
    assertNull(LocalKmsServer.fromArgs(new String[] {"--help"}, Map.of()));
  }

  @Test
  void fromArgs_keystoreWithoutPassphrase_refusesSayingHowToSetIt(@TempDir Path dir)
      throws IOException {
    var fresh =
        assertThrows(
            IllegalArgumentException.class,
            () -> LocalKmsServer.fromArgs(new String[] {"--keystore", dir.toString()}, Map.of()));
    assertTrue(fresh.getMessage().contains(LocalKmsServer.PASSPHRASE_ENV + "="), fresh.getMessage());
    assertTrue(fresh.getMessage().contains("keep it safe"), fresh.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            LocalKmsServer.fromArgs(
                new String[] {"--keystore", dir.toString()}, Map.of(LocalKmsServer.PASSPHRASE_ENV, "")));
    Map<String, String> env = Map.of(LocalKmsServer.PASSPHRASE_ENV, "the passphrase");
    try (LocalKmsServer server =
        LocalKmsServer.fromArgs(new String[] {"--keystore", dir.toString()}, env).start()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      LocalKmsServer.describe(server, false, new PrintStream(out, true, StandardCharsets.UTF_8));
      String text = out.toString(StandardCharsets.UTF_8);
      assertTrue(text.contains("Keys: the key store in " + dir), text);
      assertFalse(text.contains("the passphrase"), text);
    }
    var existing =
        assertThrows(
            IllegalArgumentException.class,
            () -> LocalKmsServer.fromArgs(new String[] {"--keystore", dir.toString()}, Map.of()));
    assertTrue(existing.getMessage().contains("is sealed under a passphrase"), existing.getMessage());
    LocalKmsServer.Builder wrong =
        LocalKmsServer.fromArgs(
            new String[] {"--keystore", dir.toString()},
            Map.of(LocalKmsServer.PASSPHRASE_ENV, "another passphrase"));
    assertThrows(dev.envelope.local.WrongKekException.class, wrong::start);
  }

  @Test
  void fromArgs_passphraseFile_opensTheStoreAndWinsOverTheEnvironment(@TempDir Path dir)
      throws IOException {
    Path store = dir.resolve("store");
    Path file = java.nio.file.Files.writeString(dir.resolve("pass"), "file passphrase\r\n");
    String[] args = {"--keystore", store.toString(), "--passphrase-file", file.toString()};
    try (LocalKmsServer server =
        LocalKmsServer.fromArgs(args, Map.of(LocalKmsServer.PASSPHRASE_ENV, "another passphrase")).start()) {
      assertTrue(server.keyStore().directory().endsWith("store"));
    }
    // The store was sealed under the file's passphrase without its line break.
    LocalKmsServer.fromArgs(
            new String[] {"--keystore", store.toString()},
            Map.of(LocalKmsServer.PASSPHRASE_ENV, "file passphrase"))
        .start()
        .close();
    assertThrows(
        dev.envelope.local.WrongKekException.class,
        () ->
            LocalKmsServer.fromArgs(
                    new String[] {"--keystore", store.toString()},
                    Map.of(LocalKmsServer.PASSPHRASE_ENV, "another passphrase"))
                .start());
  }

  @Test
  void fromArgs_passphraseFileMissingEmptyOrAlone_failsSayingWhat(@TempDir Path dir)
      throws IOException {
    String store = dir.resolve("store").toString();
    var missing =
        assertThrows(
            java.io.UncheckedIOException.class,
            () ->
                LocalKmsServer.fromArgs(
                    new String[] {"--keystore", store, "--passphrase-file", dir + "/absent"},
                    Map.of()));
    assertTrue(missing.getMessage().contains("--passphrase-file"), missing.getMessage());
    Path empty = java.nio.file.Files.writeString(dir.resolve("empty"), "\n");
    var blank =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LocalKmsServer.fromArgs(
                    new String[] {"--keystore", store, "--passphrase-file", empty.toString()},
                    Map.of()));
    assertTrue(blank.getMessage().contains("is empty"), blank.getMessage());
    var alone =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LocalKmsServer.fromArgs(new String[] {"--passphrase-file", empty.toString()}, Map.of()));
    assertTrue(alone.getMessage().contains("give --keystore"), alone.getMessage());
    assertFalse(java.nio.file.Files.exists(dir.resolve("store")), "nothing was created");
  }

  @Test
  void describe_instance_printsTheEndpointFirstAndGeneratedCredentialsOnlyWhenGenerated()
      throws IOException {
    try (LocalKmsServer generated = LocalKmsServer.builder().start();
        LocalKmsServer configured =
            LocalKmsServer.builder().credentials(KmsCredentials.of("AKIAGIVEN", "given-secret")).start()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      generated.describe(new PrintStream(out, true, StandardCharsets.UTF_8));
      List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
      assertTrue(
          lines.get(0).startsWith("Local KMS endpoint listening on " + generated.endpoint() + " "),
          lines.get(0));
      assertTrue(
          lines.contains(
              "  export AWS_SECRET_ACCESS_KEY=" + generated.credentials().get(0).secretAccessKey()),
          lines.toString());
      out.reset();
      configured.describe(new PrintStream(out, true, StandardCharsets.UTF_8));
      String text = out.toString(StandardCharsets.UTF_8);
      assertFalse(text.contains("given-secret"), text);
      assertFalse(text.contains("Generated credentials"), text);
    }
  }

  @Test
  void describe_withoutKeystore_saysKeysAreEphemeral() throws IOException {
    try (LocalKmsServer server = LocalKmsServer.fromArgs(new String[0], Map.of()).start()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      LocalKmsServer.describe(server, false, new PrintStream(out, true, StandardCharsets.UTF_8));
      assertTrue(out.toString(StandardCharsets.UTF_8).contains("Keys: an ephemeral key store"));
    }
  }

  @Test
  void builder_keyStoreConfiguredTwiceOrHalfway_failsAtStart(@TempDir Path dir) {
    var kek =
        dev.envelope.local.KekSource.passphrase(
            "a test passphrase".toCharArray(), dev.envelope.local.PassphraseKdfParameters.insecureForTests());
    var noKek =
        assertThrows(
            IllegalStateException.class, () -> LocalKmsServer.builder().keyStoreDirectory(dir).start());
    assertTrue(noKek.getMessage().contains("kek(...)"), noKek.getMessage());
    assertThrows(IllegalStateException.class, () -> LocalKmsServer.builder().kek(kek).start());
    try (var store = dev.envelope.local.LocalKeyStore.builder(dir).kek(kek).create()) {
      assertThrows(
          IllegalStateException.class,
          () -> LocalKmsServer.builder().keyStore(store).keyStoreDirectory(dir).start());
      assertThrows(
          IllegalStateException.class, () -> LocalKmsServer.builder().keyStore(store).kek(kek).start());
      assertThrows(IllegalStateException.class, () -> LocalKmsServer.builder().kek(kek).kek(kek));
    }
    assertFalse(java.nio.file.Files.exists(dir.resolve("kms-state.json")));
  }
}
