package dev.envelope.cli;

import static dev.envelope.cli.Cli.assertFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.testkit.junit.KeyStoreFixture;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * {@code envelope kms-server} in-process: the options configure the endpoint, which
 * answers signed calls while the command runs, stops cleanly when told, and every start-up failure
 * is one line with its exit status. (The real process, stopped by SIGTERM, is in {@code LauncherIT}.)
 */
class KmsServerCommandTest {
  static final String ACCESS_KEY = "AKIALOCAL0000000001";
  static final String SECRET_KEY = "local-secret-for-tests";

  @TempDir Path dir;

  /** A kms-server command running on another thread until {@link #stop()}. */
  static final class Running implements AutoCloseable {
    final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    final CountDownLatch stop = new CountDownLatch(1);
    final CompletableFuture<Integer> status;

    Running(Map<String, String> env, String... args) {
      PrintWriter err = new PrintWriter(new OutputStreamWriter(stderr, StandardCharsets.UTF_8), true);
      Io io = new Io(new ByteArrayInputStream(new byte[0]), stdout, err, false, "UTF-8",
          Io.DEFAULT_PROGRESS_THRESHOLD, env);
      CommandLine cli = EnvelopeCli.commandLine(io);
      KmsServerCommand command = cli.getSubcommands().get("kms-server").getCommand();
      command.stopSignal = stopped -> stop.await();
      String[] all = new String[args.length + 1];
      all[0] = "kms-server";
      System.arraycopy(args, 0, all, 1, args.length);
      status = CompletableFuture.supplyAsync(() -> cli.execute(all));
    }

    String out() {
      return stdout.toString(StandardCharsets.UTF_8);
    }

