package dev.envelope.cli;

import dev.envelope.local.LocalKeyStore;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every {@code keys} command needs to reach a key store: where, its passphrase, who asks. */
final class KeyStoreAccess {
  @Option(names = "--keystore", required = true, paramLabel = "DIR|URL", order = 1,
      description = "The key store directory, or postgresql://HOST[:PORT]/DATABASE for a store in PostgreSQL"
          + " (user, password and TLS from PGUSER, PGPASSWORD or PGPASSFILE and PGSSLMODE). Its passphrase comes"
          + " from the environment variable " + KeyStores.PASSPHRASE_VARIABLE + " or --passphrase-file, never from"
          + " the command line.")
  String location;

  @Option(names = "--passphrase-file", paramLabel = "FILE", order = 2,
      description = "File holding the key store passphrase (UTF-8; one trailing line break is ignored);"
          + " wins over " + KeyStores.PASSPHRASE_VARIABLE + ".")
  Path passphraseFile;

  @Option(names = "--caller", paramLabel = "LABEL", order = 3,
      description = "Who to name in the audit log and to check key policy grants against (default: "
          + KeyStores.DEFAULT_CALLER + "). Asserted, not authenticated.")
  String caller;

  LocalKeyStore open(Io io) {
    return KeyStores.open(location, passphraseFile, caller, io);
  }

  KeyStores.Opened openOrCreate(Io io) {
    return KeyStores.openOrCreate(location, passphraseFile, caller, io);
  }

  /** Where the store is, for output: the absolute directory, or the PostgreSQL address. */
  String describe() {
    return KeyStores.describe(location);
  }
}
