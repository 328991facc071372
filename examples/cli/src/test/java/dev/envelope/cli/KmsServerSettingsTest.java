package dev.envelope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.local.WrongKekException;
import dev.envelope.localkms.LocalKmsServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code kms-server}'s options and environment as the builder of the endpoint it starts (the
 * launcher that was {@code LocalKmsServer.fromArgs}), and what its start-up lines say.
 */
class KmsServerSettingsTest {
  static KmsServerSettings settings(Map<String, String> env, String... args) {
    Io io = new Io(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(),
        new PrintWriter(new StringWriter()), false, "UTF-8", Io.DEFAULT_PROGRESS_THRESHOLD, env);
    KmsServerCommand command = new KmsServerCommand(io);
    new CommandLine(command).parseArgs(args);
    return KmsServerSettings.from(command, io);
  }

  static String describe(LocalKmsServer server, KmsServerSettings settings) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LocalKmsEndpoint.describe(server, settings, new PrintStream(out, true, StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void from_everyOption_configuresTheEndpoint(@TempDir Path dir) throws IOException {
    Path secret = Files.writeString(dir.resolve("secret"), "cli-secret\n");
    Path store = dir.resolve("store");
    KmsServerSettings s = settings(Map.of(KeyStores.PASSPHRASE_VARIABLE, "a passphrase for the test"),
        "--port", "0", "--keystore", store.toString(), "--region", "us-east-1,us-west-2", "--region", "eu-west-1",
        "--account", "123456789012", "--access-key", "AKIACLI", "--secret-key-file", secret.toString());
    try (LocalKmsServer server = s.builder().start()) {
      assertEquals(List.of("us-east-1", "us-west-2", "eu-west-1"), server.regions());
      assertEquals("123456789012", server.accountId());
      assertEquals("AKIACLI", server.credentials().get(0).accessKeyId());
      assertEquals("cli-secret", server.credentials().get(0).secretAccessKey());
      String text = describe(server, s);
      assertTrue(text.startsWith(LocalKmsEndpoint.LISTENING + server.endpoint() + " "), text);
      assertTrue(text.contains("Keys: the key store in " + store), text);
      assertFalse(text.contains("cli-secret"), text);
      assertFalse(text.contains("a passphrase for the test"), text);
    }
    assertTrue(Files.isDirectory(store.resolve("keys")));
  }

  @Test
  void from_credentialsFromTheirOwnVariables_neverFromTheMachinesAwsCredentials() throws IOException {
    KmsServerSettings own = settings(Map.of(KmsServerSettings.ACCESS_KEY_VARIABLE, "AKIAENV",
        KmsServerSettings.SECRET_KEY_VARIABLE, "env-secret", KmsServerSettings.SESSION_TOKEN_VARIABLE, "env-token"));
    try (LocalKmsServer server = own.builder().start()) {
      assertEquals("AKIAENV", server.credentials().get(0).accessKeyId());
      assertEquals("env-token", server.credentials().get(0).sessionToken());
    }
    KmsServerSettings aws = settings(Map.of("AWS_ACCESS_KEY_ID", "AKIAREAL", "AWS_SECRET_ACCESS_KEY", "real-secret"));
    assertTrue(aws.generatedCredentials(), "the machine's AWS credentials are not adopted");
    try (LocalKmsServer server = aws.builder().start()) {
      assertFalse(server.credentials().get(0).accessKeyId().equals("AKIAREAL"));
    }
  }

  @Test
  void from_secretKeyOnTheCommandLine_isRefusedSayingToUseAFileOrTheEnvironment() {
    CliFailure f = assertThrows(CliFailure.class,
        () -> settings(Map.of(), "--access-key", "AKIACLI", "--secret-key", "visible-in-ps"));
    assertEquals(ExitCode.USAGE, f.exitCode());
    assertTrue(f.getMessage().contains("--secret-key-file FILE"), f.getMessage());
    assertTrue(f.getMessage().contains(KmsServerSettings.SECRET_KEY_VARIABLE), f.getMessage());
    assertFalse(f.getMessage().contains("visible-in-ps"), f.getMessage());
  }

  @Test
  void from_hostBeyondLoopback_needsAllowRemoteClients() throws IOException {
    assertUsage("add --allow-remote-clients", "--host", "0.0.0.0");
    KmsServerSettings loopback = settings(Map.of(), "--host", "127.0.0.1");
    assertEquals(null, loopback.remoteHost());
    KmsServerSettings remote = settings(Map.of(), "--host", "0.0.0.0", "--port", "0", "--allow-remote-clients");
    assertEquals("0.0.0.0", remote.remoteHost());
    remote.builder().start().close();
  }

  @Test
  void from_noCredentials_generatesThemAndDescribePrintsThemForAnEphemeralStore() throws IOException {
    KmsServerSettings s = settings(Map.of());
    assertTrue(s.generatedCredentials());
    try (LocalKmsServer server = s.builder().start()) {
      String text = describe(server, s);
      assertTrue(text.contains("Keys: an ephemeral key store"), text);
      assertTrue(text.contains("  export AWS_ACCESS_KEY_ID=" + server.credentials().get(0).accessKeyId()), text);
      assertTrue(text.contains("  export AWS_SECRET_ACCESS_KEY=" + server.credentials().get(0).secretAccessKey()),
          text);
    }
  }

  @Test
  void from_badValues_failWithTheLaunchersMessages(@TempDir Path dir) {
    assertUsage("--port must be a number: eighty", "--port", "eighty");
    assertUsage("port was already set", "--port", "1", "--port", "2");
    assertUsage("go together", "--access-key", "AKIAX");
    assertUsage("not a Region name: mars", "--region", "mars");
    Path file = dir.resolve("pass");
    assertUsage("--passphrase-file was given twice", "--keystore", dir.toString(),
        "--passphrase-file", file.toString(), "--passphrase-file", file.toString());
  }

  private static void assertUsage(String fragment, String... args) {
    CliFailure f = assertThrows(CliFailure.class, () -> settings(Map.of(), args));
    assertEquals(ExitCode.USAGE, f.exitCode());
    assertTrue(f.getMessage().startsWith("kms-server: ") && f.getMessage().contains(fragment), f.getMessage());
  }

  @Test
  void from_keystoreWithoutPassphrase_refusesSayingHowToSetIt(@TempDir Path dir) throws IOException {
    CliFailure fresh = assertThrows(CliFailure.class, () -> settings(Map.of(), "--keystore", dir.toString()));
    assertTrue(fresh.getMessage().contains(KeyStores.PASSPHRASE_VARIABLE + "="), fresh.getMessage());
    assertTrue(fresh.getMessage().contains("keep it safe"), fresh.getMessage());
    assertThrows(CliFailure.class,
        () -> settings(Map.of(KeyStores.PASSPHRASE_VARIABLE, ""), "--keystore", dir.toString()));
    settings(Map.of(KeyStores.PASSPHRASE_VARIABLE, "the passphrase"), "--keystore", dir.toString())
        .builder().start().close();
    CliFailure existing = assertThrows(CliFailure.class, () -> settings(Map.of(), "--keystore", dir.toString()));
    assertTrue(existing.getMessage().contains("is sealed under a passphrase"), existing.getMessage());
    LocalKmsServer.Builder wrong =
        settings(Map.of(KeyStores.PASSPHRASE_VARIABLE, "another passphrase"), "--keystore", dir.toString()).builder();
    assertThrows(WrongKekException.class, wrong::start);
  }

  @Test
  void from_passphraseFile_winsOverTheEnvironmentWithoutItsLineBreak(@TempDir Path dir) throws IOException {
    Path store = dir.resolve("store");
    Path file = Files.writeString(dir.resolve("pass"), "file passphrase\r\n");
    settings(Map.of(KeyStores.PASSPHRASE_VARIABLE, "another passphrase"),
        "--keystore", store.toString(), "--passphrase-file", file.toString()).builder().start().close();
    settings(Map.of(KeyStores.PASSPHRASE_VARIABLE, "file passphrase"), "--keystore", store.toString())
        .builder().start().close();
    assertThrows(WrongKekException.class,
        () -> settings(Map.of(KeyStores.PASSPHRASE_VARIABLE, "another passphrase"), "--keystore", store.toString())
            .builder().start());
  }

  @Test
  void from_passphraseFileMissingEmptyOrAlone_failsSayingWhat(@TempDir Path dir) throws IOException {
    String store = dir.resolve("store").toString();
    CliFailure missing = assertThrows(CliFailure.class,
        () -> settings(Map.of(), "--keystore", store, "--passphrase-file", dir + "/absent"));
    assertEquals(ExitCode.KEY_FILE, missing.exitCode());
    assertTrue(missing.getMessage().contains("cannot read the passphrase file"), missing.getMessage());
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    CliFailure blank = assertThrows(CliFailure.class,
        () -> settings(Map.of(), "--keystore", store, "--passphrase-file", empty.toString()));
    assertTrue(blank.getMessage().contains("is empty"), blank.getMessage());
    CliFailure alone = assertThrows(CliFailure.class, () -> settings(Map.of(), "--passphrase-file", empty.toString()));
    assertTrue(alone.getMessage().contains("give --keystore"), alone.getMessage());
    assertFalse(Files.exists(dir.resolve("store")), "nothing was created");
  }
}
