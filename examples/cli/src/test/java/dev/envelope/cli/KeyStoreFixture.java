package dev.envelope.cli;

import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.KekSource;
import dev.envelope.local.KeyMetadata;
import dev.envelope.local.KeyPolicy;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.local.PassphraseKdfParameters;
import java.nio.file.Path;
import java.util.Map;

/**
 * Key stores for CLI tests, made with the library and cheap Argon2 parameters (the store records
 * them, so the CLI opens it in milliseconds). Never use these parameters for real keys.
 */
final class KeyStoreFixture {
  static final String PASSPHRASE = "fixture passphrase ✓ 1234";
  static final String VARIABLE = KeyStores.PASSPHRASE_VARIABLE;

  private KeyStoreFixture() {}

  /** The environment that gives the CLI the fixture's passphrase. */
  static Map<String, String> env() {
    return Map.of(VARIABLE, PASSPHRASE);
  }

  static LocalKeyStore open(Path dir) {
    return LocalKeyStore.builder(dir).kek(kek()).callerLabel("fixture").openOrCreate();
  }

  /** Creates a store in {@code dir} (if absent) with a key {@code alias} under the default policy. */
  static KeyMetadata createKey(Path dir, String alias) {
    return createKey(dir, alias, KeyPolicy.defaultPolicy());
  }

  static KeyMetadata createKey(Path dir, String alias, KeyPolicy policy) {
    try (LocalKeyStore store = open(dir)) {
      return store.createKey(CreateKeyRequest.builder().alias(alias).policy(policy).build());
    }
  }

  private static KekSource kek() {
    return KekSource.passphrase(PASSPHRASE.toCharArray(), PassphraseKdfParameters.insecureForTests());
  }
}
