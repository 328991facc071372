package dev.envelope.cli;

import static dev.envelope.cli.Cli.assertFailure;
import static dev.envelope.cli.Cli.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.envelope.testkit.junit.KeyStoreExtension;
import dev.envelope.testkit.junit.KeyStoreFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Issue 13 item 3: {@code keys set-min-decryption-version} and what {@code keys describe} shows. */
class SetMinDecryptionVersionCommandTest {
  @RegisterExtension
  static final KeyStoreExtension STORE = CliKeyStore.perTest();

  @TempDir Path dir;
  Path store;
  KeyStoreFixture keys;

  @BeforeEach
  void store(KeyStoreFixture keys) {
    this.keys = keys;
    store = keys.directory();
  }

  Cli.Result keys(String command, String... more) {
    List<String> a = new ArrayList<>(List.of("keys", command, "--keystore", store.toString()));
    a.addAll(List.of(more));
    return Cli.runWithEnv(CliKeyStore.env(), a.toArray(String[]::new));
  }

  Cli.Result crypt(String command, Path in, Path out) {
    return Cli.runWithEnv(CliKeyStore.env(), command, "--in", in.toString(), "--out", out.toString(),
        "--context", "tenant=acme", "--keystore", store.toString(), "--key", "orders");
  }

  static JsonObject json(Cli.Result r) {
    return JsonParser.parseString(r.stdoutText()).getAsJsonObject();
  }

  @Test
  void describe_newKey_showsMinimumOneInTextAndJson() {
    Cli.Result text = keys("describe", "--key", "orders");
    assertSuccess(text);
    assertTrue(text.stdoutText().contains("min decrypt      v1 (every version decrypts)"), text.stdoutText());
    assertTrue(text.stdoutText().contains("state            ENABLED"), text.stdoutText());
    Cli.Result js = keys("describe", "--key", "orders", "--json");
    assertSuccess(js);
    assertEquals(1, json(js).get("minDecryptionVersion").getAsInt());
  }

  @Test
  void set_thenDecryptOfOldMessage_failsWithKeyStateStatus_andLoweringRestoresIt() throws IOException {
    byte[] content = "old order".getBytes(StandardCharsets.UTF_8);
    Path plain = Files.write(dir.resolve("p.txt"), content);
    Path oldMessage = dir.resolve("old.env");
    assertSuccess(crypt("encrypt", plain, oldMessage));
    assertSuccess(keys("rotate", "--key", "orders"));
    Path newMessage = dir.resolve("new.env");
    assertSuccess(crypt("encrypt", plain, newMessage));

    Cli.Result set = keys("set-min-decryption-version", "--key", "orders", "--version", "2", "--json");
    assertSuccess(set);
    assertEquals(2, json(set).get("minDecryptionVersion").getAsInt());
    Cli.Result text = keys("describe", "--key", "orders");
    assertTrue(text.stdoutText().contains("min decrypt      v2 (older versions are refused)"), text.stdoutText());

    Path out = dir.resolve("out.txt");
    assertFailure(crypt("decrypt", oldMessage, out), ExitCode.KEY_PROVIDER, "version 1",
        "minimum decryption version is 2", "set-min-decryption-version");
    assertTrue(Files.notExists(out), "no partial output");
    Path newOut = dir.resolve("new.txt");
    assertSuccess(crypt("decrypt", newMessage, newOut));
    assertArrayEquals(content, Files.readAllBytes(newOut));

    assertSuccess(keys("set-min-decryption-version", "--key", "orders", "--version", "1"));
    assertSuccess(crypt("decrypt", oldMessage, out));
    assertArrayEquals(content, Files.readAllBytes(out));
  }

  @Test
  void versionOutOfRange_failsWithUsage() {
    assertFailure(keys("set-min-decryption-version", "--key", "orders", "--version", "2"), ExitCode.USAGE,
        "primary version 1");
    assertFailure(keys("set-min-decryption-version", "--key", "orders", "--version", "0"), ExitCode.USAGE,
        "at least 1");
  }

  @Test
  void missingVersion_failsWithUsage() {
    assertFailure(keys("set-min-decryption-version", "--key", "orders"), ExitCode.USAGE, "--version");
  }
}
