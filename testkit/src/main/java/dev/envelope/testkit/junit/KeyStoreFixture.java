package dev.envelope.testkit.junit;

import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.KekSource;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.local.LocalKeyring;
import dev.envelope.local.PassphraseKdfParameters;
import dev.envelope.testkit.internal.Directories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A throwaway {@link LocalKeyStore}: a new temporary directory, a random (or chosen) passphrase
 * and one key with an alias, open and ready. Closing it closes the store and deletes the directory. {@link
 * KeyStoreExtension} injects it; outside JUnit Jupiter start one with {@link #start()}.
 *
 * <p>The store's passphrase KEK uses {@link PassphraseKdfParameters#insecureForTests()} (Argon2id
 * with 64 KiB and one pass) so that a store opens in about a millisecond; the store records the
 * parameters, so an application's own code reopens it with {@link #passphrase()} at the same speed.
 * Never use such a store, or these parameters, for real keys. Thread-safe (the store is).
 */
public final class KeyStoreFixture implements AutoCloseable {
  /** The alias of the fixture's key unless configured otherwise. */
  public static final String DEFAULT_KEY_ALIAS = "testkit-key";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path directory;
  private final char[] passphrase;
  private final String keyAlias;
  private final Consumer<LocalKeyStore.Builder> configuration;
  private final LocalKeyStore store;
  private boolean closed;

  private KeyStoreFixture(Path directory, char[] passphrase, String keyAlias,
      Consumer<LocalKeyStore.Builder> configuration, LocalKeyStore store) {
    this.directory = directory;
    this.passphrase = passphrase;
    this.keyAlias = keyAlias;
    this.configuration = configuration;
    this.store = store;
  }

  /** A store with one key aliased {@value #DEFAULT_KEY_ALIAS}. */
  public static KeyStoreFixture start() {
    return start(DEFAULT_KEY_ALIAS, b -> {});
  }

  /**
   * A store with one key aliased {@code keyAlias}, created by a builder that {@code store} may
   * configure further (clock, caller label, listeners, key namespace); the kit sets its KEK.
   */
  public static KeyStoreFixture start(String keyAlias, Consumer<LocalKeyStore.Builder> store) {
    Objects.requireNonNull(keyAlias, "keyAlias");
    Objects.requireNonNull(store, "store");
    byte[] random = new byte[18];
    RANDOM.nextBytes(random);
    char[] passphrase = Base64.getUrlEncoder().withoutPadding().encodeToString(random).toCharArray();
    Arrays.fill(random, (byte) 0);
    return start(keyAlias, passphrase, store);
  }

  /**
   * As {@link #start(String, Consumer)}, but the store's passphrase is {@code passphrase} instead of
   * a random one: for tests of code that reads a passphrase the test chose, from an environment
   * variable or a file (one with spaces or non-ASCII characters, say). TEST ONLY: a {@code String}
   * cannot be cleared, so never pass a real passphrase.
   *
   * @throws IllegalArgumentException if {@code passphrase} is empty
   */
  public static KeyStoreFixture start(String keyAlias, String passphrase, Consumer<LocalKeyStore.Builder> store) {
    Objects.requireNonNull(keyAlias, "keyAlias");
    Objects.requireNonNull(passphrase, "passphrase");
    Objects.requireNonNull(store, "store");
    if (passphrase.isEmpty()) {
      throw new IllegalArgumentException("the key store passphrase is empty; give at least one character");
    }
    return start(keyAlias, passphrase.toCharArray(), store);
  }

  /** Takes ownership of {@code passphrase} (cleared on failure or close). */
  private static KeyStoreFixture start(String keyAlias, char[] passphrase, Consumer<LocalKeyStore.Builder> store) {
    Path directory;
    try {
      directory = Files.createTempDirectory("envelope-testkit-keystore-");
    } catch (IOException e) {
      Arrays.fill(passphrase, '\0');
      throw new UncheckedIOException("cannot create a temporary directory for the key store", e);
    }
    LocalKeyStore opened = null;
    try {
      LocalKeyStore.Builder builder = LocalKeyStore.builder(directory).kek(kek(passphrase));
      store.accept(builder);
      opened = builder.create();
      opened.createKey(CreateKeyRequest.withAlias(keyAlias));
      return new KeyStoreFixture(directory, passphrase, keyAlias, store, opened);
    } catch (RuntimeException | Error e) {
      if (opened != null) {
        opened.close();
      }
      Arrays.fill(passphrase, '\0');
      try {
        Directories.deleteRecursively(directory);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static KekSource kek(char[] passphrase) {
    return KekSource.passphrase(passphrase.clone(), PassphraseKdfParameters.insecureForTests());
  }

  /** The open store. */
  public LocalKeyStore store() {
    return store;
  }

  /** The store's directory (deleted when the fixture closes). */
  public Path directory() {
    return directory;
  }

  /** The alias of the fixture's key. */
  public String keyAlias() {
    return keyAlias;
  }

  /** A copy of the store's passphrase (TEST ONLY), for code that opens the store itself. */
  public char[] passphrase() {
    return passphrase.clone();
  }

  /** A fresh KEK source for the store's passphrase, to open the directory again. */
  public KekSource kek() {
    return kek(passphrase);
  }

  /**
   * Opens the fixture's directory again: a new {@link LocalKeyStore}, configured as the fixture's
   * own (its KEK and the builder configuration it was started with), for the caller to close. For
   * code that opens and closes the store around each use, as a command-line tool or another
   * process does; the fixture's own {@link #store()} stays open.
   */
  public LocalKeyStore reopen() {
    LocalKeyStore.Builder builder = LocalKeyStore.builder(directory).kek(kek());
    configuration.accept(builder);
    return builder.open();
  }

  /** A keyring over the fixture's key. */
  public LocalKeyring keyring() {
    return store.keyring(keyAlias);
  }

  /** Closes the store, deletes its directory and clears the passphrase. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      store.close();
    } finally {
      Arrays.fill(passphrase, '\0');
      Directories.deleteRecursively(directory);
    }
  }

  @Override
  public String toString() {
    return "KeyStoreFixture{" + directory + ", key alias " + keyAlias + "}";
  }
}
