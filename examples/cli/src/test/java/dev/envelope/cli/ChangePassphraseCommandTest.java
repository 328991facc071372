package dev.envelope.cli;

import static dev.envelope.cli.Cli.assertFailure;
import static dev.envelope.cli.Cli.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.envelope.local.AuditLog;
import dev.envelope.local.KeyMetadata;
import dev.envelope.testkit.junit.KeyStoreExtension;
import dev.envelope.testkit.junit.KeyStoreFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code envelope keys change-passphrase}: re-sealing a store under a new passphrase. */
class ChangePassphraseCommandTest {
  static final String NEW_PASSPHRASE = "a new passphrase for the store";

  @RegisterExtension
  static final KeyStoreExtension STORE = CliKeyStore.perTest();

  @TempDir Path dir;
  Path store;
  KeyStoreFixture keys;
  Path newPassphraseFile;
  KeyMetadata orders;

  @BeforeEach
  void store(KeyStoreFixture keys) throws IOException {
    this.keys = keys;
    store = keys.directory();
    orders = keys.store().describeKey(CliKeyStore.KEY);
    newPassphraseFile = Files.writeString(dir.resolve("new-pass"), NEW_PASSPHRASE + "\n");
  }

  Cli.Result run(Map<String, String> env, String... more) {
    List<String> a = new ArrayList<>(List.of("keys", "change-passphrase", "--keystore", store.toString()));
    a.addAll(List.of(more));
    return Cli.runWithEnv(env, a.toArray(String[]::new));
  }

  Cli.Result describeWith(String passphrase) {
    return Cli.runWithEnv(Map.of(KeyStores.PASSPHRASE_VARIABLE, passphrase),
        "keys", "describe", "--keystore", store.toString(), "--key", "orders");
  }

  @Test
  void changePassphrase_newOpensOldDoesNot_keysKept() {
    Cli.Result r = run(CliKeyStore.env(), "--new-passphrase-file", newPassphraseFile.toString());

    assertSuccess(r);
    assertEquals("changed the passphrase of the key store in " + store.toAbsolutePath()
        + ": re-sealed 1 key; open it with the new passphrase from now on\n", r.stdoutText());
    assertFailure(describeWith(CliKeyStore.PASSPHRASE), ExitCode.KEY_PROVIDER, "wrong key store passphrase");
    Cli.Result described = describeWith(NEW_PASSPHRASE);
    assertSuccess(described);
    assertTrue(described.stdoutText().contains(orders.keyId()), described.stdoutText());
    assertTrue(AuditLog.verify(store.resolve(AuditLog.FIRST_SEGMENT)).isValid());
  }

  @Test
  void changePassphrase_oldFromPassphraseFile_json() throws IOException {
    Path oldFile = Files.writeString(dir.resolve("old-pass"), CliKeyStore.PASSPHRASE);

    Cli.Result r = run(Map.of(), "--passphrase-file", oldFile.toString(), "--new-passphrase-file",
        newPassphraseFile.toString(), "--json");

    assertSuccess(r);
    JsonObject o = JsonParser.parseString(r.stdoutText()).getAsJsonObject();
    assertEquals(1, o.get("keys").getAsInt());
    assertTrue(o.get("changed").getAsBoolean());
    assertSuccess(describeWith(NEW_PASSPHRASE));
  }

  @Test
  void changePassphrase_wrongOldPassphrase_failsAndChangesNothing() {
    Cli.Result r = run(Map.of(KeyStores.PASSPHRASE_VARIABLE, "not the passphrase"),
        "--new-passphrase-file", newPassphraseFile.toString());

    assertFailure(r, ExitCode.KEY_PROVIDER, "wrong key store passphrase");
    assertSuccess(describeWith(CliKeyStore.PASSPHRASE));
  }

  @Test
  void changePassphrase_newTooShort_failsWithUsageAndChangesNothing() throws IOException {
    Files.writeString(newPassphraseFile, "short");

    Cli.Result r = run(CliKeyStore.env(), "--new-passphrase-file", newPassphraseFile.toString());

    assertFailure(r, ExitCode.USAGE, "at least " + KeyStores.MIN_NEW_PASSPHRASE + " characters");
    assertSuccess(describeWith(CliKeyStore.PASSPHRASE));
  }

  @Test
  void changePassphrase_withoutNewPassphraseFile_failsWithUsage() {
    assertFailure(run(CliKeyStore.env()), ExitCode.USAGE, "--new-passphrase-file");
  }

  @Test
  void changePassphrase_newPassphraseOnTheCommandLine_isNotAnOption() {
    assertFailure(run(CliKeyStore.env(), "--new-passphrase", NEW_PASSPHRASE), ExitCode.USAGE);
  }

  @Test
  void changePassphrase_noOldPassphrase_failsWithUsageNamingBothSources() {
    Cli.Result r = run(Map.of(), "--new-passphrase-file", newPassphraseFile.toString());

    assertFailure(r, ExitCode.USAGE, KeyStores.PASSPHRASE_VARIABLE, "--passphrase-file");
  }

  @Test
  void changePassphrase_missingStore_failsWithKeyFile() {
    store = dir.resolve("absent");
    assertFailure(run(CliKeyStore.env(), "--new-passphrase-file", newPassphraseFile.toString()),
        ExitCode.KEY_FILE, "does not exist");
  }
}
