package dev.envelope.cli;

import dev.envelope.CommitmentPolicy;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.Keyring;
import dev.envelope.RewrapRequest;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code envelope rewrap}: gives messages new encrypted data keys, or re-encrypts them. */
@Command(
    name = "rewrap",
    sortOptions = false,
    header = "Move messages to new master keys: rewrap their data keys, or re-encrypt them.",
    mixinStandardHelpOptions = true,
    versionProvider = EnvelopeCli.Version.class,
    customSynopsis = {
        "envelope rewrap --in PATH --out PATH [--context KEY=VALUE]... SOURCE-KEYRING"
            + " DESTINATION-KEYRING [--reencrypt] [--keep-existing]",
        "                       [--commitment-policy POLICY]"},
    description = {
        "SOURCE-KEYRING (the keyring options of 'decrypt') recovers each message's data key, with every"
            + " check of 'decrypt'; DESTINATION-KEYRING (the same options with a to- prefix, e.g."
            + " --to-raw-aes-key, --to-keystore, --to-kms-key; several make a multi-keyring) wraps it. The"
            + " new message replaces the encrypted data keys (or, with --keep-existing, adds to them) and"
            + " keeps message id, suite, context, frame size and body: the body is copied without being"
            + " decrypted; whoever decrypts the result checks its frames.",
        "",
        "A rewrap keeps the data key: it retires or moves master keys, it does not help after a data key"
            + " leaked. --reencrypt decrypts (verifying everything) and encrypts again under a new data key,"
            + " message id and signature. Only unsigned version-1 messages (suites 0x0014 to 0x0178) can be"
            + " rewrapped in place; signed and version-2 messages (0x0478, 0x0578, the defaults) need"
            + " --reencrypt. Re-encryption keeps the suite if it commits to its key, else writes 0x0578.",
        "",
        "--in DIR --out DIR rewraps every file of a tree into the same paths under --out; a file that"
            + " fails is listed and skipped, and the exit status is that of the first failure.",
        "",
        "Output is written to a temporary file and renamed only on success: a failure leaves no file"
            + " at --out.",
        ""
    })
final class RewrapCommand implements Callable<Integer> {
  private final Io io;

  @Option(names = "--in", required = true, paramLabel = "PATH", order = 1,
      description = "The message to rewrap (- for stdin), or a directory of messages.")
  String in;

  @Option(names = "--out", required = true, paramLabel = "PATH", order = 2,
      description = "Where to write the new message (- for stdout), or a directory with --in DIR.")
  String out;

  @Option(names = "--context", paramLabel = "KEY=VALUE", order = 3,
      description = "The encryption context you expect, as for 'decrypt'; repeat for more.")
  List<String> context;

  @Option(names = "--reencrypt", order = 4,
      description = "Decrypt and encrypt again under a new data key (required for signed and version-2"
          + " messages; the answer to a leaked data key).")
  boolean reencrypt;

  @Option(names = "--keep-existing", order = 5,
      description = "Keep the message's encrypted data keys and add the destination's (e.g. a recovery"
          + " key). Not with --reencrypt.")
  boolean keepExisting;

  @Option(names = "--commitment-policy", paramLabel = "POLICY", order = 6,
      defaultValue = "require-encrypt-allow-decrypt", converter = CommitmentPolicyConverter.class,
      description = "Which messages to read, with the names of 'decrypt'. The default here is"
          + " require-encrypt-allow-decrypt, not decrypt's require-encrypt-require-decrypt: rewrap exists"
          + " to migrate old messages, most of them written without key commitment (suites 0x0014 to"
          + " 0x0378, by older ESDKs), and it never makes one weaker (in place keeps the suite;"
          + " --reencrypt writes a committing one). require-encrypt-require-decrypt refuses such"
          + " messages as decrypt does; forbid-encrypt-allow-decrypt reads every suite.")
  CommitmentPolicy commitmentPolicy;

  @Mixin
  KeyringOptions keyring;

  @Mixin
  DestinationKeyringOptions to;

  @Mixin
  QuietOption quiet;

  RewrapCommand(Io io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    if (reencrypt && keepExisting) {
      throw new CliFailure(ExitCode.USAGE,
          "--keep-existing cannot be combined with --reencrypt: the re-encrypted message has a new data"
              + " key that the old encrypted data keys do not hold; give the old key as a destination too");
    }
    EncryptionContext expected = ContextArguments.parse(context, false);
    try (Resources resources = new Resources()) {
      Keyring source = keyring.keyring(Purpose.DECRYPT, io, resources);
      Keyring destination = to.keyring(io, resources);
      // By default read every suite, old non-committing ones included (the ESDK's migration policy).
      Envelope envelope = Telemetry.current().observed(Envelope.builder())
          .keyring(source)
          .commitmentPolicy(commitmentPolicy)
          .build();
      RewrapRequest.Builder request = RewrapRequest.to(destination);
      if (reencrypt) {
        request.reencrypt();
      }
      if (keepExisting) {
        request.keepExistingKeys();
      }
      return new RewrapRun(io, quiet.quiet, envelope, expected, request.build(),
          e -> CommitmentRefusal.of(commitmentPolicy, /* isDefault= */ false, e)).run(in, out).code();
    }
  }
}
