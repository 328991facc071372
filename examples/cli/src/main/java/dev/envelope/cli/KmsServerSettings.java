package dev.envelope.cli;

import dev.envelope.local.KekSource;
import dev.envelope.localkms.KmsCredentials;
import dev.envelope.localkms.LocalKmsServer;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The endpoint {@code envelope kms-server} starts, from its options and the environment: a
 * configured {@link LocalKmsServer.Builder}, and what the start-up lines say about it (an ephemeral
 * store, generated credentials, a host beyond loopback). Secrets never come from the command line:
 * the key store passphrase from {@code --passphrase-file} or {@value KeyStores#PASSPHRASE_VARIABLE},
 * the endpoint's secret key from {@code --secret-key-file} or {@value #SECRET_KEY_VARIABLE}. Its
 * credentials have their own variables: the real {@code AWS_*} credentials of the machine are never
 * adopted by a development tool that speaks plain HTTP. A {@code --keystore postgresql://} address
 * is kept as {@link #keyStoreAddress} (with {@link #passphraseFile}): the store is opened when the
 * endpoint starts.
 */
record KmsServerSettings(
    LocalKmsServer.Builder builder, boolean ephemeral, boolean generatedCredentials, String remoteHost,
    String keyStoreAddress, Path passphraseFile) {
  /** The access key the endpoint accepts, unless {@code --access-key} gives it. */
  static final String ACCESS_KEY_VARIABLE = "ENVELOPE_KMS_ACCESS_KEY_ID";
  /** Its secret key, unless {@code --secret-key-file} gives it. */
  static final String SECRET_KEY_VARIABLE = "ENVELOPE_KMS_SECRET_ACCESS_KEY";
  /** An optional session token that requests must carry with that key. */
  static final String SESSION_TOKEN_VARIABLE = "ENVELOPE_KMS_SESSION_TOKEN";

  /**
   * The settings of {@code command}'s options.
   *
   * @throws CliFailure {@link ExitCode#USAGE} for a bad value or a missing or unusable passphrase,
   *     {@link ExitCode#KEY_FILE} if the passphrase file cannot be read
   */
  static KmsServerSettings from(KmsServerCommand command, Io io) {
    try {
      return parse(command, io);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new CliFailure(ExitCode.USAGE, "kms-server: " + e.getMessage() + " (see 'envelope kms-server --help')", e);
    } catch (UncheckedIOException e) {
      throw Failures.reading(ExitCode.KEY_FILE, "the passphrase file", e.getCause());
    }
  }

  private static KmsServerSettings parse(KmsServerCommand c, Io io) {
    Map<String, String> env = io.environment();
    if (!c.secretKey.isEmpty()) {
      throw new IllegalArgumentException("--secret-key would put the secret in the process list and the"
          + " shell history: write it to a file and give --secret-key-file FILE, or set " + SECRET_KEY_VARIABLE);
    }
    LocalKmsServer.Builder b = LocalKmsServer.builder();
    for (String value : c.port) {
      try {
        b.port(Integer.parseInt(value));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--port must be a number: " + value);
      }
    }
    Path directory = null;
    String address = null;
    for (String value : c.keystore) {
      if (KeyStores.isAddress(value)) {
        if (c.keystore.size() > 1) {
          throw new IllegalArgumentException("--keystore was given twice");
        }
        address = value; // opened when the endpoint starts (LocalKmsEndpoint)
      } else {
        directory = Path.of(value);
        b.keyStoreDirectory(directory);
      }
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
    } else if (passphraseFile != null && address == null) {
      throw new IllegalArgumentException(
          "--passphrase-file is the passphrase of the key store in --keystore DIR: give --keystore"
              + " too (without it the endpoint uses an ephemeral store that needs none)");
    }
    String remoteHost = remoteHost(c);
    if (c.allowRemoteClients) {
      b.allowRemoteClients();
    }
    String accessKey = c.accessKey.isEmpty() ? env.get(ACCESS_KEY_VARIABLE) : last(c.accessKey);
    String secretKey = null;
    if (!c.secretKeyFile.isEmpty()) {
      char[] secret = Secrets.read("the endpoint's secret key", Path.of(last(c.secretKeyFile)), "--secret-key-file",
          SECRET_KEY_VARIABLE, io);
      secretKey = new String(secret);
      Arrays.fill(secret, '\0');
    } else {
      secretKey = env.get(SECRET_KEY_VARIABLE);
    }
    accessKey = accessKey == null || accessKey.isEmpty() ? null : accessKey;
    secretKey = secretKey == null || secretKey.isEmpty() ? null : secretKey;
    if ((accessKey == null) != (secretKey == null)) {
      throw new IllegalArgumentException("--access-key (or " + ACCESS_KEY_VARIABLE + ") and --secret-key-file (or "
          + SECRET_KEY_VARIABLE + ") go together");
    }
    boolean generated = accessKey == null;
    if (!generated) {
      KmsCredentials.Builder cb = KmsCredentials.builder().accessKeyId(accessKey).secretAccessKey(secretKey);
      String token = env.get(SESSION_TOKEN_VARIABLE);
      if (token != null && !token.isEmpty()) {
        cb.sessionToken(token);
      }
      b.credentials(cb.build());
    }
    return new KmsServerSettings(b, directory == null && address == null, generated, remoteHost, address,
        passphraseFile);
  }

  /**
   * The {@code --host} if it is not a loopback address (null otherwise), refused without {@code
   * --allow-remote-clients}. A name that does not resolve is left to the endpoint's start.
   */
  private static String remoteHost(KmsServerCommand c) {
    String host = last(c.host);
    if (host == null) {
      return null;
    }
    try {
      if (InetAddress.getByName(host).isLoopbackAddress()) {
        return null;
      }
    } catch (UnknownHostException e) {
      return null;
    }
    if (!c.allowRemoteClients) {
      throw new IllegalArgumentException("--host " + host + " is not a loopback address: the endpoint speaks plain"
          + " HTTP, readable by anyone on the network; add --allow-remote-clients to bind it anyway");
    }
    return host;
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
   * @throws CliFailure {@link ExitCode#KEY_FILE} if it cannot be read
   */
  static KekSource passphraseFromFile(Path file) {
    char[] passphrase;
    try {
      passphrase = Secrets.readFile("the key store passphrase", file, "the passphrase file");
    } catch (CliFailure e) {
      if (e.exitCode() == ExitCode.KEY_FILE) {
        throw e; // cannot be read
      }
      throw new IllegalArgumentException(e.getMessage(), e); // empty, too large, not UTF-8: a usage error
    }
    try {
      return KekSource.passphrase(passphrase);
    } finally {
      Arrays.fill(passphrase, '\0');
    }
  }
}
