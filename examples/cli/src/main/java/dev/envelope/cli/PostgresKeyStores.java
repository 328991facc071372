package dev.envelope.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.envelope.local.AuditLog;
import dev.envelope.local.KekSource;
import dev.envelope.local.KeyStoreNotFoundException;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.local.PassphraseKdfParameters;
import dev.envelope.local.postgresql.PostgresKeyStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Opens a key store kept in PostgreSQL for the CLI: {@code --keystore postgresql://HOST[:PORT]/DATABASE},
 * with the user, password and TLS settings the libpq way from the environment ({@code PGUSER},
 * {@code PGPASSWORD}, {@code PGPASSFILE}, {@code PGSSLMODE}, ...), never from the command line. The
 * connection pools opened for one command are closed when it ends ({@link #closePools}). A store
 * opened here starts a listener thread (LISTEN/NOTIFY: a change made by another process reaches
 * this one at once), stopped when the store is closed.
 */
final class PostgresKeyStores {
  static final String SCHEME = "postgresql://";
  /**
   * The pools each thread's command opened: a command runs on one thread, and in-process runs (the
   * tests, two kms-server commands) must not close each other's pools.
   */
  private static final ThreadLocal<List<HikariDataSource>> POOLS = ThreadLocal.withInitial(ArrayList::new);

  private PostgresKeyStores() {}

  private static HikariDataSource pool(String address, Io io) {
    HikariDataSource pool;
    try {
      pool = PostgresKeyStore.dataSource(address, io.environment());
    } catch (IllegalArgumentException e) {
      throw new CliFailure(ExitCode.USAGE, "--keystore: " + e.getMessage(), e);
    }
    POOLS.get().add(pool);
    return pool;
  }

  /** Closes the pools this thread's command opened (after the command). */
  static void closePools() {
    List<HikariDataSource> pools = POOLS.get();
    pools.forEach(HikariDataSource::close);
    pools.clear();
    POOLS.remove();
  }

  static LocalKeyStore open(String address, Path passphraseFile, String caller, Io io) {
    String label = KeyStores.checkCaller(caller);
    HikariDataSource pool = pool(address, io);
    char[] passphrase = KeyStores.passphrase(passphraseFile, io);
    KekSource kek = KekSource.passphrase(passphrase);
    Arrays.fill(passphrase, '\0');
    try {
      return PostgresKeyStore.builder(pool).kek(kek).callerLabel(label).open();
    } catch (KeyStoreNotFoundException e) {
      throw noStore(address, e);
    } finally {
      kek.destroy();
    }
  }

  static KeyStores.Opened openOrCreate(String address, Path passphraseFile, String caller, Io io) {
    String label = KeyStores.checkCaller(caller);
    HikariDataSource pool = pool(address, io);
    char[] passphrase = KeyStores.passphrase(passphraseFile, io);
    KekSource existing = KekSource.passphrase(passphrase);
    try {
      return new KeyStores.Opened(PostgresKeyStore.builder(pool).kek(existing).callerLabel(label).open(), false);
    } catch (KeyStoreNotFoundException none) {
      if (passphrase.length < KeyStores.MIN_NEW_PASSPHRASE) {
        throw new CliFailure(ExitCode.USAGE, "the passphrase of a new key store must have at least "
            + KeyStores.MIN_NEW_PASSPHRASE + " characters; choose a longer one");
      }
      KekSource kek = KekSource.passphrase(passphrase, PassphraseKdfParameters.defaults());
      try {
        return new KeyStores.Opened(PostgresKeyStore.builder(pool).kek(kek).callerLabel(label).create(), true);
      } catch (IllegalStateException createdMeanwhile) {
        return new KeyStores.Opened(open(address, passphraseFile, caller, io), false);
      } finally {
        kek.destroy();
      }
    } finally {
      existing.destroy();
      Arrays.fill(passphrase, '\0');
    }
  }

  /**
   * Copies the audit trail of the store at {@code address} to a file in a new owner-only
   * temporary directory; {@link #deleteExport} removes both.
   */
  static Path exportAuditLog(String address, Io io) {
    HikariDataSource pool = pool(address, io);
    Path dir;
    try {
      dir = Files.createTempDirectory("envelope-audit"); // owner-only on POSIX
    } catch (IOException e) {
      throw Failures.writing("a temporary copy of the audit trail", e);
    }
    Path file = dir.resolve(AuditLog.FILE_NAME);
    try {
      PostgresKeyStore.exportAuditLog(pool, PostgresKeyStore.DEFAULT_SCHEMA, file);
      return file;
    } catch (KeyStoreNotFoundException e) {
      deleteExport(file);
      throw noStore(address, e);
    } catch (RuntimeException e) {
      deleteExport(file);
      throw e;
    }
  }

  /** Deletes a copy {@link #exportAuditLog} made, and its directory. */
  static void deleteExport(Path file) {
    try {
      Files.deleteIfExists(file);
      Files.deleteIfExists(file.getParent());
    } catch (IOException ignored) {
      // Best effort: the directory is private to this user and in the temporary directory.
    }
  }

  private static CliFailure noStore(String address, Exception cause) {
    return new CliFailure(ExitCode.KEY_FILE, "--keystore '" + address + "' holds no key store; check the address,"
        + " or create a store with 'envelope keys create --keystore " + address + " --alias NAME'", cause);
  }
}
