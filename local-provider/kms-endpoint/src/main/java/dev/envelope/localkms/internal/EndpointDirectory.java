package dev.envelope.localkms.internal;

import dev.envelope.local.internal.AtomicFiles;
import dev.envelope.local.internal.DirectoryLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The endpoint's files in a key-store directory: its state file ({@value #STATE_FILE}) and the lock
 * ({@value #LOCK_FILE}) it holds while it serves the directory.
 */
public final class EndpointDirectory {
  /** The endpoint's state file in a key-store directory. */
  public static final String STATE_FILE = "kms-state.json";

  /** The lock file an endpoint holds in its key-store directory while it runs. */
  public static final String LOCK_FILE = ".kms-server.lock";

  private EndpointDirectory() {}

  /**
   * Makes {@code directory} ready to serve: refuses one of the earlier endpoint, creates it
   * (owner-only) if absent, and takes its lock.
   *
   * @throws IOException if another endpoint serves it, it holds the earlier format, or it cannot
   *     be created
   */
  public static DirectoryLock.Held claim(Path directory) throws IOException {
    refuseEarlierFormat(directory);
    AtomicFiles.createDirectories(directory);
    return hold(directory);
  }

  /**
   * Takes {@code .kms-server.lock} in {@code directory}, so a second endpoint (in this or another
   * process) cannot serve it: the key store may be shared, but the endpoint's state file has one
   * writer.
   *
   * @throws IOException if another endpoint holds it, or the lock file cannot be opened
   */
  private static DirectoryLock.Held hold(Path directory) throws IOException {
    Path file = directory.resolve(LOCK_FILE);
    return DirectoryLock.tryHold(file)
        .orElseThrow(
            () ->
                new IOException(
                    "another local KMS endpoint is serving "
                        + directory
                        + " (it holds "
                        + file.toAbsolutePath().normalize()
                        + "); stop it, or give this one another directory"));
  }

  /** Refuses a directory of the earlier endpoint, which kept key material unencrypted. */
  private static void refuseEarlierFormat(Path directory) throws IOException {
    if (Files.exists(directory.resolve(STATE_FILE)) && !Files.exists(directory.resolve("store.json"))) {
      throw new IOException(
          directory
              + " holds the state of an earlier local KMS endpoint, which kept key material"
              + " unencrypted in "
              + directory.resolve("keys")
              + "; this release serves keys from a local key store and cannot read those keys."
              + " Delete the directory (securely: it holds plaintext keys) or choose another.");
    }
  }
}
