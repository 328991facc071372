package dev.envelope.cli;

import dev.envelope.Keyring;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@link RawKeyringOptions} as a destination: {@code --to-raw-aes-key}, {@code --to-raw-rsa-key}, ... */
final class ToRawKeyringOptions implements KeyringChoice {
  @Option(names = "--to-raw-aes-key", paramLabel = "FILE", order = 201,
      description = "File holding the raw AES key (16, 24 or 32 bytes) to wrap the data key with.")
  Path aesKeyFile;

  @Option(names = "--to-raw-rsa-key", paramLabel = "PEMFILE", order = 202,
      description = "RSA public key PEM (BEGIN PUBLIC KEY) to wrap the data key with.")
  Path rsaKeyFile;

  @Option(names = "--to-rsa-padding", paramLabel = "PADDING", order = 203,
      description = "With --to-raw-rsa-key: oaep-sha1, oaep-sha256, oaep-sha384, oaep-sha512 or pkcs1.")
  String rsaPadding;

  @Option(names = "--to-key-namespace", paramLabel = "NS", order = 204, description = "The new key's namespace.")
  String namespace;

  @Option(names = "--to-key-name", paramLabel = "NAME", order = 205, description = "The new key's name.")
  String name;

  @Override
  public Keyring keyring(Purpose purpose, Io io, Resources resources) {
    RawKeyringOptions options = new RawKeyringOptions();
    options.aesKeyFile = aesKeyFile;
    options.rsaKeyFile = rsaKeyFile;
    options.rsaPadding = rsaPadding;
    options.namespace = namespace;
    options.name = name;
    return DestinationKeyringOptions.renamingFailures(() -> options.keyring(purpose, io, resources));
  }
}
