package dev.envelope.cli;

import dev.envelope.local.KekSource;
import dev.envelope.localkms.KmsCredentials;
import dev.envelope.localkms.LocalKmsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The endpoint {@code envelope kms-server} starts, from its options and the environment: a
 * configured {@link LocalKmsServer.Builder}, and what the start-up lines say about it (an ephemeral
 * store, generated credentials). The key store passphrase comes from {@code --passphrase-file} or
 * {@value KeyStores#PASSPHRASE_VARIABLE}, never from the command line.
 */
record KmsServerSettings(LocalKmsServer.Builder builder, boolean ephemeral, boolean generatedCredentials) {
  /** The longest passphrase file read: a passphrase is short, a larger file is the wrong file. */
  private static final int MAX_PASSPHRASE_FILE = 4096;

  /**
   * The settings of {@code command}'s options.
   *
   * @throws CliFailure {@link ExitCode#USAGE} for a bad value or a missing or unusable passphrase,
   *     {@link ExitCode#KEY_FILE} if the passphrase file cannot be read
   */
  static KmsServerSettings from(KmsServerCommand command, Map<String, String> env) {
    try {
      return parse(command, env);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new CliFailure(ExitCode.USAGE, "kms-server: " + e.getMessage() + " (see 'envelope kms-server --help')", e);
    } catch (UncheckedIOException e) {
      throw Failures.reading(ExitCode.KEY_FILE, "the passphrase file", e.getCause());
    }
  }

  private static KmsServerSettings parse(KmsServerCommand c, Map<String, String> env) {
    LocalKmsServer.Builder b = LocalKmsServer.builder();
    for (String value : c.port) {
      try {
        b.port(Integer.parseInt(value));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--port must be a number: " + value);
      }
    }
    Path directory = null;
    for (String value : c.keystore) {
      directory = Path.of(value);
      b.keyStoreDirectory(directory);
    }
    if (c.passphraseFile.size() > 1) {
      throw new IllegalArgumentException("--passphrase-file was given twice");
    }
    List<String> regions = new ArrayList<>();
    for (String value : c.region) {
      regions.addAll(Arrays.asList(value.split(",")));
    }
    if (!regions.isEmpty()) {
      b.regions(regions.toArray(new String[0]));
    }
    c.account.forEach(b::accountId);
    c.host.forEach(b::host);
    Path passphraseFile = c.passphraseFile.isEmpty() ? null : Path.of(c.passphraseFile.get(0));
    if (directory != null) {
      b.kek(passphraseFile != null
          ? passphraseFromFile(passphraseFile)
          : passphraseFromEnvironment(directory, env));
    } else if (passphraseFile != null) {
      throw new IllegalArgumentException(
          "--passphrase-file is the passphrase of the key store in --keystore DIR: give --keystore"
              + " too (without it the endpoint uses an ephemeral store that needs none)");
    }
    String accessKey = last(c.accessKey);
    String secretKey = last(c.secretKey);
    if ((accessKey == null) != (secretKey == null)) {
      throw new IllegalArgumentException("--access-key and --secret-key go together");
    }
    boolean generated = false;
    if (accessKey == null && env.get("AWS_ACCESS_KEY_ID") != null && env.get("AWS_SECRET_ACCESS_KEY") != null) {
      KmsCredentials.Builder cb = KmsCredentials.builder()
          .accessKeyId(env.get("AWS_ACCESS_KEY_ID"))
          .secretAccessKey(env.get("AWS_SECRET_ACCESS_KEY"));
      String token = env.get("AWS_SESSION_TOKEN");
      if (token != null && !token.isEmpty()) {
        cb.sessionToken(token);
      }
      b.credentials(cb.build());
    } else if (accessKey != null) {
      b.credentials(KmsCredentials.of(accessKey, secretKey));
    } else {
      generated = true;
    }
    return new KmsServerSettings(b, directory == null, generated);
  }

  private static String last(List<String> values) {
    return values.isEmpty() ? null : values.get(values.size() - 1);
  }

  /**
   * The KEK of the key store in {@code directory} from {@value KeyStores#PASSPHRASE_VARIABLE}.
   *
   * @throws IllegalArgumentException if the variable is unset or empty, saying how to set it
   */
  static KekSource passphraseFromEnvironment(Path directory, Map<String, String> env) {
    String variable = KeyStores.PASSPHRASE_VARIABLE;
    String passphrase = env.get(variable);
    if (passphrase == null || passphrase.isEmpty()) {
      if (Files.exists(directory.resolve("store.json"))) {
        throw new IllegalArgumentException(
            "the key store in " + directory + " is sealed under a passphrase: set " + variable + " to it");
      }
      throw new IllegalArgumentException(
          "--keystore " + directory + " creates a key store sealed under a passphrase: set " + variable
              + " to a new one and keep it safe (without it the keys are lost), e.g. export " + variable
              + "=\"$(head -c 32 /dev/urandom | base64)\"");
    }
    char[] chars = passphrase.toCharArray();
    try {
      return KekSource.passphrase(chars);
    } finally {
      Arrays.fill(chars, '\0');
    }
  }

  /**
   * The KEK from a passphrase file: UTF-8, one trailing line break ({@code \n} or {@code \r\n})
   * ignored. The bytes and chars read are zeroed.
   *
   * @throws IllegalArgumentException if the file is empty, too large or not UTF-8
   * @throws UncheckedIOException if it cannot be read
   */
  static KekSource passphraseFromFile(Path file) {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_PASSPHRASE_FILE + 1);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read --passphrase-file " + file, e);
    }
    CharBuffer chars = null;
    try {
      if (bytes.length > MAX_PASSPHRASE_FILE) {
        throw new IllegalArgumentException("--passphrase-file " + file + " is larger than " + MAX_PASSPHRASE_FILE
            + " bytes, too large for a passphrase; check the path");
      }
      int length = bytes.length;
      if (length > 0 && bytes[length - 1] == '\n') {
        length--;
        if (length > 0 && bytes[length - 1] == '\r') {
          length--;
        }
      }
      if (length == 0) {
        throw new IllegalArgumentException(
            "--passphrase-file " + file + " is empty; write the key store passphrase into it");
      }
      try {
        chars = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes, 0, length));
      } catch (CharacterCodingException e) {
        throw new IllegalArgumentException(
            "--passphrase-file " + file + " is not UTF-8 text; write the passphrase as UTF-8", e);
      }
      char[] passphrase = new char[chars.remaining()];
      chars.get(passphrase);
      try {
        return KekSource.passphrase(passphrase);
      } finally {
        Arrays.fill(passphrase, '\0');
      }
    } finally {
      Arrays.fill(bytes, (byte) 0);
      if (chars != null && chars.hasArray()) {
        Arrays.fill(chars.array(), '\0');
      }
    }
  }
}
