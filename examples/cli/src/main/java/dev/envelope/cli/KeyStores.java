package dev.envelope.cli;

import dev.envelope.local.KekSource;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.local.PassphraseKdfParameters;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Opens the local key store for the CLI: the directory, its passphrase (from {@value
 * #PASSPHRASE_VARIABLE} or a file, never the command line) and the caller label written to the
 * audit log. The one place where key store opening failures become exit statuses.
 */
final class KeyStores {
  /** The environment variable that holds the key store passphrase. */
  static final String PASSPHRASE_VARIABLE = "ENVELOPE_KEYSTORE_PASSPHRASE";
  /** The caller label of the CLI's audit records unless --caller says otherwise. */
  static final String DEFAULT_CALLER = "cli";
  /** The shortest passphrase accepted for a new store. */
  static final int MIN_NEW_PASSPHRASE = 8;
  /** The file that marks a directory as a key store. */
  private static final String STORE_FILE = "store.json";

  private KeyStores() {}

  /** A store and whether this call created it. */
  record Opened(LocalKeyStore store, boolean created) {}

  /** Whether {@code location} is a PostgreSQL address rather than a directory. */
  static boolean isAddress(String location) {
    return location != null && location.regionMatches(true, 0, PostgresKeyStores.SCHEME, 0, PostgresKeyStores.SCHEME.length());
  }

  /** Where the store is, for output: the absolute directory, or the PostgreSQL address. */
  static String describe(String location) {
    return isAddress(location) ? location : directory(location).toAbsolutePath().toString();
  }

  /** "at" an address, "in" a directory. */
  static String inOrAt(String location) {
    return isAddress(location) ? "at" : "in";
  }

  /**
   * The directory {@code location} names.
   *
   * @throws CliFailure {@link ExitCode#USAGE} if it is not a path
   */
  static Path directory(String location) {
    try {
      return Path.of(location);
    } catch (java.nio.file.InvalidPathException e) {
      throw new CliFailure(ExitCode.USAGE, "--keystore '" + location + "' is neither a directory path nor a"
          + " postgresql://HOST[:PORT]/DATABASE address", e);
    }
  }

  /** Opens the store at {@code location}: a directory, or a {@code postgresql://} address. */
  static LocalKeyStore open(String location, Path passphraseFile, String caller, Io io) {
    LocalKeyStore store = isAddress(location) ? PostgresKeyStores.open(location, passphraseFile, caller, io)
        : open(directory(location), passphraseFile, caller, io);
    Telemetry.current().audit(store);
    return store;
  }

  /** Opens or creates the store at {@code location}: a directory, or a {@code postgresql://} address. */
  static Opened openOrCreate(String location, Path passphraseFile, String caller, Io io) {
    Opened opened = isAddress(location) ? PostgresKeyStores.openOrCreate(location, passphraseFile, caller, io)
        : openOrCreate(directory(location), passphraseFile, caller, io);
    Telemetry.current().audit(opened.store());
    return opened;
  }

  /**
   * Opens the store in {@code directory}.
   *
   * @throws CliFailure {@link ExitCode#KEY_FILE} if there is no store there, {@link
   *     ExitCode#KEY_PROVIDER} for a wrong passphrase, {@link ExitCode#KEY_INVALID} for a damaged one
   */
  static LocalKeyStore open(Path directory, Path passphraseFile, String caller, Io io) {
    String label = checkCaller(caller);
    requireStore(directory);
    char[] passphrase = passphrase(passphraseFile, io);
    KekSource kek = KekSource.passphrase(passphrase);
    Arrays.fill(passphrase, '\0');
    try {
      return LocalKeyStore.builder(directory).kek(kek).callerLabel(label).open();
    } catch (dev.envelope.local.KeyStoreNotFoundException e) {
      throw noStore(directory, e); // removed between the check and the open
    } catch (UncheckedIOException e) {
      throw Failures.reading(ExitCode.KEY_FILE, "the key store in '" + directory + "'", e.getCause());
    } finally {
      kek.destroy();
    }
  }

  /**
   * Opens the store in {@code directory}, or creates one there (the directory too) with a
   * passphrase KEK and the default Argon2id parameters if it holds none.
   */
  static Opened openOrCreate(Path directory, Path passphraseFile, String caller, Io io) {
    if (Files.exists(directory.resolve(STORE_FILE))) {
      return new Opened(open(directory, passphraseFile, caller, io), false);
    }
    String label = checkCaller(caller);
    if (Files.exists(directory) && !Files.isDirectory(directory)) {
      throw new CliFailure(ExitCode.KEY_FILE, "--keystore '" + directory + "' is a file, not a directory; give a directory for the key store");
    }
    char[] passphrase = passphrase(passphraseFile, io);
    KekSource kek;
    try {
      if (passphrase.length < MIN_NEW_PASSPHRASE) {
        throw new CliFailure(ExitCode.USAGE, "the passphrase of a new key store must have at least "
            + MIN_NEW_PASSPHRASE + " characters; choose a longer one");
      }
      kek = KekSource.passphrase(passphrase, PassphraseKdfParameters.defaults());
    } finally {
      Arrays.fill(passphrase, '\0');
    }
    try {
      return new Opened(LocalKeyStore.builder(directory).kek(kek).callerLabel(label).create(), true);
    } catch (IllegalStateException createdMeanwhile) {
      return new Opened(open(directory, passphraseFile, caller, io), false);
    } catch (UncheckedIOException e) {
      throw Failures.writing("a key store in '" + directory + "'", e.getCause());
    } finally {
      kek.destroy();
    }
  }

  /**
   * Checks that {@code directory} holds a key store.
   *
   * @throws CliFailure {@link ExitCode#KEY_FILE} if it does not
   */
  static void requireStore(Path directory) {
    if (!Files.isDirectory(directory)) {
      throw new CliFailure(ExitCode.KEY_FILE, "--keystore '" + directory + "' "
          + (Files.exists(directory) ? "is not a directory" : "does not exist")
          + "; give the key store's directory, or create a store with 'envelope keys create --keystore DIR --alias NAME'");
    }
    if (!Files.exists(directory.resolve(STORE_FILE))) {
      throw noStore(directory, null);
    }
  }

  private static CliFailure noStore(Path directory, Exception cause) {
    return new CliFailure(ExitCode.KEY_FILE, "--keystore '" + directory + "' holds no key store (no " + STORE_FILE
        + "); check the path, or create a store with 'envelope keys create --keystore DIR --alias NAME'", cause);
  }

  static char[] passphrase(Path passphraseFile, Io io) {
    return Secrets.read("the key store passphrase", passphraseFile, "--passphrase-file", PASSPHRASE_VARIABLE, io);
  }

  static String checkCaller(String caller) {
    if (caller == null) {
      return DEFAULT_CALLER;
    }
    if (caller.isEmpty() || caller.length() > 256) {
      throw new CliFailure(ExitCode.USAGE, "--caller must be 1 to 256 characters");
    }
    return caller;
  }
}
