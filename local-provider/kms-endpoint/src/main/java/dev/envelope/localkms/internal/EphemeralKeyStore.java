package dev.envelope.localkms.internal;

import dev.envelope.local.KekSource;
import dev.envelope.local.LocalKeyStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;
import javax.crypto.spec.SecretKeySpec;

/**
 * The endpoint's key store when it is given none: a store in a fresh temporary directory, sealed
 * under a random AES-256 KEK that exists only in this process, so what is on disk can never be
 * opened once the process ends. {@link #delete} removes the directory when the endpoint closes.
 */
public final class EphemeralKeyStore {
  private static final System.Logger LOG = System.getLogger(EphemeralKeyStore.class.getName());

  private EphemeralKeyStore() {}

  /** A new temporary directory (owner-only on POSIX) for an ephemeral store. */
  public static Path createDirectory() throws IOException {
    return Files.createTempDirectory("envelope-local-kms-");
  }

  /** A new store in {@code directory}, sealed under a random KEK that is zeroed once used. */
  public static LocalKeyStore create(Path directory, Clock clock) {
    byte[] kek = new byte[32];
    new SecureRandom().nextBytes(kek);
    try {
      return LocalKeyStore.builder(directory)
          .kek(KekSource.secretKey(new SecretKeySpec(kek, "AES"), null))
          .clock(clock)
          .create();
    } finally {
      Arrays.fill(kek, (byte) 0);
    }
  }

  /** Deletes {@code root} and everything under it; a failure is logged, not thrown. */
  public static void delete(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      LOG.log(System.Logger.Level.WARNING, "could not delete " + root + ": " + e);
    }
  }
}
