package dev.envelope.cli;

import static dev.envelope.cli.Cli.assertFailure;
import static dev.envelope.cli.Cli.assertNoOutputLeft;
import static dev.envelope.cli.Cli.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.Envelope;
import dev.envelope.testkit.junit.KeyStoreFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code envelope rewrap}: new master keys for messages, with decrypt's checks and failures. */
class RewrapCommandTest {
  static final String[] SOURCE = {"--key-namespace", "ns", "--key-name", "old"};
  @TempDir Path dir;
  Path oldKey;
  Path newKey;
  Path plain;
  Path message;
  Path out;
  byte[] content;

  @BeforeEach
  void encryptOne() throws IOException {
    oldKey = TestKeys.aesKeyFile(dir, "old.key", 32);
    newKey = TestKeys.aesKeyFile(dir, "new.key", 32);
    content = TestKeys.randomBytes(5_000);
    plain = Files.write(dir.resolve("plain"), content);
    message = encrypt("message.env", "0x0178");
    out = dir.resolve("out.env");
  }

  Path encrypt(String name, String suite) {
    Path path = dir.resolve(name);
    assertSuccess(Cli.run("encrypt", "--in", plain.toString(), "--out", path.toString(), "-q",
        "--context", "tenant=acme", "--suite", suite, "--frame-size", "1000",
        "--raw-aes-key", oldKey.toString(), "--key-namespace", "ns", "--key-name", "old"));
    return path;
  }

  List<String> rewrap(Path in, Path to, String... extra) {
    List<String> a = new ArrayList<>(List.of("rewrap", "--in", in.toString(), "--out", to.toString(),
        "--raw-aes-key", oldKey.toString(), "--key-namespace", "ns", "--key-name", "old",
        "--to-raw-aes-key", newKey.toString(), "--to-key-namespace", "ns", "--to-key-name", "new"));
    a.addAll(List.of(extra));
    return a;
  }

  Cli.Result run(List<String> args) {
    return Cli.run(args.toArray(String[]::new));
  }

  Cli.Result decrypt(Path in, Path key, String name) {
    // Rewrapped in place, a version-1 message still does not commit to its key: reading it takes
    // the flag that reads old messages.
    return Cli.run("decrypt", "--in", in.toString(), "--out", dir.resolve("plain.out").toString(),
        "--commitment-policy", "require-encrypt-allow-decrypt",
        "--raw-aes-key", key.toString(), "--key-namespace", "ns", "--key-name", name);
  }

  byte[] decrypted() throws IOException {
    return Files.readAllBytes(dir.resolve("plain.out"));
  }

  @Test
  void rewrap_version1Message_decryptsWithTheNewKeyOnlyAndKeepsTheBody() throws IOException {
    assertSuccess(run(rewrap(message, out)));

    assertSuccess(decrypt(out, newKey, "new"));
    assertArrayEquals(content, decrypted());
    assertFailure(decrypt(out, oldKey, "old"), ExitCode.NO_MATCHING_KEY);
    byte[] before = Files.readAllBytes(message);
    byte[] after = Files.readAllBytes(out);
    int oldHeader = Envelope.inspectUnauthenticated(before).headerLength();
    int newHeader = Envelope.inspectUnauthenticated(after).headerLength();
    assertArrayEquals(Arrays.copyOfRange(before, oldHeader, before.length), Arrays.copyOfRange(after, newHeader, after.length));
  }

  @Test
  void rewrap_keepExisting_decryptsWithEitherKey() throws IOException {
    assertSuccess(run(rewrap(message, out, "--keep-existing")));

    assertSuccess(decrypt(out, newKey, "new"));
    assertSuccess(decrypt(out, oldKey, "old"));
    assertArrayEquals(content, decrypted());
  }

  @Test
  void rewrap_defaultSuiteWithoutReencrypt_failsAsUsageWithNoOutput() {
    Path signed = encrypt("signed.env", "0x0578");
    assertFailure(run(rewrap(signed, out)), ExitCode.USAGE, "signing suite 0x0578", "add --reencrypt");
    assertNoOutputLeft(out);
    Path v2 = encrypt("v2.env", "0x0478");
    assertFailure(run(rewrap(v2, out)), ExitCode.USAGE, "0x0478", "add --reencrypt");
    assertNoOutputLeft(out);
  }

  @Test
  void rewrap_reencrypt_signedMessageDecryptsWithTheNewKey() throws IOException {
    Path signed = encrypt("signed.env", "0x0578");
    assertSuccess(run(rewrap(signed, out, "--reencrypt")));

    assertSuccess(decrypt(out, newKey, "new"));
    assertArrayEquals(content, decrypted());
    assertFalse(Arrays.equals(Envelope.inspectUnauthenticated(Files.readAllBytes(signed)).messageId(),
        Envelope.inspectUnauthenticated(Files.readAllBytes(out)).messageId()));
  }

