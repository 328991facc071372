package dev.envelope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The README's CLI reference stays in step with the CLI: the fixed synopsis, every exit status,
 * every keyring option, every {@code keys} command, and the quick start's two commands.
 */
class ReadmeTest {
  static final Path README = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent().getParent().resolve("README.md");

  static String readme() throws IOException {
    return Files.readString(README);
  }

  @Test
  void readme_exitStatusTable_matchesTheCli() throws IOException {
    String readme = readme();
    for (ExitCode code : ExitCode.values()) {
      if (code != ExitCode.OK) {
        String row = "| " + code.code() + " | " + code.meaning() + " |";
        assertTrue(readme.contains(row), () -> "README.md lacks the row: " + row);
      }
    }
  }

  @Test
  void readme_synopsis_isTheFixedContract() throws IOException {
    String readme = readme();
    for (String line : new String[] {
        "bin/envelope encrypt --in PATH --out PATH [--context KEY=VALUE]... [--suite ID] [--frame-size BYTES] KEYRING",
        "bin/envelope decrypt --in PATH --out PATH [--context KEY=VALUE]... KEYRING",
        "raw AES:  --raw-aes-key FILE --key-namespace NS --key-name NAME   (FILE holds 16, 24 or 32 raw key bytes)",
        "--rsa-padding oaep-sha1|oaep-sha256|oaep-sha384|oaep-sha512|pkcs1"}) {
      assertTrue(readme.contains(line), () -> "README.md lacks: " + line);
    }
  }

  @Test
  void readme_quickStart_isExactlyTheDemoAndTheTestSuite() throws IOException {
    String readme = readme();
    Matcher m = Pattern.compile("## Quick start\\n.*?```\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    assertTrue(m.find(), "README.md has a quick start code block");
    List<String> commands = m.group(1).lines().map(l -> l.replaceFirst("\\s+#.*", "")).toList();
    assertEquals(List.of("bin/envelope demo", "scripts/test"), commands);
  }

  @Test
  void readme_keyringOptions_listEveryOptionOfEveryKeyringGroup() throws IOException {
    String readme = readme();
    CommandLine encrypt = EnvelopeCli.commandLine(Io.system()).getSubcommands().get("encrypt");
    for (OptionSpec option : encrypt.getCommandSpec().options()) {
      if (option.group() != null) {
        String name = option.longestName();
        assertTrue(readme.contains(name), () -> "README.md does not mention " + name);
      }
    }
    assertTrue(readme.contains(KeyStores.PASSPHRASE_VARIABLE) && readme.contains(Pkcs11KeyringOptions.PIN_VARIABLE));
    assertTrue(readme.contains("AWS KMS:  --kms-key ARN [--kms-key ARN]... [--kms-endpoint URL] [--kms-region REGION]"));
  }

  /** The text of the README section that starts with {@code heading}, up to the next "## ". */
  static String section(String readme, String heading) {
    int start = readme.indexOf("\n" + heading + "\n");
    assertTrue(start >= 0, () -> "README.md has no section " + heading);
    int end = readme.indexOf("\n## ", start + heading.length() + 1);
    return readme.substring(start, end < 0 ? readme.length() : end);
  }

  @Test
  void readme_kmsServer_documentsTheCommandAndEveryOptionOfKmsServer() throws IOException {
    String readme = readme();
    assertTrue(readme.contains("bin/envelope kms-server [--port N] [--keystore DIR] [OPTIONS]"));
    String endpoint = section(readme, "## Local KMS endpoint");
    Matcher option = Pattern.compile("--[a-z-]+").matcher(KmsServerCommand.USAGE);
    while (option.find()) {
      String name = option.group();
      assertTrue(endpoint.contains(name + " "), () -> "the Local KMS endpoint section lacks " + name);
    }
    assertTrue(endpoint.contains(LocalKmsEndpoint.STOPPED));
    assertTrue(endpoint.contains("bin/envelope kms-server --port 4566 --keystore ~/.envelope/kms"));
  }

  @Test
  void readme_kmsExample_isTheOneKmsProviderRunsAsWritten() throws IOException {
    Path test = README.getParent().resolve("kms-provider/src/test/java/dev/envelope/kms/ReadmeExampleTest.java");
    String source = Files.readString(test);
    String run = source.substring(source.indexOf("// --- README example start ---\n") + 32,
        source.indexOf("      // --- README example end ---"));
    List<String> expected = new java.util.ArrayList<>(run.lines().map(l -> l.startsWith("    ") ? l.substring(4) : l).toList());
    expected.add("}"); // the README closes the try block the test continues
    Matcher block = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(section(readme(), "## AWS KMS"));
    assertTrue(block.find(), "the AWS KMS section has a Java example");
    assertEquals(expected, block.group(1).lines().toList(),
        "README.md's AWS KMS example must be the code ReadmeExampleTest runs");
  }

  @Test
  void readme_keysCommands_areEachDocumented() throws IOException {
    String readme = readme();
    CommandLine keys = EnvelopeCli.commandLine(Io.system()).getSubcommands().get("keys");
    assertEquals(12, keys.getSubcommands().size()); // audit-prune (issue 11 item 4) is the twelfth
    for (String name : keys.getSubcommands().keySet()) {
      assertTrue(readme.contains("bin/envelope keys " + name + " --keystore DIR"),
          () -> "README.md lacks the synopsis of 'keys " + name + "'");
    }
  }
}
