package dev.envelope.cli;

import dev.envelope.Keyring;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@link KeyStoreKeyringOptions} as a destination: {@code --to-keystore DIR --to-key ALIAS}. */
final class ToKeyStoreKeyringOptions implements KeyringChoice {
  @Option(names = "--to-keystore", paramLabel = "DIR", order = 211,
      description = "The key store directory of the new key, or postgresql://HOST[:PORT]/DATABASE; its"
          + " passphrase as for --keystore.")
  String directory; // a String: a Path would fold the "//" of a postgresql:// address

  @Option(names = "--to-key", paramLabel = "ALIAS_OR_ID", order = 212,
      description = "The new key's alias or id in that store.")
  String key;

  @Option(names = "--to-passphrase-file", paramLabel = "FILE", order = 213,
      description = "File holding that store's passphrase.")
  Path passphraseFile;

  @Option(names = "--to-caller", paramLabel = "LABEL", order = 214,
      description = "Who to name in that store's audit log.")
  String caller;

  @Override
  public Keyring keyring(Purpose purpose, Io io, Resources resources) {
    KeyStoreKeyringOptions options = new KeyStoreKeyringOptions();
    options.directory = directory;
    options.key = key;
    options.passphraseFile = passphraseFile;
    options.caller = caller;
    return DestinationKeyringOptions.renamingFailures(() -> options.keyring(purpose, io, resources));
  }
}