    /** The endpoint from the first line, once printed. */
    URI endpoint() throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        String text = out();
        if (text.startsWith(LocalKmsEndpoint.LISTENING) && text.contains("\n")) {
          String first = text.substring(LocalKmsEndpoint.LISTENING.length(), text.indexOf('\n'));
          return URI.create(first.substring(0, first.indexOf(' ')));
        }
        if (status.isDone()) {
          throw new AssertionError("kms-server ended: " + status.join() + ", stderr: " + stderr);
        }
        Thread.sleep(20);
      }
      throw new AssertionError("no endpoint line within 60 s: " + out());
    }

    int stop() throws Exception {
      stop.countDown();
      return status.get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
      stop();
    }
  }

  static Map<String, String> credentials() {
    return Map.of(KmsServerSettings.ACCESS_KEY_VARIABLE, ACCESS_KEY, KmsServerSettings.SECRET_KEY_VARIABLE, SECRET_KEY);
  }

  static KmsClient client(URI endpoint, String region) {
    return KmsClient.builder().endpointOverride(endpoint).region(Region.of(region))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
  }

  @Test
  void kmsServer_keystoreAndPassphraseFile_servesSignedCallsThenStopsAndReleasesTheStore() throws Exception {
    Path store = dir.resolve("kms store");
    Path passphrase = Files.writeString(dir.resolve("pass"), "a passphrase of the endpoint's store\n");
    URI endpoint;
    String keyArn;
    try (Running server = new Running(credentials(), "--port", "0", "--keystore", store.toString(),
        "--passphrase-file", passphrase.toString(), "--region", "eu-west-1,us-east-1", "--account", "123456789012")) {
      endpoint = server.endpoint();
      assertEquals("127.0.0.1", endpoint.getHost());
      try (KmsClient client = client(endpoint, "eu-west-1")) {
        keyArn = client.createKey(r -> r.description("from the test")).keyMetadata().arn();
      }
      assertTrue(keyArn.startsWith("arn:aws:kms:eu-west-1:123456789012:key/"), keyArn);
      List<String> lines = server.out().lines().toList();
      assertTrue(lines.get(0).contains("(regions eu-west-1, us-east-1; account 123456789012)"), lines.get(0));
      assertTrue(lines.contains("AWS CLI and SDKs: export AWS_ENDPOINT_URL_KMS=" + endpoint
          + " (sign with the credentials the endpoint accepts; any region it serves)"), lines.toString());
      assertTrue(lines.contains("envelope: encrypt/decrypt ... --kms-endpoint " + endpoint + " --kms-key <key ARN>"),
          lines.toString());
      assertFalse(server.out().contains(SECRET_KEY), "configured credentials are never printed");
      assertFalse(server.out().contains("Generated credentials"));

      assertEquals(0, server.stop());
      assertTrue(server.out().endsWith(LocalKmsEndpoint.STOPPED + "\n"), server.out());
      assertEquals("", server.stderr.toString(StandardCharsets.UTF_8));
    }
    assertTrue(Files.exists(store.resolve("store.json")), "the key store was created in --keystore");
    assertTrue(Files.readString(store.resolve(dev.envelope.local.AuditLog.FIRST_SEGMENT)).contains("\"operation\":\"CREATE\""));
    // Released: the store serves again (the key is still there), with the passphrase from the environment.
    try (Running again = new Running(Map.of(KeyStores.PASSPHRASE_VARIABLE, "a passphrase of the endpoint's store",
        KmsServerSettings.ACCESS_KEY_VARIABLE, ACCESS_KEY, KmsServerSettings.SECRET_KEY_VARIABLE, SECRET_KEY),
        "--keystore", store.toString(), "--region", "eu-west-1", "--account", "123456789012");
        KmsClient client = client(again.endpoint(), "eu-west-1")) {
      assertEquals(keyArn, client.describeKey(r -> r.keyId(keyArn)).keyMetadata().arn());
    }
  }

  @Test
  void kmsServer_withoutCredentialsOrKeystore_generatesAndPrintsCredentialsForAnEphemeralStore() throws Exception {
    try (Running server = new Running(Map.of())) {
      URI endpoint = server.endpoint();
      String text = server.out();
      assertTrue(text.contains("Keys: an ephemeral key store"), text);
      String access = value(text, "export AWS_ACCESS_KEY_ID=");
      String secret = value(text, "export AWS_SECRET_ACCESS_KEY=");
      try (KmsClient client = KmsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
              .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(access, secret)))
              .httpClientBuilder(UrlConnectionHttpClient.builder()).build()) {
        assertEquals(0, client.listKeys().keys().size());
      }
    }
  }

  private static String value(String text, String prefix) {
    int at = text.indexOf(prefix) + prefix.length();
    return text.substring(at, text.indexOf('\n', at));
  }

  @Test
  void kmsServer_portInUse_failsWithEndpointStatus() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      Cli.Result r = Cli.runWithEnv(credentials(), "kms-server", "--port", Integer.toString(taken.getLocalPort()));
      assertFailure(r, ExitCode.ENDPOINT, "kms-server: cannot listen", "choose another --port");
    }
  }

  @Test
  void kmsServer_directoryServedByAnotherEndpoint_failsWithEndpointStatus() throws Exception {
    Map<String, String> env = new HashMap<>(credentials());
    env.put(KeyStores.PASSPHRASE_VARIABLE, "a passphrase for two endpoints");
    Path store = dir.resolve("store");
    try (Running first = new Running(env, "--keystore", store.toString())) {
      first.endpoint();
      Cli.Result second = Cli.runWithEnv(env, "kms-server", "--keystore", store.toString());
      assertFailure(second, ExitCode.ENDPOINT, "another local KMS endpoint is serving");
    }
  }

  @Test
  void kmsServer_badOptionsOrPassphrase_failWithOneLineEach() throws IOException {
    assertFailure(Cli.run("kms-server", "--bogus", "1"), ExitCode.USAGE, "kms-server: unknown option --bogus");
    assertFailure(Cli.run("kms-server", "--port"), ExitCode.USAGE, "--port needs a value");
    assertFailure(Cli.run("kms-server", "--region", "mars"), ExitCode.USAGE, "not a Region name: mars");
    Path store = dir.resolve("store");
    assertFailure(Cli.run("kms-server", "--keystore", store.toString()), ExitCode.USAGE,
        KeyStores.PASSPHRASE_VARIABLE);
    assertFailure(Cli.run("kms-server", "--keystore", store.toString(), "--passphrase-file", dir.resolve("absent").toString()),
        ExitCode.KEY_FILE, "cannot read the passphrase file");
    assertFalse(Files.exists(store), "nothing was created");

    try (KeyStoreFixture existing = KeyStoreFixture.start()) {
      Cli.Result wrong = Cli.runWithEnv(Map.of(KeyStores.PASSPHRASE_VARIABLE, "not the passphrase"),
          "kms-server", "--keystore", existing.directory().toString());
      assertFailure(wrong, ExitCode.KEY_PROVIDER, "wrong key store passphrase");
    }
  }

  @Test
  void kmsServer_help_listsEveryOptionOfKmsServerUsage() {
    Cli.Result r = Cli.run("kms-server", "--help");
    assertEquals(0, r.status(), r::toString);
    String help = r.stdoutText();
    String usage = KmsServerCommand.USAGE;
    java.util.regex.Matcher option = java.util.regex.Pattern.compile("--[a-z-]+").matcher(usage);
    int seen = 0;
    while (option.find()) {
      seen++;
      assertTrue(help.contains(option.group() + " "), "kms-server --help lacks " + option.group() + ":\n" + help);
    }
    assertEquals(9, seen, usage);
    assertTrue(help.contains("Exit status:"), help);
  }

  @Test
  void kmsServer_secretKeyOnTheCommandLine_isRefusedWithUsageStatus() {
    Cli.Result r = Cli.run("kms-server", "--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY);
    assertFailure(r, ExitCode.USAGE, "kms-server: --secret-key would put the secret in the process list",
        "--secret-key-file FILE", KmsServerSettings.SECRET_KEY_VARIABLE);
    assertFalse(r.stderr().contains(SECRET_KEY), r.stderr());
  }

  @Test
  void kmsServer_secretKeyFile_isTheSecretCallsAreSignedWith() throws Exception {
    Path secret = Files.writeString(dir.resolve("secret"), SECRET_KEY + "\n");
    try (Running server = new Running(Map.of(), "--access-key", ACCESS_KEY, "--secret-key-file", secret.toString());
        KmsClient client = client(server.endpoint(), "us-east-1")) {
      assertEquals(0, client.listKeys().keys().size());
      assertFalse(server.out().contains("Generated credentials"), server.out());
    }
  }

  @Test
  void kmsServer_hostBeyondLoopback_isRefusedWithoutAllowRemoteClients_andWarnsWithIt() throws Exception {
    assertFailure(Cli.runWithEnv(credentials(), "kms-server", "--host", "0.0.0.0"), ExitCode.USAGE,
        "is not a loopback address", "--allow-remote-clients");
    try (Running server = new Running(credentials(), "--host", "0.0.0.0", "--allow-remote-clients")) {
      server.endpoint();
      String err = server.stderr.toString(StandardCharsets.UTF_8);
      assertTrue(err.contains("warning: kms-server listens on 0.0.0.0, beyond loopback"), err);
    }
  }
}
