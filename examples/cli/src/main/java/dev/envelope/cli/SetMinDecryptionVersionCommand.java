package dev.envelope.cli;

import dev.envelope.local.KeyMetadata;
import dev.envelope.local.LocalKeyStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code envelope keys set-min-decryption-version}: the oldest key version that may still decrypt
 * (as Vault's {@code min_decryption_version}). After a rotation and a rewrap of the old messages,
 * raising it makes data keys wrapped under older versions refused; lowering it restores them.
 */
@Command(name = "set-min-decryption-version", sortOptions = false, mixinStandardHelpOptions = true,
    header = "Refuse decryption with key versions older than N (lower it again to restore them).",
    description = {
        "Messages whose data key is wrapped under a version below N fail to decrypt with exit status 13"
            + " until the minimum is lowered. N is between 1 and the key's primary version; encryption"
            + " always uses the primary version and is not affected. Checked and audited as update-policy.",
        ""
    })
final class SetMinDecryptionVersionCommand extends KeysCommand.Change {
  @Option(names = "--version", required = true, paramLabel = "N", order = 6,
      description = "The oldest version that may decrypt: 1 (every version) up to the primary version.")
  int version;

  SetMinDecryptionVersionCommand(Io io) {
    super(io);
  }

  @Override
  void checkOptions() {
    if (version < 1) {
      throw new CliFailure(ExitCode.USAGE, "--version must be at least 1, not " + version);
    }
  }

  @Override
  KeyMetadata apply(LocalKeyStore store, String key) {
    try {
      return store.setMinDecryptionVersion(key, version);
    } catch (IllegalArgumentException e) {
      throw new CliFailure(ExitCode.USAGE, e.getMessage());
    }
  }
}
