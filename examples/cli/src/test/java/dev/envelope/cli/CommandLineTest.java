package dev.envelope.cli;

import static dev.envelope.cli.Cli.assertFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command tree itself: help, version, usage errors. */
class CommandLineTest {
  @Test
  void run_noCommand_failsWithUsageStatusNamingTheCommands() {
    assertFailure(Cli.run(), ExitCode.USAGE, "give a command: encrypt, decrypt, inspect");
  }

  @Test
  void run_unknownCommand_failsWithUsageStatus() {
    assertFailure(Cli.run("encrypyt"), ExitCode.USAGE, "encrypyt");
  }

  @Test
  void help_listsEveryCommandAndEveryExitStatus() {
    Cli.Result r = Cli.run("--help");
    assertEquals(0, r.status());
    String help = r.stdoutText();
    for (String command : new String[] {"encrypt", "decrypt", "inspect"}) {
      assertTrue(help.contains("  " + command + "  "), help);
    }
    String flat = flat(help);
    for (ExitCode code : ExitCode.values()) {
      assertTrue(flat.contains(" " + code.code() + " " + code.meaning()),
          () -> "help lacks exit status " + code + ":\n" + help);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"encrypt", "decrypt"})
  void help_ofEncryptAndDecrypt_showsTheContract(String command) {
    Cli.Result r = Cli.run(command, "--help");
    assertEquals(0, r.status());
    String help = flat(r.stdoutText());
    assertTrue(help.contains("Usage: envelope " + command + " --in PATH --out PATH [--context KEY=VALUE]..."), help);
    for (String option : new String[] {"--raw-aes-key=FILE", "--raw-rsa-key=PEMFILE", "--rsa-padding=PADDING",
        "--key-namespace=NS", "--key-name=NAME", "oaep-sha1, oaep-sha256, oaep-sha384, oaep-sha512 or pkcs1",
        "-q, --quiet", "Exit status:"}) {
      assertTrue(help.contains(option), () -> "lacks " + option + ":\n" + help);
    }
    assertEquals(command.equals("encrypt"), help.contains("--suite=ID"), help);
    assertEquals(command.equals("encrypt"), help.contains("--frame-size=BYTES"), help);
  }

  /** The help text with every run of white space as one space: immune to line wrapping. */
  static String flat(String help) {
    return help.replaceAll("\\s+", " ");
  }

  @Test
  void help_ofInspect_saysUnauthenticated() {
    Cli.Result r = Cli.run("inspect", "--help");
    assertEquals(0, r.status());
    assertTrue(r.stdoutText().contains("UNAUTHENTICATED"), r.stdoutText());
  }

  @Test
  void version_printsTheVersion() {
    Cli.Result r = Cli.run("--version");
    assertEquals(0, r.status());
    assertTrue(r.stdoutText().startsWith("envelope "), r.stdoutText());
  }

  @Test
  void exitCodes_areDistinct() {
    Set<Integer> seen = new HashSet<>();
    for (ExitCode code : ExitCode.values()) {
      assertTrue(seen.add(code.code()), code::name);
    }
    assertEquals(0, ExitCode.OK.code());
  }

  @Test
  void oneLine_controlCharacters_becomeSpaces() {
    assertEquals("a b  c", Failures.oneLine("a\nb\r\tc\n"));
  }
}
