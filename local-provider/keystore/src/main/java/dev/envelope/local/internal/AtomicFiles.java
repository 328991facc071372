package dev.envelope.local.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Crash-safe file replacement: write a temp file in the same directory, fsync it, rename it over
 * the target atomically, fsync the directory. A reader (or a process started after a crash) sees
 * either the old file or the new one, never a mix, and once this returns the new file survives a
 * power loss.
 *
 * <p>Files are written owner-only ({@code 0600}), and {@link #createDirectories} creates
 * directories owner-only ({@code 0700}); see {@link OwnerOnly}.
 *
 * <p>Temp files are named {@code .<target>.<random>.tmp}; {@link #deleteOrphanTemps} removes the
 * ones a killed writer left behind. Call it only while holding the store's write lock, so no live
 * writer's temp file is removed.
 */
public final class AtomicFiles {
  static final String TEMP_SUFFIX = ".tmp";

  private AtomicFiles() {}

  /** Replaces {@code target} with {@code content} atomically and durably. */
  public static void write(Path target, byte[] content) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path temp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + TEMP_SUFFIX);
    try {
      try (FileChannel ch = OwnerOnly.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("the file system of " + dir + " cannot rename files atomically;"
            + " put the key store on a local POSIX file system", e);
      }
      fsyncDirectory(dir);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Makes a directory entry change (create, rename, delete) durable. */
  public static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some platforms (Windows) cannot open a directory; there a rename is already durable
      // enough and there is nothing more we can do.
      if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows")) {
        throw e;
      }
    }
  }

  /** Deletes temp files a crashed writer left in {@code dir}; returns how many. */
  public static int deleteOrphanTemps(Path dir) throws IOException {
    int deleted = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, ".*" + TEMP_SUFFIX)) {
      for (Path p : files) {
        if (Files.deleteIfExists(p)) {
          deleted++;
        }
      }
    }
    if (deleted > 0) {
      fsyncDirectory(dir);
    }
    return deleted;
  }

  /** Creates {@code dir} and its missing parents, each new one owner-only ({@code 0700}). */
  public static void createDirectories(Path dir) throws IOException {
    Path absolute = dir.toAbsolutePath();
    if (Files.isDirectory(absolute)) {
      return;
    }
    Path parent = absolute.getParent();
    if (parent != null) {
      createDirectories(parent);
    }
    OwnerOnly.createDirectory(absolute);
  }

  /**
   * Deletes the temp files an interrupted {@link #write} of {@code target} left behind, and only
   * those. Call it only while no other writer of {@code target} runs.
   */
  public static void deleteTemporaries(Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    String prefix = "." + target.getFileName() + ".";
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir,
        f -> f.getFileName().toString().startsWith(prefix) && f.getFileName().toString().endsWith(TEMP_SUFFIX))) {
      for (Path f : files) {
        Files.deleteIfExists(f);
      }
    }
  }
}
