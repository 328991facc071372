package dev.envelope.cli;

import static dev.envelope.cli.Cli.assertFailure;
import static dev.envelope.cli.Cli.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.envelope.EncryptionContext;
import dev.envelope.local.AuditLog;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.testkit.junit.KeyStoreExtension;
import dev.envelope.testkit.junit.KeyStoreFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code envelope keys audit --keyed}: the MACs catch what the hash chain alone cannot, an edit
 * whose chain was recomputed by someone who can write the log but holds no passphrase.
 */
class AuditKeyedCommandTest {
  @RegisterExtension
  static final KeyStoreExtension STORE = CliKeyStore.perTest();

  Path store;
  Path log;

  @BeforeEach
  void populate(KeyStoreFixture keys) {
    store = keys.directory();
    log = store.resolve(AuditLog.FIRST_SEGMENT);
    try (LocalKeyStore s = keys.reopen()) {
      for (int i = 0; i < 3; i++) {
        s.encrypt(CliKeyStore.KEY, new byte[] {1}, EncryptionContext.empty());
      }
    }
  }

  Cli.Result audit(Map<String, String> env, String... more) {
    List<String> a = new ArrayList<>(List.of("keys", "audit", "--keystore", store.toString()));
    a.addAll(List.of(more));
    return Cli.runWithEnv(env, a.toArray(String[]::new));
  }

  /** Rewrites seq and prev from line 1 on, as an attacker who knows the format would. */
  static List<String> rechain(List<String> lines) throws Exception {
    List<String> out = new ArrayList<>();
    String prev = "0".repeat(64);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).replaceFirst("^\\{\"seq\":[0-9]+,\"prev\":\"[0-9a-f]{64}\"",
          "{\"seq\":" + (i + 1) + ",\"prev\":\"" + prev + "\"");
      out.add(line);
      prev = HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(line.getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }

  @Test
  void untouchedLog_keyed_verifiesChainAndMacs() {
    Cli.Result r = audit(CliKeyStore.env(), "--keyed", "--summary");

    assertSuccess(r);
    assertTrue(r.stdoutText().startsWith("hash chain and MACs verified: "), r.stdoutText());
  }

  @Test
  void editedRecordWithRecomputedChain_passesTheChain_failsKeyed() throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(log));
    int last = lines.size() - 1;
    assertTrue(lines.get(last).contains("\"caller\":\"" + CliKeyStore.CALLER + "\""), lines.get(last));
    lines.set(last, lines.get(last).replace("\"caller\":\"" + CliKeyStore.CALLER + "\"", "\"caller\":\"someone-else\""));
    Files.write(log, rechain(lines));

    assertSuccess(audit(Map.of(), "--summary"));
    Cli.Result keyed = audit(CliKeyStore.env(), "--keyed", "--summary");

    assertFailure(keyed, ExitCode.AUTHENTICATION, "does not verify with its MACs", "line " + (last + 1));
  }

  @Test
  void wrongPassphrase_keyed_exits13() {
    Cli.Result r = audit(Map.of(dev.envelope.cli.KeyStores.PASSPHRASE_VARIABLE, "not the passphrase"), "--keyed");

    assertFailure(r, ExitCode.KEY_PROVIDER);
  }

  @Test
  void passphraseFileWithoutKeyed_isAUsageError() throws Exception {
    Path file = Files.createTempFile("pass", ".txt");
    try {
      Cli.Result r = audit(Map.of(), "--passphrase-file", file.toString());
      assertFailure(r, ExitCode.USAGE, "--passphrase-file is read only with --keyed");
    } finally {
      Files.delete(file);
    }
  }

  @Test
  void json_keyed_saysMacsChecked() {
    Cli.Result r = audit(CliKeyStore.env(), "--keyed", "--summary", "--json");

    assertSuccess(r);
    JsonObject o = JsonParser.parseString(r.stdoutText()).getAsJsonObject();
    assertTrue(o.get("valid").getAsBoolean());
    assertTrue(o.get("macsChecked").getAsBoolean(), r.stdoutText());
  }
}
