package dev.envelope.cli;

import dev.envelope.Keyring;
import dev.envelope.keyring.MultiKeyring;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;

/**
 * The KEYRING part of {@code encrypt} and {@code decrypt}: a mixin holding one argument group per
 * key provider ({@link KeyringChoice}). Picocli fills only the groups whose options were given.
 *
 * <p>Several groups at once make a multi-keyring. Encrypting: the group given first on the command
 * line generates the data key and every group wraps it, so any one of the keys decrypts the message
 * (and if any keyring fails, nothing is written). Decrypting: any of them; the first that recovers the
 * data key wins, and only if all fail does the command fail, with each keyring's reason.
 */
final class KeyringOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @ArgGroup(exclusive = false, order = 100,
      heading = "%nKEYRING, raw (a key you hold in a file; the ESDK's raw AES and raw RSA keyrings):%n")
  RawKeyringOptions raw;

  @ArgGroup(exclusive = false, order = 110,
      heading = "%nKEYRING, local key store (the embedded default; see 'envelope keys'):%n")
  KeyStoreKeyringOptions keyStore;

  @ArgGroup(exclusive = false, order = 120,
      heading = "%nKEYRING, PKCS#11 (a key inside an HSM or SoftHSM token):%n")
  Pkcs11KeyringOptions pkcs11;

  @ArgGroup(exclusive = false, order = 130,
      heading = "%nKEYRING, AWS KMS (or the local KMS endpoint of 'envelope kms-server'):%n")
  KmsKeyringOptions kms;

  /** The groups whose options were given, in the order of their first option on the command line. */
  List<KeyringChoice> given() {
    Map<Class<?>, KeyringChoice> byType = new LinkedHashMap<>();
    if (raw != null) {
      byType.put(RawKeyringOptions.class, raw);
    }
    if (keyStore != null) {
      byType.put(KeyStoreKeyringOptions.class, keyStore);
    }
    if (pkcs11 != null) {
      byType.put(Pkcs11KeyringOptions.class, pkcs11);
    }
    if (kms != null) {
      byType.put(KmsKeyringOptions.class, kms);
    }
    return ordered(command, byType);
  }

  /**
   * The groups of {@code byType} in the order of their first option on {@code command}'s line
   * (the rest after them); {@code byType} is emptied.
   */
  static List<KeyringChoice> ordered(CommandSpec command, Map<Class<?>, KeyringChoice> byType) {
    List<KeyringChoice> ordered = new ArrayList<>();
    CommandLine.ParseResult parsed = command == null ? null : command.commandLine().getParseResult();
    if (parsed != null) {
      for (OptionSpec option : parsed.matchedOptions()) {
        ArgGroupSpec group = option.group();
        if (group != null) {
          KeyringChoice choice = byType.remove(group.typeInfo().getType());
          if (choice != null) {
            ordered.add(choice);
          }
        }
      }
    }
    ordered.addAll(byType.values());
    return ordered;
  }

  /** The keyring for {@code purpose}: one provider's, or a multi-keyring over several. */
  Keyring keyring(Purpose purpose, Io io, Resources resources) {
    List<KeyringChoice> given = given();
    if (given.isEmpty()) {
      throw new CliFailure(ExitCode.USAGE,
          "give a keyring: --keystore DIR --key ALIAS_OR_ID; --raw-aes-key FILE, or --raw-rsa-key PEMFILE with"
              + " --rsa-padding, with --key-namespace NS and --key-name NAME; or --pkcs11-library PATH"
              + " --pkcs11-token LABEL --pkcs11-key LABEL; or --kms-key ARN (see --help)");
    }
    List<Keyring> keyrings = new ArrayList<>(given.size());
    for (KeyringChoice choice : given) {
      keyrings.add(choice.keyring(purpose, io, resources));
    }
    if (keyrings.size() == 1) {
      return keyrings.get(0);
    }
    if (purpose == Purpose.ENCRYPT) {
      return MultiKeyring.builder().generator(keyrings.get(0)).children(keyrings.subList(1, keyrings.size())).build();
    }
    return MultiKeyring.builder().children(keyrings).build();
  }
}
