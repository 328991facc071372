package dev.envelope.cli;

import dev.envelope.Keyring;
import java.util.List;
import picocli.CommandLine.Option;

/** {@link KmsKeyringOptions} as a destination: {@code --to-kms-key ARN [--to-kms-endpoint URL]}. */
final class ToKmsKeyringOptions implements KeyringChoice {
  @Option(names = "--to-kms-key", paramLabel = "ARN", order = 231,
      description = "A KMS key to wrap the data key with; repeat for more (each one wraps it).")
  List<String> keys;

  @Option(names = "--to-kms-endpoint", paramLabel = "URL", order = 232,
      description = "Send these KMS calls to this endpoint, e.g. that of 'envelope kms-server'.")
  String endpoint;

  @Option(names = "--to-kms-region", paramLabel = "REGION", order = 233,
      description = "The region of keys given by alias name or key id.")
  String region;

  @Override
  public Keyring keyring(Purpose purpose, Io io, Resources resources) {
    KmsKeyringOptions options = new KmsKeyringOptions();
    options.keys = keys;
    options.endpoint = endpoint;
    options.region = region;
    return DestinationKeyringOptions.renamingFailures(() -> options.keyring(purpose, io, resources));
  }
}
