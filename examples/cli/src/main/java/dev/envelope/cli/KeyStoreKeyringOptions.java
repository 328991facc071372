package dev.envelope.cli;

import dev.envelope.Keyring;
import dev.envelope.local.LocalKeyStore;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The local key store's keyring: one key of a store directory, opened with its passphrase. Wraps
 * new data keys under the key's primary version and unwraps under whichever version a message
 * names, so messages from before a rotation keep decrypting. Every use is checked against the
 * key's state and policy and written to the store's audit log.
 */
final class KeyStoreKeyringOptions implements KeyringChoice {
  @Option(names = "--keystore", paramLabel = "DIR|URL", order = 111,
      description = "The key store directory (made by 'envelope keys create'), or postgresql://HOST[:PORT]/DATABASE."
          + " Its passphrase comes from the environment variable " + KeyStores.PASSPHRASE_VARIABLE
          + " or --passphrase-file.")
  String directory;

  @Option(names = "--key", paramLabel = "ALIAS_OR_ID", order = 112,
      description = "The key's alias or id in the store ('envelope keys list' shows them).")
  String key;

  @Option(names = "--passphrase-file", paramLabel = "FILE", order = 113,
      description = "File holding the key store passphrase (UTF-8; one trailing line break is ignored);"
          + " wins over " + KeyStores.PASSPHRASE_VARIABLE + ".")
  Path passphraseFile;

  @Option(names = "--caller", paramLabel = "LABEL", order = 114,
      description = "Who to name in the audit log and to check key policy grants against (default: "
          + KeyStores.DEFAULT_CALLER + "). Asserted, not authenticated.")
  String caller;

  @Override
  public Keyring keyring(Purpose purpose, Io io, Resources resources) {
    if (directory == null) {
      throw new CliFailure(ExitCode.USAGE,
          "--key, --passphrase-file and --caller need a key store: add --keystore DIR");
    }
    if (key == null || key.isEmpty()) {
      throw new CliFailure(ExitCode.USAGE, "--keystore needs --key ALIAS_OR_ID: the key to "
          + (purpose == Purpose.ENCRYPT ? "encrypt under" : "decrypt with") + " ('envelope keys list' shows them)");
    }
    LocalKeyStore store = resources.add(KeyStores.open(directory, passphraseFile, caller, io));
    return store.keyring(key);
  }
}
