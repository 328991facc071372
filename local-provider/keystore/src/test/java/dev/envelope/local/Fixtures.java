package dev.envelope.local;

import dev.envelope.AlgorithmSuite;
import dev.envelope.Envelope;
import dev.envelope.Keyring;
import java.nio.file.Path;

/**
 * Shared test setup.
 *
 * <p>Stores in tests use {@link PassphraseKdfParameters#insecureForTests()} (Argon2id with 64 KiB,
 * 1 pass, 1 lane: about a millisecond) so that the many stores the suite opens keep it well
 * under two minutes; the defaults (64 MiB, 3 passes) are exercised once in {@code
 * KekSourceTest}.
 */
final class Fixtures {
  static final String PASSPHRASE = "correct horse battery staple";

  private Fixtures() {}

  /** Deletes a directory tree (for jqwik containers, which have no {@code @TempDir}). */
  static void deleteRecursively(Path root) throws java.io.IOException {
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(root)) {
      for (Path p : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
        java.nio.file.Files.delete(p);
      }
    }
  }

  static KekSource kek() {
    return KekSource.passphrase(PASSPHRASE.toCharArray(), PassphraseKdfParameters.insecureForTests());
  }

  static LocalKeyStore.Builder store(Path dir) {
    return LocalKeyStore.builder(dir).kek(kek());
  }

  /** An envelope with the default (signing, committing) suite. */
  static Envelope envelope(Keyring keyring) {
    return Envelope.builder().keyring(keyring).build();
  }

  /** An envelope with the committing unsigned suite, for tests that encrypt many messages. */
  static Envelope fastEnvelope(Keyring keyring) {
    return Envelope.builder().keyring(keyring).algorithmSuite(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY).build();
  }
}
