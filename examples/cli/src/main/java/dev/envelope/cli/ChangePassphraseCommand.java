package dev.envelope.cli;

import dev.envelope.local.KekSource;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.local.PassphraseKdfParameters;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code envelope keys change-passphrase}: re-seals every key of a store under a new passphrase.
 * The old passphrase comes from {@value KeyStores#PASSPHRASE_VARIABLE} or {@code
 * --passphrase-file}, the new one only from {@code --new-passphrase-file}: neither is ever read
 * from the command line.
 */
@Command(name = "change-passphrase", sortOptions = false, mixinStandardHelpOptions = true,
    header = "Re-seal every key of a key store under a new passphrase.",
    description = {
        "Derives a new key-encryption key from the new passphrase (Argon2id, 64 MiB, 3 passes, 4 lanes,"
            + " a fresh salt) and re-seals every key under it. Crash-safe: if it is interrupted, the store opens"
            + " with the old passphrase or with the new one, never neither, and keeps every key. Other processes"
            + " that have the store open must reopen it with the new passphrase.",
        "",
        "The old passphrase comes from " + KeyStores.PASSPHRASE_VARIABLE + " or --passphrase-file, the new one"
            + " from --new-passphrase-file (at least " + KeyStores.MIN_NEW_PASSPHRASE + " characters).",
        "",
        "Old copies of the key files (backups, disk blocks) stay sealed under the old passphrase: changing it"
            + " does not revoke what someone who knows the old one has already copied.",
        ""
    })
final class ChangePassphraseCommand implements Callable<Integer> {
  private final Io io;

  @Mixin
  KeyStoreAccess store;

  @Option(names = "--new-passphrase-file", required = true, paramLabel = "FILE", order = 5,
      description = "File holding the new passphrase (UTF-8; one trailing line break is ignored).")
  Path newPassphraseFile;

  @Mixin
  JsonOption format;

  ChangePassphraseCommand(Io io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    char[] next = Secrets.read("the new key store passphrase", newPassphraseFile, "--new-passphrase-file",
        null, io);
    KekSource kek;
    try {
      if (next.length < KeyStores.MIN_NEW_PASSPHRASE) {
        throw new CliFailure(ExitCode.USAGE, "the new passphrase must have at least " + KeyStores.MIN_NEW_PASSPHRASE
            + " characters; choose a longer one");
      }
      kek = KekSource.passphrase(next, PassphraseKdfParameters.defaults());
    } finally {
      Arrays.fill(next, '\0');
    }
    int keys;
    try (LocalKeyStore opened = store.open(io)) {
      keys = opened.listKeys().size();
      opened.changeKek(kek);
    } finally {
      kek.destroy();
    }
    String directory = store.describe();
    if (format.json) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put(KeyStores.isAddress(store.location) ? "address" : "directory", directory);
      out.put("keys", keys);
      out.put("changed", true);
      Stdout.print(io, Json.write(out));
    } else {
      Stdout.print(io, "changed the passphrase of the key store " + KeyStores.inOrAt(store.location) + " " + directory + ": re-sealed " + keys
          + (keys == 1 ? " key" : " keys") + "; open it with the new passphrase from now on\n");
    }
    return ExitCode.OK.code();
  }
}
