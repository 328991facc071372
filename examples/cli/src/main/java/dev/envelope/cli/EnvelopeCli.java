package dev.envelope.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code envelope} command line: encrypt, decrypt and inspect files in the AWS Encryption SDK
 * message format. Started by {@code bin/envelope}.
 *
 * <p>Every failure ends with exactly one line on stderr, {@code envelope: <what failed>; <what to
 * fix>}, and a non-zero {@link ExitCode}; success is silent (exit status 0) unless a command prints
 * a result.
 */
@Command(
    name = "envelope",
    mixinStandardHelpOptions = true,
    versionProvider = EnvelopeCli.Version.class,
    synopsisSubcommandLabel = "COMMAND",
    description = {
        "Envelope encryption in the AWS Encryption SDK message format: files encrypted here decrypt"
            + " with the ESDK, and the other way round.",
        ""
    },
    footer = {"", "Run 'envelope COMMAND --help' for a command's options."})
public final class EnvelopeCli implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  private EnvelopeCli() {}

  public static void main(String[] args) {
    Io io = Io.system();
    int status = run(args, io);
    io.stderr().flush();
    System.exit(status);
  }

  /** Runs one command line against {@code io} and returns the exit status. */
  static int run(String[] args, Io io) {
    Optional<String> refusal = ArgumentEncoding.refusal(args, io.argumentEncoding());
    if (refusal.isPresent()) {
      io.stderr().println("envelope: " + refusal.get());
      io.stderr().flush();
      return ExitCode.ARGUMENT_ENCODING.code();
    }
    Telemetry telemetry;
    try {
      telemetry = Telemetry.start(io.environment());
    } catch (CliFailure e) {
      io.stderr().println("envelope: " + Failures.oneLine(e.getMessage()));
      io.stderr().flush();
      return e.exitCode().code();
    }
    try {
      return commandLine(io, args.length > 0 && args[0].equals("keys")).execute(args);
    } finally {
      PostgresKeyStores.closePools();
      Telemetry.end(telemetry); // flushes what the command recorded, whatever its outcome
    }
  }

  /** The whole command tree, wired to {@code io}. */
  static CommandLine commandLine(Io io) {
    return commandLine(io, true);
  }

  /**
   * The command tree, wired to {@code io}. Subcommands are registered here, in help order. The
   * {@code keys} subcommands are only built when the command line starts with {@code keys}:
   * picocli inspects every command it is given, and scripts call encrypt and decrypt hundreds of
   * times.
   */
  static CommandLine commandLine(Io io, boolean withKeysSubcommands) {
    CommandLine cli = new CommandLine(new EnvelopeCli());
    cli.addSubcommand(new EncryptCommand(io));
    cli.addSubcommand(new DecryptCommand(io));
    cli.addSubcommand(new InspectCommand(io));
    cli.addSubcommand(new RewrapCommand(io));
    CommandLine keys = new CommandLine(new KeysCommand());
    if (withKeysSubcommands) {
      for (Object sub : KeysCommand.subcommands(io)) {
        keys.addSubcommand(sub);
      }
    }
    cli.addSubcommand(keys);
    CommandLine kmsServer = new CommandLine(new KmsServerCommand(io));
    cli.addSubcommand(kmsServer);
    cli.addSubcommand(new DemoCommand(io));
    cli.setOut(new PrintWriter(new OutputStreamWriter(io.stdout(), StandardCharsets.UTF_8), true));
    cli.setErr(io.stderr());
    applyToAll(cli, io);
    return cli;
  }

  private static void applyToAll(CommandLine cli, Io io) {
    cli.getCommandSpec().usageMessage()
        .exitCodeListHeading("%nExit status:%n")
        .exitCodeList(ExitCode.helpList());
    if (cli.getCommandSpec().usageMessage().footer().length == 0) {
      cli.getCommandSpec().usageMessage().footer("");
    }
    cli.setParameterExceptionHandler((e, args) -> {
      if (e.getCommandLine().getCommand() instanceof KmsServerCommand) {
        return KmsServerCommand.parameterError(e, io); // the endpoint launcher's own wording
      }
      io.stderr().println("envelope: " + Failures.oneLine(e.getMessage())
          + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
      io.stderr().flush();
      return ExitCode.USAGE.code();
    });
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      CliFailure failure = Failures.classify(e);
      io.stderr().println("envelope: " + Failures.oneLine(failure.getMessage()));
      io.stderr().flush();
      return failure.exitCode().code();
    });
    for (CommandLine sub : cli.getSubcommands().values()) {
      applyToAll(sub, io);
    }
  }

  @Override
  public Integer call() {
    throw new CliFailure(ExitCode.USAGE,
        "give a command: " + String.join(", ", spec.subcommands().keySet()) + " (see 'envelope --help')");
  }

  /** The version from the jar manifest, {@code dev} when run from classes. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = EnvelopeCli.class.getPackage().getImplementationVersion();
      return new String[] {"envelope " + (version == null ? "dev" : version)};
    }
  }
}
