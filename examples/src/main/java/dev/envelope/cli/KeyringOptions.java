package dev.envelope.cli;

import dev.envelope.Keyring;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ArgGroup;

/**
 * The KEYRING part of {@code encrypt} and {@code decrypt}: a mixin holding one argument group per
 * key provider ({@link KeyringChoice}). Picocli fills only the groups whose options were given.
 */
final class KeyringOptions {
  @ArgGroup(exclusive = false, order = 100,
      heading = "%nKEYRING, raw (a key you hold in a file; the ESDK's raw AES and raw RSA keyrings):%n")
  RawKeyringOptions raw;

  /** The provider groups whose options were given. */
  private List<KeyringChoice> given() {
    List<KeyringChoice> given = new ArrayList<>();
    if (raw != null) {
      given.add(raw);
    }
    return given;
  }

  /** The keyring for {@code purpose}. */
  Keyring keyring(Purpose purpose) {
    List<KeyringChoice> given = given();
    if (given.isEmpty()) {
      throw new CliFailure(ExitCode.USAGE,
          "give a keyring: --raw-aes-key FILE, or --raw-rsa-key PEMFILE with --rsa-padding;"
              + " both with --key-namespace NS and --key-name NAME");
    }
    return given.get(0).keyring(purpose);
  }
}
