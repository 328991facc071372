package dev.envelope.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code envelope kms-server}: runs the local KMS endpoint ({@code
 * dev.envelope.localkms.LocalKmsServer}) over a local key store until the process is stopped. This
 * command is the endpoint's only launcher: it parses the options, reads the key store passphrase
 * ({@link KmsServerSettings}) and hands a configured builder to {@link LocalKmsEndpoint}, which this
 * class names only in a method body, so building the command line for other commands loads none of
 * the endpoint's classes.
 *
 * <p>The options are declared for picocli but hidden from its generated option list: the help text
 * below is the command's documented contract. Each option keeps every value given, so a repeated
 * option fails with the same message as ever ({@link KmsServerSettings}).
 *
 * <p>On SIGINT (Ctrl-C) or SIGTERM it stops accepting calls, finishes those in progress (up to five
 * seconds), flushes and closes the key store and its audit log, releases the directory and prints
 * {@code Local KMS endpoint stopped}; the exit status is then the shell's for the signal (130,
 * 143).
 */
@Command(
    name = "kms-server",
    sortOptions = false,
    header = "Run a local endpoint that speaks the AWS KMS API over a local key store.",
    mixinStandardHelpOptions = true,
    versionProvider = EnvelopeCli.Version.class,
    customSynopsis = {
        "envelope kms-server [--port N] [--keystore DIR] [--passphrase-file FILE]",
        "                    [--region R]... [--account ID] [--host ADDR]",
        "                    [--allow-remote-clients] [--access-key ID]",
        "                    [--secret-key-file FILE]"
    },
    description = {
        "Serves the AWS KMS API (JSON 1.1, SigV4-signed) on http://HOST:PORT, so the AWS"
            + " CLI, the AWS SDKs' KmsClient, the AWS Encryption SDK and 'envelope --kms-key'"
            + " work offline. KMS keys are the key store's keys: sealed at rest, with their"
            + " lifecycle, policy and audit log. Prints the endpoint and how to point clients"
            + " at it, then runs until Ctrl-C or SIGTERM.",
        "",
        "Options:",
        "  --port N                TCP port (default: a free one, printed)",
        "  --keystore DIR          the key store directory, created if absent (default:",
        "                          an ephemeral store, deleted when the endpoint stops);",
        "                          or postgresql://HOST[:PORT]/DB, a store in PostgreSQL",
        "                          that several endpoints may serve at once (PGUSER,",
        "                          PGPASSWORD... as libpq; see 'envelope keys create')",
        "  --passphrase-file FILE  the store's passphrase, UTF-8, one trailing line",
        "                          break ignored (default: " + KeyStores.PASSPHRASE_VARIABLE + ")",
        "  --region R              a region served; repeat, or R1,R2 (default: us-east-1)",
        "  --account ID            the 12-digit account in key ARNs (default:",
        "                          111122223333)",
        "  --host ADDR             the address to bind (default: 127.0.0.1; plain HTTP:",
        "                          keep it on loopback)",
        "  --allow-remote-clients  lets --host be an address other than loopback (prints",
        "                          a warning: anyone on the network can read the calls)",
        "  --access-key ID         the access key calls must be signed with (default:",
        "                          " + KmsServerSettings.ACCESS_KEY_VARIABLE + ")",
        "  --secret-key-file FILE  its secret key, UTF-8, one trailing line break ignored",
        "                          (default: " + KmsServerSettings.SECRET_KEY_VARIABLE + "; never on",
        "                          the command line). Without an access key and secret,",
        "                          a pair is generated and printed once.",
        ""
    })
final class KmsServerCommand implements Callable<Integer> {
  /** The command line in one line: every option, as the help and the README list them. */
  static final String USAGE =
      "usage: kms-server [--port N] [--keystore DIR [--passphrase-file FILE]] [--region R]..."
          + " [--account ID] [--host ADDR [--allow-remote-clients]] [--access-key ID"
          + " --secret-key-file FILE]";

  private final Io io;
  /** What ends the run: SIGINT or SIGTERM; in-process tests give their own. */
  LocalKmsEndpoint.StopSignal stopSignal;

  @Option(names = "--port", paramLabel = "N", hidden = true)
  List<String> port = List.of();

  @Option(names = "--keystore", paramLabel = "DIR", hidden = true)
  List<String> keystore = List.of();

  @Option(names = "--passphrase-file", paramLabel = "FILE", hidden = true)
  List<String> passphraseFile = List.of();

  @Option(names = "--region", paramLabel = "R", hidden = true)
  List<String> region = List.of();

  @Option(names = "--account", paramLabel = "ID", hidden = true)
  List<String> account = List.of();

  @Option(names = "--host", paramLabel = "ADDR", hidden = true)
  List<String> host = List.of();

  @Option(names = "--allow-remote-clients", hidden = true)
  boolean allowRemoteClients;

  @Option(names = "--access-key", paramLabel = "ID", hidden = true)
  List<String> accessKey = List.of();

  @Option(names = "--secret-key-file", paramLabel = "FILE", hidden = true)
  List<String> secretKeyFile = List.of();

  /** Refused: a secret on the command line shows in the process list (see KmsServerSettings). */
  @Option(names = "--secret-key", paramLabel = "SECRET", hidden = true)
  List<String> secretKey = List.of();

  KmsServerCommand(Io io) {
    this.io = io;
  }

  @Override
  public Integer call() throws InterruptedException {
    return LocalKmsEndpoint.run(KmsServerSettings.from(this, io), io, stopSignal);
  }

  /**
   * Reports a command line picocli could not parse as the endpoint's launcher always has: {@code
   * kms-server: unknown option X} or {@code kms-server: --port needs a value}, exit status 2.
   */
  static int parameterError(CommandLine.ParameterException e, Io io) {
    String what = e.getMessage();
    if (e instanceof CommandLine.UnmatchedArgumentException unmatched
        && !unmatched.getUnmatched().isEmpty()) {
      what = "unknown option " + unmatched.getUnmatched().get(0);
    } else if (e instanceof CommandLine.MissingParameterException missing
        && !missing.getMissing().isEmpty()
        && missing.getMissing().get(0) instanceof CommandLine.Model.OptionSpec option) {
      what = option.longestName() + " needs a value";
    }
    io.stderr().println("envelope: kms-server: " + Failures.oneLine(what)
        + " (see 'envelope kms-server --help')");
    io.stderr().flush();
    return ExitCode.USAGE.code();
  }
}
