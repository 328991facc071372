package dev.envelope.cli;

import dev.envelope.Keyring;
import dev.envelope.keyring.MultiKeyring;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The destination keyring of {@code rewrap}: the usual keyring options with a {@code to-} prefix
 * ({@code --to-raw-aes-key}, {@code --to-keystore}, {@code --to-pkcs11-library}, {@code
 * --to-kms-key}, ...). Each group fills the matching source-side options class and lets it build
 * the keyring, so the rules and messages are the same; the messages then name the {@code --to-}
 * options. Several groups make a multi-keyring in which each keyring wraps the data key.
 */
final class DestinationKeyringOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @ArgGroup(exclusive = false, order = 200,
      heading = "%nDESTINATION KEYRING, raw (the options above with a to- prefix):%n")
  ToRawKeyringOptions raw;

  @ArgGroup(exclusive = false, order = 210, heading = "%nDESTINATION KEYRING, local key store:%n")
  ToKeyStoreKeyringOptions keyStore;

  @ArgGroup(exclusive = false, order = 220, heading = "%nDESTINATION KEYRING, PKCS#11:%n")
  ToPkcs11KeyringOptions pkcs11;

  @ArgGroup(exclusive = false, order = 230, heading = "%nDESTINATION KEYRING, AWS KMS:%n")
  ToKmsKeyringOptions kms;

  /** The keyring that wraps the data key in the rewrapped message. */
  Keyring keyring(Io io, Resources resources) {
    Map<Class<?>, KeyringChoice> byType = new LinkedHashMap<>();
    put(byType, raw);
    put(byType, keyStore);
    put(byType, pkcs11);
    put(byType, kms);
    List<KeyringChoice> given = KeyringOptions.ordered(command, byType);
    if (given.isEmpty()) {
      throw new CliFailure(ExitCode.USAGE,
          "give a destination keyring: the keyring options with a to- prefix, e.g. --to-raw-aes-key FILE"
              + " --to-key-namespace NS --to-key-name NAME, --to-keystore DIR --to-key ALIAS, or"
              + " --to-kms-key ARN (see --help)");
    }
    List<Keyring> keyrings = new ArrayList<>(given.size());
    for (KeyringChoice choice : given) {
      keyrings.add(choice.keyring(Purpose.ENCRYPT, io, resources));
    }
    // The data key exists already: no generator, every keyring wraps it.
    return keyrings.size() == 1 ? keyrings.get(0) : MultiKeyring.builder().children(keyrings).build();
  }

  private static void put(Map<Class<?>, KeyringChoice> byType, KeyringChoice choice) {
    if (choice != null) {
      byType.put(choice.getClass(), choice);
    }
  }

  private static final Pattern OPTION = Pattern.compile("(?<![A-Za-z0-9-])--(?!to-)([a-z][a-z0-9-]*)");

  /**
   * Builds a keyring through a source-side options class, renaming the options its failures name
   * ({@code --key-name} becomes {@code --to-key-name}).
   */
  static Keyring renamingFailures(Supplier<Keyring> build) {
    try {
      return build.get();
    } catch (CliFailure e) {
      if (e.exitCode() != ExitCode.USAGE && e.exitCode() != ExitCode.KEY_FILE && e.exitCode() != ExitCode.KEY_INVALID) {
        throw e;
      }
      throw new CliFailure(e.exitCode(), OPTION.matcher(e.getMessage()).replaceAll(
          m -> Matcher.quoteReplacement("--to-" + m.group(1))), e);
    }
  }
}
