package dev.envelope.cli;

import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.KeyManager;
import dev.envelope.local.KeyMetadata;
import dev.envelope.local.KeyOperation;
import dev.envelope.local.KeyPolicy;
import dev.envelope.local.LocalKeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code envelope keys}: the local key store's key lifecycle. Every change is checked against the
 * key's policy and written to the store's hash-chained audit log under the {@code --caller} label.
 * Commands print the key's metadata (never key material) as a table, or as JSON with {@code --json}.
 */
@Command(
    name = "keys",
    header = "Manage the keys of a local key store: create, list, rotate, disable, destroy, change the passphrase,"
        + " audit.",
    mixinStandardHelpOptions = true,
    versionProvider = EnvelopeCli.Version.class,
    synopsisSubcommandLabel = "COMMAND",
    description = {
        "The local key store keeps versioned AES-256 master keys in a directory, sealed under a key"
            + " derived from a passphrase (Argon2id). The passphrase comes from the environment variable "
            + KeyStores.PASSPHRASE_VARIABLE + " or --passphrase-file FILE, never from the command line.",
        ""
    },
    footer = {"", "Run 'envelope keys COMMAND --help' for a command's options."})
final class KeysCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    throw new CliFailure(ExitCode.USAGE, "give a keys command: " + String.join(", ", spec.subcommands().keySet())
        + " (see 'envelope keys --help')");
  }

  /** The keys subcommands, in help order. */
  static List<Object> subcommands(Io io) {
    return List.of(new Create(io), new ListKeys(io), new Describe(io), new Rotate(io), new Disable(io),
        new Enable(io), new SetMinDecryptionVersionCommand(io), new ScheduleDestroy(io), new CancelDestroy(io),
        new ChangePassphraseCommand(io),
        new AuditCommand(io), new AuditPruneCommand(io));
  }

  /** Prints one key's metadata in the chosen format. */
  static void printKey(Io io, JsonOption format, KeyMetadata key) {
    Stdout.print(io, format.json ? Json.write(KeyView.json(key)) : KeyView.describe(key));
  }

  /** A command that changes one key and prints it. */
  abstract static class Change implements Callable<Integer> {
    private final Io io;

    @Mixin
    KeyStoreAccess store;

    @Option(names = "--key", required = true, paramLabel = "ALIAS_OR_ID", order = 5,
        description = "The key's alias or id.")
    String key;

    @Mixin
    JsonOption format;

    Change(Io io) {
      this.io = io;
    }

    /** Checks options that need no key store (before the passphrase is derived). */
    void checkOptions() {}

    abstract KeyMetadata apply(LocalKeyStore store, String key);

    @Override
    public Integer call() {
      checkOptions();
      try (LocalKeyStore opened = store.open(io)) {
        printKey(io, format, apply(opened, key));
      }
      return ExitCode.OK.code();
    }
  }

  @Command(name = "create", sortOptions = false, mixinStandardHelpOptions = true,
      header = "Create a key (and the key store, if the directory holds none).",
      description = {
          "Creates an enabled AES-256 key with one version. If --keystore holds no key store yet, creates"
              + " one there, sealed under the passphrase (at least " + KeyStores.MIN_NEW_PASSPHRASE
              + " characters; Argon2id, 64 MiB, 3 passes, 4 lanes). Keep the passphrase safe: without it"
              + " the keys cannot be opened.",
          "",
          "The key's policy allows every operation but export, for any caller and context, unless"
              + " restricted with the options below.",
          ""
      })
  static final class Create implements Callable<Integer> {
    private final Io io;

    @Mixin
    KeyStoreAccess store;

    @Option(names = "--alias", paramLabel = "ALIAS", order = 5,
        description = "A unique name for the key: 1 to 256 characters from A-Z a-z 0-9 / _ - . :")
    String alias;

    @Option(names = "--description", paramLabel = "TEXT", order = 6,
        description = "Free text about the key (not secret; at most 8,192 characters).")
    String description;

    @Option(names = "--require-context-key", paramLabel = "KEY", order = 7,
        description = "Every use of the key must present an encryption context with KEY. Repeatable.")
    List<String> requiredContextKeys;

    @Option(names = "--allow-context-value", paramLabel = "KEY=VALUE", order = 8,
        description = "When a use's context has KEY, its value must be one of those given. Repeatable.")
    List<String> allowedContextValues;

    @Option(names = "--loggable-context-key", paramLabel = "KEY", order = 9,
        description = "The values of KEY may appear in the audit log and in denials (others never do). Repeatable.")
    List<String> loggableContextKeys;

    @Option(names = "--grant", paramLabel = "CALLER=OP[,OP...]", order = 10,
        description = "Grants operations to a --caller label; once any grant exists, callers without a grant"
            + " are refused. Operations: generate, encrypt, decrypt, rewrap, rotate, disable, enable,"
            + " schedule-destruction, cancel-destruction, destroy, update-policy. Repeatable.")
    List<String> grants;

    @Mixin
    JsonOption format;

    Create(Io io) {
      this.io = io;
    }

    @Override
    public Integer call() {
      CreateKeyRequest request = request();
      KeyStores.Opened opened = store.openOrCreate(io);
      try (LocalKeyStore keyStore = opened.store()) {
        KeyMetadata key;
        try {
          key = keyStore.createKey(request);
        } catch (IllegalArgumentException | dev.envelope.local.AliasInUseException e) {
          throw new CliFailure(ExitCode.KEY_PROVIDER, "the key store refused: " + e.getMessage(), e);
        }
        if (format.json) {
          Map<String, Object> out = new LinkedHashMap<>();
          Map<String, Object> keyStoreInfo = new LinkedHashMap<>();
          keyStoreInfo.put(KeyStores.isAddress(store.location) ? "address" : "directory", store.describe());
          keyStoreInfo.put("created", opened.created());
          out.put("keyStore", keyStoreInfo);
          out.putAll(KeyView.json(key));
          Stdout.print(io, Json.write(out));
        } else {
          Stdout.print(io, (opened.created() ? "created a key store " + KeyStores.inOrAt(store.location) + " " + store.describe() + "\n" : "")
              + KeyView.describe(key));
        }
      }
      return ExitCode.OK.code();
    }

    private CreateKeyRequest request() {
      CreateKeyRequest.Builder b = CreateKeyRequest.builder();
      try {
        if (alias != null) {
          b.alias(alias);
        }
        if (description != null) {
          b.description(description);
        }
        if (requiredContextKeys != null || allowedContextValues != null || loggableContextKeys != null || grants != null) {
          b.policy(policy());
        }
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new CliFailure(ExitCode.USAGE, e.getMessage(), e);
      }
      return b.build();
    }

    private KeyPolicy policy() {
      KeyPolicy.Builder p = KeyPolicy.defaultPolicy().toBuilder();
      if (requiredContextKeys != null) {
        requiredContextKeys.forEach(p::requireContextKey);
      }
      if (allowedContextValues != null) {
        Map<String, Set<String>> values = new LinkedHashMap<>();
        for (String pair : allowedContextValues) {
          int eq = pair.indexOf('=');
          if (eq < 1) {
            throw new CliFailure(ExitCode.USAGE, "--allow-context-value takes KEY=VALUE, split at the first '='");
          }
          values.computeIfAbsent(pair.substring(0, eq), k -> new LinkedHashSet<>()).add(pair.substring(eq + 1));
        }
        values.forEach((k, v) -> p.allowContextValues(k, v.toArray(new String[0])));
      }
      if (loggableContextKeys != null) {
        p.loggableContextKeys(loggableContextKeys.toArray(new String[0]));
      }
      if (grants != null) {
        for (String grant : grants) {
          int eq = grant.indexOf('=');
          if (eq < 1 || eq == grant.length() - 1) {
            throw new CliFailure(ExitCode.USAGE, "--grant takes CALLER=OP[,OP...], e.g. --grant app=generate,decrypt");
          }
          List<KeyOperation> ops = new ArrayList<>();
          for (String name : grant.substring(eq + 1).split(",")) {
            ops.add(operation(name.strip()));
          }
          p.grant(grant.substring(0, eq), ops.toArray(new KeyOperation[0]));
        }
      }
      return p.build();
    }

    private static KeyOperation operation(String name) {
      try {
        return KeyOperation.valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        throw new CliFailure(ExitCode.USAGE, "--grant: unknown operation '" + name + "'; use generate, encrypt,"
            + " decrypt, rewrap, rotate, disable, enable, schedule-destruction, cancel-destruction, destroy or update-policy");
      }
    }
  }

  @Command(name = "list", sortOptions = false, mixinStandardHelpOptions = true,
      header = "List the keys of a key store (destroyed ones too), oldest first.")
  static final class ListKeys implements Callable<Integer> {
    private final Io io;

    @Mixin
    KeyStoreAccess store;

    @Mixin
    JsonOption format;

    ListKeys(Io io) {
      this.io = io;
    }

    @Override
    public Integer call() {
      try (LocalKeyStore opened = store.open(io)) {
        List<KeyMetadata> keys = opened.listKeys();
        if (format.json) {
          List<Object> all = new ArrayList<>();
          keys.forEach(k -> all.add(KeyView.json(k)));
          Stdout.print(io, Json.write(all));
        } else {
          Stdout.print(io, KeyView.list(keys));
        }
      }
      return ExitCode.OK.code();
    }
  }

  @Command(name = "describe", sortOptions = false, mixinStandardHelpOptions = true,
      header = "Show a key's metadata: state, versions, times, policy (never key material).")
  static final class Describe extends Change {
    Describe(Io io) {
      super(io);
    }

    @Override
    KeyMetadata apply(LocalKeyStore store, String key) {
      return store.describeKey(key);
    }
  }

  @Command(name = "rotate", sortOptions = false, mixinStandardHelpOptions = true,
      header = "Add a key version and make it primary; messages under older versions still decrypt.")
  static final class Rotate extends Change {
    Rotate(Io io) {
      super(io);
    }

    @Override
    KeyMetadata apply(LocalKeyStore store, String key) {
      return store.rotateKey(key);
    }
  }

  @Command(name = "disable", sortOptions = false, mixinStandardHelpOptions = true,
      header = "Make a key refuse every encryption and decryption until it is enabled again.")
  static final class Disable extends Change {
    Disable(Io io) {
      super(io);
    }

    @Override
    KeyMetadata apply(LocalKeyStore store, String key) {
      return store.disableKey(key);
    }
  }

  @Command(name = "enable", sortOptions = false, mixinStandardHelpOptions = true,
      header = "Make a disabled key usable again.")
  static final class Enable extends Change {
    Enable(Io io) {
      super(io);
    }

    @Override
    KeyMetadata apply(LocalKeyStore store, String key) {
      return store.enableKey(key);
    }
  }

  @Command(name = "schedule-destroy", sortOptions = false, mixinStandardHelpOptions = true,
      header = "Make a key unusable now and destroyable once the waiting period is over.",
      description = {
          "The key refuses every operation from now on. Once the waiting period has passed, its key"
              + " material can be erased for good, and messages under it can never be decrypted again."
              + " Until then 'envelope keys cancel-destroy' takes it back (the key is then disabled).",
          ""
      })
  static final class ScheduleDestroy extends Change {
    @Option(names = "--days", paramLabel = "N", order = 6, defaultValue = "30",
        description = "The waiting period in days, 1 to 365 (default: ${DEFAULT-VALUE}).")
    long days;

    ScheduleDestroy(Io io) {
      super(io);
    }

    @Override
    void checkOptions() {
      long min = KeyManager.MIN_DESTRUCTION_WAIT.toDays();
      long max = KeyManager.MAX_DESTRUCTION_WAIT.toDays();
      if (days < min || days > max) {
        throw new CliFailure(ExitCode.USAGE, "--days must be between " + min + " and " + max + ", not " + days);
      }
    }

    @Override
    KeyMetadata apply(LocalKeyStore store, String key) {
      return store.scheduleDestruction(key, Duration.ofDays(days));
    }
  }

  @Command(name = "cancel-destroy", sortOptions = false, mixinStandardHelpOptions = true,
      header = "Cancel a scheduled destruction; the key becomes disabled (enable it to use it).")
  static final class CancelDestroy extends Change {
    CancelDestroy(Io io) {
      super(io);
    }

    @Override
    KeyMetadata apply(LocalKeyStore store, String key) {
      return store.cancelDestruction(key);
    }
  }
}