  /**
   * Issue 13: rewrap reads under a commitment policy the user can choose. Its default still reads
   * old messages without key commitment (it exists to migrate them); require-encrypt-require-decrypt
   * refuses them with decrypt's exit status and line (which, here, does not call it the default).
   */
  @Test
  void rewrap_requireDecryptPolicy_refusesANonCommittingMessageAsDecryptDoes() throws IOException {
    assertSuccess(run(rewrap(message, out)));
    assertSuccess(decrypt(out, newKey, "new"));
    assertArrayEquals(content, decrypted());

    Path strictOut = dir.resolve("strict.env");
    Cli.Result refused = run(rewrap(message, strictOut, "--commitment-policy", "require-encrypt-require-decrypt"));
    assertFailure(refused, ExitCode.POLICY, "0x0178", "does not commit to its key",
        "--commitment-policy require-encrypt-allow-decrypt");
    assertNoOutputLeft(strictOut);
    Cli.Result decryptRefused = Cli.run("decrypt", "--in", message.toString(), "--out",
        dir.resolve("plain.out").toString(), "--raw-aes-key", oldKey.toString(), "--key-namespace", "ns",
        "--key-name", "old");
    assertEquals(decryptRefused.status(), refused.status());
    assertEquals(1, decryptRefused.stderrLines().size(), decryptRefused.stderr());
    assertEquals(List.of(decryptRefused.stderrLines().get(0).replace(" (the default)", "")), refused.stderrLines());
  }

  @Test
  void rewrap_requireDecryptPolicyOverATree_listsEachNonCommittingMessageWithDecryptsLine() throws IOException {
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Files.copy(message, tree.resolve("old.env"));
    Path signed = encrypt("signed.env", "0x0578");
    Files.copy(signed, tree.resolve("new.env"));
    Path outTree = dir.resolve("out-tree");

    Cli.Result r = run(rewrap(tree, outTree, "--reencrypt", "--commitment-policy", "require-encrypt-require-decrypt"));

    assertEquals(ExitCode.POLICY.code(), r.status(), r.toString());
    List<String> lines = r.stderrLines();
    assertEquals(2, lines.size(), r.stderr());
    assertTrue(lines.get(0).startsWith("envelope: old.env: refused by policy: ")
        && lines.get(0).endsWith("add --commitment-policy require-encrypt-allow-decrypt"), lines.get(0));
    assertTrue(lines.get(1).contains("rewrapped 1 of 2 files; 1 failed"), lines.get(1));
    assertNoOutputLeft(outTree.resolve("old.env"));
    assertSuccess(decrypt(outTree.resolve("new.env"), newKey, "new"));
    assertArrayEquals(content, decrypted());
  }

  @Test
  void rewrap_forbidEncryptAllowDecrypt_readsANonCommittingMessage() throws IOException {
    assertSuccess(run(rewrap(message, out, "--commitment-policy", "forbid-encrypt-allow-decrypt")));
    assertSuccess(decrypt(out, newKey, "new"));
    assertArrayEquals(content, decrypted());
  }

  @Test
  void rewrap_unknownCommitmentPolicy_failsWithUsageStatus() {
    assertFailure(run(rewrap(message, out, "--commitment-policy", "allow-everything")), ExitCode.USAGE,
        "--commitment-policy", "require-encrypt-allow-decrypt");
    assertNoOutputLeft(out);
  }

  @Test
  void rewrap_reencryptWithKeepExisting_failsAsUsage() {
    assertFailure(run(rewrap(message, out, "--reencrypt", "--keep-existing")), ExitCode.USAGE, "--keep-existing");
    assertNoOutputLeft(out);
  }

  /** The same failure gives the same exit status and the same line as decrypt. */
  @Test
  void rewrap_sourceFailures_matchDecrypt() throws IOException {
    byte[] bytes = Files.readAllBytes(message);
    Path truncated = Files.write(dir.resolve("truncated.env"), Arrays.copyOf(bytes, 200));
    byte[] flipped = bytes.clone();
    flipped[Envelope.inspectUnauthenticated(bytes).headerLength() - 1] ^= 1;
    Path tampered = Files.write(dir.resolve("tampered.env"), flipped);
    Path garbage = Files.write(dir.resolve("garbage.env"), "not a message".getBytes());
    for (Path bad : List.of(truncated, tampered, garbage)) {
      Cli.Result decrypted = Cli.run("decrypt", "--in", bad.toString(), "--out", out.toString(),
          "--commitment-policy", "require-encrypt-allow-decrypt", "--raw-aes-key", oldKey.toString(), "--key-namespace", "ns", "--key-name", "old");
      Cli.Result rewrapped = run(rewrap(bad, out));
      assertEquals(decrypted.status(), rewrapped.status(), bad.toString());
      assertTrue(decrypted.status() != 0);
      assertEquals(decrypted.stderr(), rewrapped.stderr());
      assertNoOutputLeft(out);
    }
    Cli.Result wrongKey = Cli.run("decrypt", "--in", message.toString(), "--out", out.toString(),
        "--commitment-policy", "require-encrypt-allow-decrypt", "--raw-aes-key", newKey.toString(), "--key-namespace", "ns", "--key-name", "old");
    List<String> args = rewrap(message, out);
    args.set(args.indexOf(oldKey.toString()), newKey.toString());
    Cli.Result rewrapWrongKey = run(args);
    assertEquals(ExitCode.NO_MATCHING_KEY.code(), rewrapWrongKey.status());
    assertEquals(wrongKey.stderr(), rewrapWrongKey.stderr());
    List<String> withContext = rewrap(message, out, "--context", "tenant=other");
    assertFailure(run(withContext), ExitCode.CONTEXT_MISMATCH);
    assertNoOutputLeft(out);
  }

