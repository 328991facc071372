package dev.envelope.cli;

import dev.envelope.local.LocalKeyStore;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every {@code keys} command needs to reach a key store: where, its passphrase, who asks. */
final class KeyStoreAccess {
  @Option(names = "--keystore", required = true, paramLabel = "DIR", order = 1,
      description = "The key store directory. Its passphrase comes from the environment variable "
          + KeyStores.PASSPHRASE_VARIABLE + " or --passphrase-file, never from the command line.")
  Path directory;

  @Option(names = "--passphrase-file", paramLabel = "FILE", order = 2,
      description = "File holding the key store passphrase (UTF-8; one trailing line break is ignored);"
          + " wins over " + KeyStores.PASSPHRASE_VARIABLE + ".")
  Path passphraseFile;

  @Option(names = "--caller", paramLabel = "LABEL", order = 3,
      description = "Who to name in the audit log and to check key policy grants against (default: "
          + KeyStores.DEFAULT_CALLER + "). Asserted, not authenticated.")
  String caller;

  LocalKeyStore open(Io io) {
    return KeyStores.open(directory, passphraseFile, caller, io);
  }

  KeyStores.Opened openOrCreate(Io io) {
    return KeyStores.openOrCreate(directory, passphraseFile, caller, io);
  }
}
