package dev.envelope.cli;

import dev.envelope.Keyring;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@link Pkcs11KeyringOptions} as a destination: {@code --to-pkcs11-library PATH --to-pkcs11-token
 * LABEL --to-pkcs11-key LABEL}. The PIN comes from {@code --to-pkcs11-pin-file} or the same
 * environment variable as for the source.
 */
final class ToPkcs11KeyringOptions implements KeyringChoice {
  @Option(names = "--to-pkcs11-library", paramLabel = "PATH", order = 221, description = "The new token's PKCS#11 library.")
  Path library;

  @Option(names = "--to-pkcs11-token", paramLabel = "LABEL", order = 222, description = "The new token's label.")
  String tokenLabel;

  @Option(names = "--to-pkcs11-slot-index", paramLabel = "N", order = 223, description = "Or its slot index.")
  Integer slotIndex;

  @Option(names = "--to-pkcs11-key", paramLabel = "LABEL", order = 224, description = "The new key's label in the token.")
  String keyLabel;

  @Option(names = "--to-pkcs11-pin-file", paramLabel = "FILE", order = 225, description = "File holding its user PIN.")
  Path pinFile;

  @Option(names = "--to-pkcs11-rsa-padding", paramLabel = "PADDING", order = 226, description = "For an RSA key pair.")
  String rsaPadding;

  @Option(names = "--to-pkcs11-key-namespace", paramLabel = "NS", order = 227, description = "Key namespace to write.")
  String namespace;

  @Option(names = "--to-pkcs11-key-name", paramLabel = "NAME", order = 228, description = "Key name to write.")
  String name;

  @Override
  public Keyring keyring(Purpose purpose, Io io, Resources resources) {
    Pkcs11KeyringOptions options = new Pkcs11KeyringOptions();
    options.library = library;
    options.tokenLabel = tokenLabel;
    options.slotIndex = slotIndex;
    options.keyLabel = keyLabel;
    options.pinFile = pinFile;
    options.rsaPadding = rsaPadding;
    options.namespace = namespace;
    options.name = name;
    return DestinationKeyringOptions.renamingFailures(() -> options.keyring(purpose, io, resources));
  }
}
