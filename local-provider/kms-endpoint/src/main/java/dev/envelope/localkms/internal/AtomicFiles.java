package dev.envelope.localkms.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * Crash-safe file replacement: write a temporary file in the same directory, fsync it, rename it
 * over the target atomically, then fsync the directory. A reader (or a restart after a crash) sees
 * either the old content or the new, never a mix. Files are created owner-only ({@code rw-------})
 * where the file system supports POSIX permissions.
 */
public final class AtomicFiles {
  static final String TEMP_MARKER = ".tmp-";
  private static final SecureRandom RANDOM = new SecureRandom();

  private AtomicFiles() {}

  /** Creates {@code dir} (owner-only) if needed. */
  public static void createDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    if (supportsPosix(dir.toAbsolutePath().getParent())) {
      Files.createDirectories(dir, ownerOnly(true));
    } else {
      Files.createDirectories(dir);
    }
  }

  /** Atomically replaces {@code target} with {@code content}. */
  public static void write(Path target, byte[] content) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    byte[] suffix = new byte[8];
    RANDOM.nextBytes(suffix);
    Path temp =
        dir.resolve("." + target.getFileName() + TEMP_MARKER + HexFormat.of().formatHex(suffix));
    try {
      FileAttribute<?>[] attrs =
          supportsPosix(dir) ? new FileAttribute<?>[] {ownerOnly(false)} : new FileAttribute<?>[0];
      try (FileChannel ch =
          FileChannel.open(
              temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attrs)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("the file system of " + dir + " cannot rename atomically", e);
      }
      syncDirectory(dir);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Deletes what an interrupted {@link #write} of {@code target} left behind. Call it only while no
   * other writer of {@code target} runs.
   */
  public static void deleteTemporaries(Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    String prefix = "." + target.getFileName() + TEMP_MARKER;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, f -> f.getFileName().toString().startsWith(prefix))) {
      for (Path f : files) {
        Files.deleteIfExists(f);
      }
    }
  }

  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (FileSystemException | UnsupportedOperationException e) {
      // Some platforms (Windows) cannot open or sync a directory; the rename is still atomic.
    }
  }

  private static boolean supportsPosix(Path dir) {
    return dir != null && dir.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private static FileAttribute<Set<PosixFilePermission>> ownerOnly(boolean directory) {
    return PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString(directory ? "rwx------" : "rw-------"));
  }
}
