package dev.envelope.localkms.internal;

import dev.envelope.local.KekSource;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.local.internal.DirectoryLock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

/**
 * What an endpoint serves and owns: the key store (given, opened from a directory, or an
 * ephemeral one), where the endpoint's own state lives (aliases and grants: a file beside the
 * store, or memory), and the claim on the directory. {@link #close()} releases what it opened.
 */
public final class EndpointHome implements AutoCloseable {
  private final LocalKeyStore store;
  private final boolean ownsStore;
  private final KmsRegistry registry;
  private final DirectoryLock.Held lock;
  private final Path temporaryDirectory;

  private EndpointHome(
      LocalKeyStore store, boolean ownsStore, KmsRegistry registry, DirectoryLock.Held lock, Path temporary) {
    this.store = store;
    this.ownsStore = ownsStore;
    this.registry = registry;
    this.lock = lock;
    this.temporaryDirectory = temporary;
  }

  /**
   * @param given a store the caller opened (and keeps), or null
   * @param directory with no {@code given} store, the directory to open or create one in; null for
   *     an ephemeral store, deleted on close
   * @param kek the KEK of a store opened here
   */
  public static EndpointHome open(LocalKeyStore given, Path directory, KekSource kek, Clock clock)
      throws IOException {
    Path dir = given != null ? directoryOf(given) : directory;
    // Each step owns what it opened until the home is built; on failure, release it all.
    DirectoryLock.Held heldLock = null;
    LocalKeyStore opened = null;
    Path temporary = null;
    try {
      KmsRegistry registry;
      if (given != null && dir == null) {
        // A store kept in a database: any number of endpoints may serve it at once, so none
        // claims it, and each keeps its own state in memory.
        registry = KmsRegistry.inMemory();
      } else if (dir == null) {
        temporary = EphemeralKeyStore.createDirectory();
        opened = EphemeralKeyStore.create(temporary, clock);
        registry = KmsRegistry.inMemory();
      } else {
        heldLock = EndpointDirectory.claim(dir);
        if (given == null) {
          opened = LocalKeyStore.builder(dir).kek(kek).clock(clock).openOrCreate();
        }
        registry = KmsRegistry.persistent(dir.resolve(EndpointDirectory.STATE_FILE));
      }
      return new EndpointHome(given != null ? given : opened, given == null, registry, heldLock, temporary);
    } catch (IOException | RuntimeException e) {
      release(opened, heldLock, temporary);
      throw e;
    }
  }

  /** The directory of {@code store}, or null if it is kept elsewhere (a database). */
  private static Path directoryOf(LocalKeyStore store) {
    try {
      return store.directory();
    } catch (IllegalStateException keptElsewhere) {
      return null;
    }
  }

  public LocalKeyStore store() {
    return store;
  }

  public KmsRegistry registry() {
    return registry;
  }

  /** Closes the store if this home opened it, releases the directory, deletes an ephemeral store. */
  @Override
  public void close() {
    release(ownsStore ? store : null, lock, temporaryDirectory);
  }

  private static void release(LocalKeyStore opened, DirectoryLock.Held lock, Path temporary) {
    if (opened != null) {
      opened.close();
    }
    if (lock != null) {
      lock.close();
    }
    if (temporary != null) {
      EphemeralKeyStore.delete(temporary);
    }
  }
}
