package dev.envelope.cli;

import dev.envelope.CommitmentPolicy;
import dev.envelope.DecryptingStream;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.Keyring;
import dev.envelope.PolicyViolationException;
import dev.envelope.StreamSignaturePolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code envelope decrypt}: verifies and decrypts one message, streamed. */
@Command(
    name = "decrypt",
    sortOptions = false,
    header = "Verify and decrypt a message into a file (or stdout).",
    mixinStandardHelpOptions = true,
    versionProvider = EnvelopeCli.Version.class,
    customSynopsis = {
        "envelope decrypt --in PATH --out PATH [--context KEY=VALUE]... KEYRING",
        "                        [--commitment-policy POLICY] [--stream-unverified]"
    },
    description = {
        "Verifies and decrypts an AWS Encryption SDK message (any of the 11 suites) with KEYRING and"
            + " writes the plaintext to --out. Streams in constant memory.",
        "",
        "--out is written to a temporary file and renamed only once every frame, the key commitment"
            + " and the signature have verified, so a failed decrypt leaves no file at --out."
            + " With --out - the plaintext of a signed message is held in a temporary file readable"
            + " only by you and printed once the signature verifies (--stream-unverified prints frames"
            + " as they verify, as the ESDK does); an unsigned message's frames are printed as their"
            + " tags verify. Discard stdout unless the exit status is 0.",
        "",
        "KEYRING is the options of one key provider below, or of several: any one of them that holds a"
            + " key of the message decrypts it.",
        ""
    })
final class DecryptCommand implements Callable<Integer> {
  private final Io io;

  @Option(names = "--in", required = true, paramLabel = "PATH", order = 1,
      description = "The message to decrypt; - for stdin.")
  String in;

  @Option(names = "--out", required = true, paramLabel = "PATH", order = 2,
      description = "Where to write the plaintext; - for stdout.")
  String out;

  @Option(names = "--context", paramLabel = "KEY=VALUE", order = 3,
      description = "The encryption context you expect, split at the first '='; repeat for more."
          + " A pair whose key is stored in the message must match it exactly; a pair whose key is"
          + " not stored is required (authenticate-only) context: it fails an ordinary message and"
          + " completes a message written with required-context keys. Without --context any stored"
          + " context is accepted.")
  List<String> context;

  @Option(names = "--commitment-policy", paramLabel = "POLICY", order = 4,
      defaultValue = "require-encrypt-require-decrypt", converter = CommitmentPolicyConverter.class,
      description = "Which messages to read, as in the ESDK CLI: require-encrypt-require-decrypt (the"
          + " default) reads only messages that commit to their key (suites 0x0478 and 0x0578), so one"
          + " message cannot decrypt to two plaintexts under different keys; require-encrypt-allow-decrypt"
          + " or forbid-encrypt-allow-decrypt also read older messages (suites 0x0014 to 0x0378).")
  CommitmentPolicy commitmentPolicy;

  @Option(names = "--stream-unverified", order = 5,
      description = "With --out - (or a device): print a signed message's frames as each verifies,"
          + " before its signature is checked, in constant disk space, as the ESDK does. What is"
          + " printed may be forged by anyone who can decrypt the message; use it only if you"
          + " discard the output unless the exit status is 0.")
  boolean streamUnverified;

  @Mixin
  KeyringOptions keyring;

  @Mixin
  QuietOption quiet;

  @Mixin
  RangeOptions range;

  DecryptCommand(Io io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    EncryptionContext expected = ContextArguments.parse(context, false);
    try (Resources resources = new Resources()) {
      Keyring unwrapping = keyring.keyring(Purpose.DECRYPT, io, resources);
      Envelope envelope = Telemetry.current().observed(Envelope.builder())
          .keyring(unwrapping)
          .commitmentPolicy(commitmentPolicy)
          // Frames go to a temporary file (--out FILE, or the stdout spool) that nothing reads
          // before the command succeeds, so the stream itself need not hold them in memory.
          .streamSignaturePolicy(StreamSignaturePolicy.releaseFramesBeforeSignature())
          .build();
      if (range.given()) {
        range.decrypt(envelope, in, out, expected, io);
        return ExitCode.OK.code();
      }
      try (Source source = Source.open(in, io.stdin());
          Sink sink = Sink.open(out, io.stdout());
          Progress progress = Progress.of(io, quiet.quiet, "decrypting", source.size())) {
        DecryptingStream plaintext;
        try {
          plaintext = envelope.decryptingStream(progress.counting(source.stream()), expected);
        } catch (UncheckedIOException e) {
          throw Failures.readingInput(source.description(), e);
        } catch (PolicyViolationException e) {
          throw refusal(e);
        }
        if (plaintext.algorithmSuite().isSigned() && !streamUnverified) {
          sink.holdUntilCommit();
        }
        Transfer.copy(plaintext, source.description(), sink.stream(), sink.description());
        if (!plaintext.isComplete()) {
          throw new CliFailure(ExitCode.INTERNAL,
              "the message stream ended before its verified end; nothing was kept; please report it");
        }
        try {
          plaintext.close(); // ends the observed operation (its span) once the message is verified
        } catch (IOException e) {
          throw Failures.readingInput(source.description(), new UncheckedIOException(e));
        }
        sink.commit();
      }
    }
    return ExitCode.OK.code();
  }

  /** A commitment refusal names the flag that reads old messages; other policy failures pass. */
  private RuntimeException refusal(PolicyViolationException e) {
    return CommitmentRefusal.of(commitmentPolicy, /* isDefault= */ true, e);
  }
}
