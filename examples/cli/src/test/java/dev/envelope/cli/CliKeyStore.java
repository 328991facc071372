package dev.envelope.cli;

import dev.envelope.testkit.junit.KeyStoreExtension;
import dev.envelope.testkit.junit.Lifecycle;
import java.util.Map;

/**
 * The test kit's throwaway key store as the CLI tests use it: a fresh store for each test with a
 * key {@value #KEY}, a passphrase typed as a user would (spaces, a non-ASCII character) that the
 * CLI reads from {@link KeyStores#PASSPHRASE_VARIABLE} or a file, and the tests' own calls audited
 * as caller {@value #CALLER}.
 */
final class CliKeyStore {
  static final String PASSPHRASE = "fixture passphrase ✓ 1234";
  static final String KEY = "orders";
  static final String CALLER = "fixture";

  private CliKeyStore() {}

  /** For {@code @RegisterExtension}: one store per test, deleted afterwards. */
  static KeyStoreExtension perTest() {
    return KeyStoreExtension.builder().lifecycle(Lifecycle.PER_TEST).keyAlias(KEY).passphrase(PASSPHRASE)
        .store(b -> b.callerLabel(CALLER)).build();
  }

  /** The environment that gives the CLI the store's passphrase. */
  static Map<String, String> env() {
    return Map.of(KeyStores.PASSPHRASE_VARIABLE, PASSPHRASE);
  }
}
