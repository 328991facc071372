package dev.envelope.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's CLI reference stays in step with the CLI: the fixed synopsis and every exit status. */
class ReadmeTest {
  static final Path README = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent().resolve("README.md");

  @Test
  void readme_exitStatusTable_matchesTheCli() throws IOException {
    String readme = Files.readString(README);
    for (ExitCode code : ExitCode.values()) {
      if (code != ExitCode.OK) {
        String row = "| " + code.code() + " | " + code.meaning() + " |";
        assertTrue(readme.contains(row), () -> "README.md lacks the row: " + row);
      }
    }
  }

  @Test
  void readme_synopsis_isTheFixedContract() throws IOException {
    String readme = Files.readString(README);
    for (String line : new String[] {
        "bin/envelope encrypt --in PATH --out PATH [--context KEY=VALUE]... [--suite ID] [--frame-size BYTES] KEYRING",
        "bin/envelope decrypt --in PATH --out PATH [--context KEY=VALUE]... KEYRING",
        "raw AES:  --raw-aes-key FILE --key-namespace NS --key-name NAME   (FILE holds 16, 24 or 32 raw key bytes)",
        "--rsa-padding oaep-sha1|oaep-sha256|oaep-sha384|oaep-sha512|pkcs1"}) {
      assertTrue(readme.contains(line), () -> "README.md lacks: " + line);
    }
  }
}
