package dev.envelope.cli;

import dev.envelope.AlgorithmSuite;
import dev.envelope.CommitmentPolicy;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.Keyring;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code envelope encrypt}: one file (or stdin) into one ESDK-format message, streamed. */
@Command(
    name = "encrypt",
    sortOptions = false,
    header = "Encrypt a file (or stdin) into an ESDK-format message.",
    mixinStandardHelpOptions = true,
    versionProvider = EnvelopeCli.Version.class,
    customSynopsis = {
        "envelope encrypt --in PATH --out PATH [--context KEY=VALUE]... [--suite ID]",
        "                        [--frame-size BYTES] [--commitment-policy POLICY] KEYRING"
    },
    description = {
        "Encrypts --in under a fresh data key wrapped by KEYRING, binding the --context pairs to the"
            + " message, and writes an AWS Encryption SDK message to --out. Streams in constant memory.",
        "",
        "The context is authenticated, not secret: its pairs are stored readable in the message."
            + " --out is written to a temporary file and renamed when complete, so a failure leaves"
            + " no file behind.",
        "",
        "KEYRING is the options of one key provider below, or of several: the data key is then wrapped"
            + " under each (the first given generates it), so any one of them decrypts the message.",
        ""
    })
final class EncryptCommand implements Callable<Integer> {
  private final Io io;

  @Option(names = "--in", required = true, paramLabel = "PATH", order = 1,
      description = "The file to encrypt; - for stdin.")
  String in;

  @Option(names = "--out", required = true, paramLabel = "PATH", order = 2,
      description = "Where to write the message; - for stdout.")
  String out;

  @Option(names = "--context", paramLabel = "KEY=VALUE", order = 3,
      description = "A pair to bind to the message; repeat for more. Split at the first '=':"
          + " values may hold '=', spaces and any Unicode. Keys must not start with 'aws-crypto-'.")
  List<String> context;

  @Option(names = "--suite", paramLabel = "ID", order = 4,
      converter = SuiteConverter.class,
      description = "The ESDK algorithm suite id in hex (default: 0x0578, committing and"
          + " signed; 0x0478 is committing, unsigned and faster). Any of the 11 suites is accepted:"
          + " 0x0014 0x0046 0x0078 0x0114 0x0146 0x0178 0x0214 0x0346 0x0378 0x0478 0x0578.")
  AlgorithmSuite suite;

  @Option(names = "--commitment-policy", paramLabel = "POLICY", order = 6,
      converter = CommitmentPolicyConverter.class,
      description = "As in the ESDK CLI: require-encrypt-require-decrypt or require-encrypt-allow-decrypt"
          + " write committing suites only; forbid-encrypt-allow-decrypt writes non-committing suites"
          + " only (default suite 0x0378), for old readers. Without it, the policy follows --suite.")
  CommitmentPolicy commitmentPolicy;

  @Option(names = "--frame-size", paramLabel = "BYTES", order = 5, defaultValue = "" + Envelope.DEFAULT_FRAME_SIZE,
      description = "Plaintext bytes per frame (default: ${DEFAULT-VALUE}). Memory use grows with it.")
  long frameSize;

  @Mixin
  KeyringOptions keyring;

  @Mixin
  QuietOption quiet;

  EncryptCommand(Io io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    EncryptionContext encryptionContext = ContextArguments.parse(context, true);
    if (frameSize < 1 || frameSize > Integer.MAX_VALUE - 1024) {
      throw new CliFailure(ExitCode.USAGE,
          "--frame-size must be between 1 and " + (Integer.MAX_VALUE - 1024) + " bytes, not " + frameSize);
    }
    choosePolicyAndSuite();
    try (Resources resources = new Resources()) {
      Keyring wrapping = keyring.keyring(Purpose.ENCRYPT, io, resources);
      Envelope envelope = Telemetry.current().observed(Envelope.builder())
          .keyring(wrapping)
          .commitmentPolicy(commitmentPolicy)
          .algorithmSuite(suite)
          .frameSize((int) frameSize)
          .build();
      warnAboutSuite();
      try (Source source = Source.open(in, io.stdin());
          Sink sink = Sink.open(out, io.stdout());
          Progress progress = Progress.of(io, quiet.quiet, "encrypting", source.size())) {
        OutputStream encrypting = envelope.encryptingStream(sink.stream(), encryptionContext);
        Transfer.copy(progress.counting(source.stream()), source.description(), encrypting, sink.description());
        Transfer.finish(encrypting, sink.description());
        sink.commit();
      }
    }
    return ExitCode.OK.code();
  }

  /**
   * Without --commitment-policy the policy follows --suite, so an explicit non-committing suite
   * keeps working (with its warning); without --suite the suite follows the policy.
   */
  private void choosePolicyAndSuite() {
    if (suite == null) {
      suite = commitmentPolicy == null
          ? CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT.defaultSuite()
          : commitmentPolicy.defaultSuite();
    }
    if (commitmentPolicy == null) {
      commitmentPolicy = suite.isCommitting()
          ? CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT
          : CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT;
    }
    if (!commitmentPolicy.allowsEncrypt(suite)) {
      throw new CliFailure(ExitCode.USAGE, "--suite " + suite.idHex()
          + (suite.isCommitting()
              ? " commits to its key, and --commitment-policy forbid-encrypt-allow-decrypt writes only"
                  + " non-committing suites; drop one of the two options"
              : " does not commit to its key, and --commitment-policy "
                  + CommitmentPolicyConverter.name(commitmentPolicy) + " writes only committing suites"
                  + " (0x0478, 0x0578); use forbid-encrypt-allow-decrypt to write it for old readers"));
    }
  }

  private void warnAboutSuite() {
    if (quiet.quiet || suite.isCommitting()) {
      return;
    }
    io.stderr().println("envelope: warning: suite " + suite.idHex() + " does not commit to its key"
        + (suite.kdf() == AlgorithmSuite.Kdf.NONE ? " and uses the data key without key derivation" : "")
        + "; use it only for readers that cannot read 0x0478 or 0x0578");
    io.stderr().flush();
  }
}
