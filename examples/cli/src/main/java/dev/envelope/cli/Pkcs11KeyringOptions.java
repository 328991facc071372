package dev.envelope.cli;

import dev.envelope.Keyring;
import dev.envelope.keyring.RsaPadding;
import dev.envelope.pkcs11.Pkcs11Config;
import dev.envelope.pkcs11.Pkcs11Keyring;
import dev.envelope.pkcs11.Pkcs11Token;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine.Option;

/**
 * A key in a PKCS#11 token (an HSM, a smart card, SoftHSM): an AES key wraps data keys inside the
 * token; an RSA key pair ({@code --pkcs11-rsa-padding}) wraps with its public key and unwraps in
 * the token. Encrypted data keys have the ESDK's raw AES or raw RSA layout, with the key namespace
 * as provider id and the key name as key id.
 *
 * <p>The user PIN comes from {@value #PIN_VARIABLE} or {@code --pkcs11-pin-file}, never the command
 * line; it is zeroed once the token is logged in.
 */
final class Pkcs11KeyringOptions implements KeyringChoice {
  /** The environment variable that holds the token's user PIN. */
  static final String PIN_VARIABLE = "ENVELOPE_PKCS11_PIN";
  /** The key namespace (provider id) unless --pkcs11-key-namespace says otherwise. */
  static final String DEFAULT_NAMESPACE = "pkcs11";

  @Option(names = "--pkcs11-library", paramLabel = "PATH", order = 121,
      description = "The token's PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so.")
  Path library;

  @Option(names = "--pkcs11-token", paramLabel = "LABEL", order = 122,
      description = "The token's label (or give --pkcs11-slot-index).")
  String tokenLabel;

  @Option(names = "--pkcs11-slot-index", paramLabel = "N", order = 123,
      description = "The token's position in the library's slot list, from 0 (prefer --pkcs11-token:"
          + " positions change when tokens are added).")
  Integer slotIndex;

  @Option(names = "--pkcs11-key", paramLabel = "LABEL", order = 124,
      description = "The label of the AES key, or of the RSA key pair, in the token.")
  String keyLabel;

  @Option(names = "--pkcs11-pin-file", paramLabel = "FILE", order = 125,
      description = "File holding the user PIN; wins over the environment variable " + PIN_VARIABLE + ".")
  Path pinFile;

  @Option(names = "--pkcs11-rsa-padding", paramLabel = "PADDING", order = 126,
      description = "For an RSA key pair: oaep-sha1, oaep-sha256, oaep-sha384, oaep-sha512 or pkcs1."
          + " Without it the key must be an AES key.")
  String rsaPadding;

  @Option(names = "--pkcs11-key-namespace", paramLabel = "NS", order = 127,
      description = "The key namespace written into the message (the ESDK's provider id; default: "
          + DEFAULT_NAMESPACE + "). The same on encrypt and decrypt.")
  String namespace;

  @Option(names = "--pkcs11-key-name", paramLabel = "NAME", order = 128,
      description = "The key name written into the message (default: the key label). The same on"
          + " encrypt and decrypt.")
  String name;

  @Override
  public Keyring keyring(Purpose purpose, Io io, Resources resources) {
    if (library == null) {
      throw new CliFailure(ExitCode.USAGE, "the --pkcs11-* options need --pkcs11-library PATH, the token's PKCS#11 library");
    }
    if ((tokenLabel == null) == (slotIndex == null)) {
      throw new CliFailure(ExitCode.USAGE, "select the token with exactly one of --pkcs11-token LABEL or --pkcs11-slot-index N");
    }
    if (keyLabel == null || keyLabel.isEmpty()) {
      throw new CliFailure(ExitCode.USAGE, "--pkcs11-library needs --pkcs11-key LABEL, the key in the token");
    }
    RsaPadding padding = null;
    if (rsaPadding != null) {
      try {
        padding = RsaPadding.fromId(rsaPadding);
      } catch (IllegalArgumentException e) {
        throw new CliFailure(ExitCode.USAGE, "--pkcs11-rsa-padding: " + e.getMessage(), e);
      }
    }
    Pkcs11Config.Builder config = Pkcs11Config.builder();
    try {
      config.library(library.toAbsolutePath().normalize());
      if (tokenLabel != null) {
        config.tokenLabel(tokenLabel);
      } else {
        config.slotListIndex(slotIndex);
      }
    } catch (IllegalArgumentException e) {
      throw new CliFailure(ExitCode.USAGE, e.getMessage(), e);
    }
    char[] pin = Secrets.read("the token's user PIN", pinFile, "--pkcs11-pin-file", PIN_VARIABLE, io);
    Pkcs11Token token;
    try {
      token = Pkcs11Token.open(config.pin(pin::clone).build());
    } finally {
      Arrays.fill(pin, '\0');
    }
    Pkcs11Keyring.Builder keyring = Pkcs11Keyring.builder().token(token).keyLabel(keyLabel);
    try {
      keyring.keyNamespace(namespace != null ? namespace : DEFAULT_NAMESPACE);
      if (name != null) {
        keyring.keyName(name);
      }
    } catch (IllegalArgumentException e) {
      throw new CliFailure(ExitCode.USAGE, e.getMessage(), e);
    }
    if (padding != null) {
      keyring.rsaPadding(padding);
    }
    try {
      return keyring.build();
    } catch (IllegalArgumentException e) {
      throw new CliFailure(ExitCode.USAGE, "--pkcs11-key-namespace: " + e.getMessage(), e);
    }
  }
}