  @Test
  void rewrap_incompleteDestination_namesTheToOptions() {
    Cli.Result r = Cli.run("rewrap", "--in", message.toString(), "--out", out.toString(),
        "--raw-aes-key", oldKey.toString(), "--key-namespace", "ns", "--key-name", "old",
        "--to-raw-aes-key", newKey.toString());
    assertFailure(r, ExitCode.USAGE, "--to-key-namespace", "--to-key-name");
    Cli.Result none = Cli.run("rewrap", "--in", message.toString(), "--out", out.toString(),
        "--raw-aes-key", oldKey.toString(), "--key-namespace", "ns", "--key-name", "old");
    assertFailure(none, ExitCode.USAGE, "destination keyring", "--to-raw-aes-key");
    Cli.Result badFile = Cli.run("rewrap", "--in", message.toString(), "--out", out.toString(),
        "--raw-aes-key", oldKey.toString(), "--key-namespace", "ns", "--key-name", "old",
        "--to-raw-aes-key", plain.toString(), "--to-key-namespace", "ns", "--to-key-name", "new");
    assertFailure(badFile, ExitCode.KEY_INVALID, "--to-raw-aes-key");
    assertNoOutputLeft(out);
  }

  @Test
  void rewrap_keyStoreAndRawDestinations_makeAMultiKeyring() throws IOException {
    try (KeyStoreFixture keys = KeyStoreFixture.start("archive", CliKeyStore.PASSPHRASE, b -> {})) {
      Path store = keys.directory();
      List<String> args = rewrap(message, out, "--to-keystore", store.toString(), "--to-key", "archive");
      assertSuccess(Cli.runWithEnv(CliKeyStore.env(), args.toArray(String[]::new)));

      assertEquals(2, Envelope.inspectUnauthenticated(Files.readAllBytes(out)).encryptedDataKeys().size());
      assertSuccess(decrypt(out, newKey, "new"));
      assertSuccess(Cli.runWithEnv(CliKeyStore.env(), "decrypt", "--in", out.toString(),
          "--out", dir.resolve("plain.out").toString(), "--commitment-policy", "require-encrypt-allow-decrypt",
          "--keystore", store.toString(), "--key", "archive"));
      assertArrayEquals(content, decrypted());
    }
  }

  @Test
  void rewrap_stdinToStdout_writesTheMessage() {
    Cli.Result r = Cli.run(readAll(message), rewrap(Path.of("-"), Path.of("-")).toArray(String[]::new));
    assertSuccess(r);
    assertTrue(Envelope.inspectUnauthenticated(r.stdout()).encryptedDataKeys().get(0).providerInfo().length > 0);
  }

  static byte[] readAll(Path path) {
    try {
      return Files.readAllBytes(path);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void rewrap_tree_rewrapsEveryFileListsTheBadOnesAndFails() throws IOException {
    Path tree = Files.createDirectories(dir.resolve("tree/sub"));
    Files.copy(message, tree.resolve("a.env"));
    Files.copy(message, tree.getParent().resolve("b.env"));
    Files.write(tree.resolve("bad.env"), "not a message".getBytes());
    Path outTree = dir.resolve("out-tree");

    Cli.Result r = run(rewrap(tree.getParent(), outTree));

    assertEquals(ExitCode.MALFORMED.code(), r.status(), r.toString());
    List<String> lines = r.stderrLines();
    assertEquals(2, lines.size(), r.stderr());
    assertTrue(lines.get(0).startsWith("envelope: sub/bad.env: not a valid message"), lines.get(0));
    assertTrue(lines.get(1).contains("rewrapped 2 of 3 files; 1 failed"), lines.get(1));
    assertFalse(Files.exists(outTree.resolve("sub/bad.env")));
    assertSuccess(decrypt(outTree.resolve("sub/a.env"), newKey, "new"));
    assertSuccess(decrypt(outTree.resolve("b.env"), newKey, "new"));
    assertArrayEquals(content, decrypted());
    assertNoOutputLeft(outTree.resolve("sub/bad.env"));
  }

  @Test
  void rewrap_treeIntoItself_isRefused() throws IOException {
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Files.copy(message, tree.resolve("a.env"));
    assertFailure(run(rewrap(tree, tree.resolve("out"))), ExitCode.USAGE, "inside --in");
  }
}
