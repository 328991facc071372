package dev.envelope.localkms.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a second endpoint (in this or another process) from serving the same key-store directory:
 * the key store itself may be shared, but the endpoint's state file ({@code kms-state.json}) has
 * one writer. Held from start to close as an exclusive lock on {@code .kms-server.lock}.
 */
public final class ServerLock implements AutoCloseable {
  public static final String FILE_NAME = ".kms-server.lock";

  /**
   * Lock files this JVM holds. Checked before opening a channel: on POSIX systems closing any
   * channel on a file drops every lock the process holds on it, so a refused second attempt must
   * not open (and close) one.
   */
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private ServerLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock of {@code directory} without waiting.
   *
   * @throws IOException if another endpoint holds it, or the lock file cannot be opened
   */
  public static ServerLock acquire(Path directory) throws IOException {
    Path file = directory.resolve(FILE_NAME).toAbsolutePath().normalize();
    if (!HELD.add(file)) {
      throw busy(directory, file);
    }
    FileChannel channel = null;
    FileLock lock = null;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      try {
        lock = channel.tryLock(); // null: another process holds it
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
    } finally {
      if (lock == null) {
        if (channel != null) {
          channel.close();
        }
        HELD.remove(file);
      }
    }
    if (lock == null) {
      throw busy(directory, file);
    }
    return new ServerLock(file, channel, lock);
  }

  private static IOException busy(Path directory, Path file) {
    return new IOException(
        "another local KMS endpoint is serving "
            + directory
            + " (it holds "
            + file
            + "); stop it, or give this one another directory");
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // closing the channel releases it as well
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing left to release
    } finally {
      HELD.remove(file);
    }
  }
}
