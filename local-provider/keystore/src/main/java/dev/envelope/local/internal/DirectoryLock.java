package dev.envelope.local.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A mutual-exclusion lock that works between threads of this JVM and between processes: a
 * {@link ReentrantLock} per lock file (shared by every store instance of this JVM that uses the
 * same file) guards an exclusive {@link FileLock} on the file.
 *
 * <p>The JVM lock is needed because file locks belong to the whole process: a second lock attempt
 * from another thread would throw {@code OverlappingFileLockException}, and closing any channel on
 * the file would release the lock. Holding the JVM lock first makes both impossible.
 *
 * <p>The lock file is owner-only ({@code 0600}): a user who could open it could hold the lock.
 *
 * <p>Reentrant: a thread holding the lock may take it again; only the outermost release drops the
 * file lock.
 */
public final class DirectoryLock {
  private static final ConcurrentHashMap<Path, Shared> SHARED = new ConcurrentHashMap<>();

  /** The state every instance for one lock file shares. */
  private static final class Shared {
    final ReentrantLock jvmLock = new ReentrantLock();
    FileChannel channel; // guarded by jvmLock
    FileLock fileLock; // guarded by jvmLock
  }

  private final Path lockFile;
  private final Shared shared;
  private final ReentrantLock jvmLock;

  public DirectoryLock(Path lockFile) {
    this.lockFile = lockFile.toAbsolutePath().normalize();
    this.shared = SHARED.computeIfAbsent(this.lockFile, p -> new Shared());
    this.jvmLock = shared.jvmLock;
  }

  /** Whether the current thread holds this lock. */
  public boolean isHeldByCurrentThread() {
    return jvmLock.isHeldByCurrentThread();
  }

  /** A held lock; closing it releases. */
  public interface Held extends AutoCloseable {
    @Override
    void close();
  }

  /** Blocks until this thread holds the lock in this JVM and across processes. */
  public Held acquire() {
    jvmLock.lock();
    if (jvmLock.getHoldCount() == 1) {
      try {
        shared.channel = OwnerOnly.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        shared.fileLock = shared.channel.lock();
      } catch (IOException e) {
        closeChannel();
        jvmLock.unlock();
        throw new UncheckedIOException("could not lock " + lockFile, e);
      }
    }
    return this::release;
  }

  private void release() {
    if (jvmLock.getHoldCount() == 1) {
      try {
        if (shared.fileLock != null) {
          shared.fileLock.release();
        }
      } catch (IOException ignored) {
        // Closing the channel below releases it as well.
      } finally {
        shared.fileLock = null;
        closeChannel();
      }
    }
    jvmLock.unlock();
  }

  private void closeChannel() {
    if (shared.channel != null) {
      try {
        shared.channel.close();
      } catch (IOException ignored) {
        // Nothing was written through this channel.
      }
      shared.channel = null;
    }
  }

  @Override
  public String toString() {
    return "DirectoryLock[" + lockFile + "]";
  }

  /** Lock files this JVM holds through {@link #tryHold}. */
  private static final java.util.Set<Path> HELD_FILES = ConcurrentHashMap.newKeySet();

  /**
   * Takes an exclusive lock on {@code lockFile} without waiting, owned by no thread: for a lock held
   * from a service's start to its close, released by closing the result from any thread. Not
   * reentrant: a second attempt, from this JVM or another process, finds it held.
   *
   * @return the held lock, or empty if this JVM or another process holds it
   * @throws IOException if the lock file cannot be opened
   */
  public static java.util.Optional<Held> tryHold(Path lockFile) throws IOException {
    Path file = lockFile.toAbsolutePath().normalize();
    // Checked before opening a channel: on POSIX closing any channel on a file drops every lock
    // the process holds on it, so a refused second attempt must not open (and close) one.
    if (!HELD_FILES.add(file)) {
      return java.util.Optional.empty();
    }
    FileChannel channel = null;
    FileLock lock = null;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      try {
        lock = channel.tryLock(); // null: another process holds it
      } catch (java.nio.channels.OverlappingFileLockException e) {
        lock = null;
      }
    } finally {
      if (lock == null) {
        if (channel != null) {
          channel.close();
        }
        HELD_FILES.remove(file);
      }
    }
    if (lock == null) {
      return java.util.Optional.empty();
    }
    FileChannel heldChannel = channel;
    FileLock heldLock = lock;
    java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
    return java.util.Optional.of(() -> {
      if (!released.compareAndSet(false, true)) {
        return;
      }
      try {
        heldLock.release();
      } catch (IOException ignored) {
        // Closing the channel below releases it as well.
      }
      try {
        heldChannel.close();
      } catch (IOException ignored) {
        // Nothing was written through this channel.
      } finally {
        HELD_FILES.remove(file);
      }
    });
  }
}
