package dev.envelope.cli;

import dev.envelope.Keyring;
import dev.envelope.keyring.RawAesKeyring;
import dev.envelope.keyring.RawRsaKeyring;
import dev.envelope.keyring.RsaPadding;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/**
 * Raw keyrings: an AES key or an RSA key pair held in a file, wrapping data keys exactly as the
 * ESDK's raw AES and raw RSA keyrings do (spec: framework/raw-aes-keyring.md,
 * framework/raw-rsa-keyring.md), so messages cross between the two when namespace, name and key
 * agree.
 */
final class RawKeyringOptions implements KeyringChoice {
  /** Raw AES key files are tiny; anything much larger is the wrong file and is not read whole. */
  private static final int MAX_AES_FILE = 1024;
  /** A PEM RSA key of 16,384 bits is under 13 KiB. */
  private static final int MAX_PEM_FILE = 64 * 1024;

  @Option(names = "--raw-aes-key", paramLabel = "FILE", order = 101,
      description = "File holding a raw AES key: exactly 16, 24 or 32 bytes (binary, not hex), e.g."
          + " made by: head -c 32 /dev/urandom > key")
  Path aesKeyFile;

  @Option(names = "--raw-rsa-key", paramLabel = "PEMFILE", order = 102,
      description = "RSA key PEM: a public key (BEGIN PUBLIC KEY) to encrypt, a PKCS#8 private key"
          + " (BEGIN PRIVATE KEY) to decrypt.")
  Path rsaKeyFile;

  @Option(names = "--rsa-padding", paramLabel = "PADDING", order = 103,
      description = "With --raw-rsa-key: oaep-sha1, oaep-sha256, oaep-sha384, oaep-sha512 or pkcs1;"
          + " the same as used to encrypt.")
  String rsaPadding;

  @Option(names = "--key-namespace", paramLabel = "NS", order = 104,
      description = "The key's namespace (the ESDK's provider id); any Unicode, spaces and '/' included.")
  String namespace;

  @Option(names = "--key-name", paramLabel = "NAME", order = 105,
      description = "The key's name within its namespace; any Unicode, spaces and '/' included.")
  String name;

  @Override
  public Keyring keyring(Purpose purpose, Io io, Resources resources) {
    if (aesKeyFile != null && rsaKeyFile != null) {
      throw new CliFailure(ExitCode.USAGE, "give either --raw-aes-key or --raw-rsa-key, not both");
    }
    if (aesKeyFile == null && rsaKeyFile == null) {
      throw new CliFailure(ExitCode.USAGE,
          "--key-namespace, --key-name and --rsa-padding need a key: add --raw-aes-key FILE or --raw-rsa-key PEMFILE");
    }
    if (namespace == null || name == null) {
      throw new CliFailure(ExitCode.USAGE,
          "a raw key needs both --key-namespace and --key-name (the ones used to encrypt, when decrypting)");
    }
    return aesKeyFile != null ? aes() : rsa(purpose);
  }

  private Keyring aes() {
    if (rsaPadding != null) {
      throw new CliFailure(ExitCode.USAGE, "--rsa-padding applies to --raw-rsa-key only; remove it");
    }
    byte[] key = readAesKey(aesKeyFile);
    try {
      RawAesKeyring.Builder builder = RawAesKeyring.builder();
      names(builder::keyNamespace, builder::keyName);
      return builder.wrappingKey(key).build();
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  private Keyring rsa(Purpose purpose) {
    if (rsaPadding == null) {
      throw new CliFailure(ExitCode.USAGE,
          "--raw-rsa-key needs --rsa-padding: oaep-sha1, oaep-sha256, oaep-sha384, oaep-sha512 or pkcs1");
    }
    RsaPadding padding;
    try {
      padding = RsaPadding.fromId(rsaPadding);
    } catch (IllegalArgumentException e) {
      throw new CliFailure(ExitCode.USAGE, e.getMessage(), e);
    }
    RawRsaKeyring.Builder builder = RawRsaKeyring.builder().padding(padding);
    names(builder::keyNamespace, builder::keyName);
    String pem = readPem(rsaKeyFile);
    String what = "--raw-rsa-key '" + rsaKeyFile + "'";
    try {
      if (purpose == Purpose.ENCRYPT) {
        builder.publicKey(RawRsaKeyring.parsePublicKeyPem(pem));
      } else {
        builder.privateKey(RawRsaKeyring.parsePrivateKeyPem(pem));
      }
    } catch (IllegalArgumentException e) {
      throw new CliFailure(ExitCode.KEY_INVALID,
          what + " is not usable: " + (purpose == Purpose.ENCRYPT
              ? "encrypting needs an RSA public key PEM (BEGIN PUBLIC KEY): "
              : "decrypting needs an RSA private key PEM in PKCS#8 (BEGIN PRIVATE KEY): ")
              + e.getMessage(), e);
    }
    return builder.build();
  }

  private void names(Consumer<String> setNamespace, Consumer<String> setName) {
    try {
      setNamespace.accept(namespace);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new CliFailure(ExitCode.USAGE, "--key-namespace: " + e.getMessage(), e);
    }
    try {
      setName.accept(name);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new CliFailure(ExitCode.USAGE, "--key-name: " + e.getMessage(), e);
    }
  }

  /** The key file's bytes, after checking its size; the caller zeroes them. */
  static byte[] readAesKey(Path file) {
    String what = "--raw-aes-key '" + file + "'";
    checkReadableFile(file, what);
    byte[] key;
    try (InputStream in = Files.newInputStream(file)) {
      key = in.readNBytes(MAX_AES_FILE + 1);
    } catch (IOException e) {
      throw Failures.reading(ExitCode.KEY_FILE, what, e);
    }
    int n = key.length;
    if (n == 16 || n == 24 || n == 32) {
      return key;
    }
    Arrays.fill(key, (byte) 0);
    String hint = (n == 17 || n == 25 || n == 33) ? " (it looks like a key followed by a newline: write the key without one)"
        : (n == 44 || n == 45 || n == 48 || n == 49 || n == 64 || n == 65)
            ? " (its length suggests hex or Base64 text: decode it to raw bytes)"
        : "";
    throw new CliFailure(ExitCode.KEY_INVALID,
        what + " holds " + (n > MAX_AES_FILE ? "more than " + MAX_AES_FILE : Integer.toString(n))
            + " bytes; a raw AES key file must hold exactly 16, 24 or 32 raw bytes" + hint);
  }

  /** The PEM file's text (ASCII). */
  static String readPem(Path file) {
    String what = "--raw-rsa-key '" + file + "'";
    checkReadableFile(file, what);
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_PEM_FILE + 1);
    } catch (IOException e) {
      throw Failures.reading(ExitCode.KEY_FILE, what, e);
    }
    try {
      if (bytes.length > MAX_PEM_FILE) {
        throw new CliFailure(ExitCode.KEY_INVALID,
            what + " is larger than " + MAX_PEM_FILE + " bytes, too large for a PEM RSA key; check the path");
      }
      return new String(bytes, StandardCharsets.ISO_8859_1);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  private static void checkReadableFile(Path file, String what) {
    if (Files.isDirectory(file)) {
      throw new CliFailure(ExitCode.KEY_FILE, "cannot read " + what + ": it is a directory, not a key file");
    }
    if (!Files.exists(file)) {
      throw new CliFailure(ExitCode.KEY_FILE, "cannot read " + what + ": it does not exist; check the path");
    }
  }
}
