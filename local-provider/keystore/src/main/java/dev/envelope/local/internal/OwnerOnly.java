package dev.envelope.local.internal;

import dev.envelope.local.KeyStorePermissionException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Owner-only files and directories: every directory the key store creates is {@code 0700} and
 * every file (lock files too) {@code 0600}, whatever the process umask, and {@link #check}
 * refuses a path that group or others can use, as ssh does with private keys. On file systems
 * without POSIX permissions (Windows) these are no-ops: use the directory's ACLs there.
 */
public final class OwnerOnly {
  static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OTHERS =
      EnumSet.complementOf(EnumSet.of(
          PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));

  private OwnerOnly() {}

  private static boolean posix(Path p) {
    return p.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  /** Opens {@code file} with {@code options}; if this creates it, it is created {@code 0600}. */
  public static FileChannel open(Path file, OpenOption... options) throws IOException {
    if (!posix(file)) {
      return FileChannel.open(file, options);
    }
    boolean existed = Files.exists(file, LinkOption.NOFOLLOW_LINKS);
    FileChannel ch = FileChannel.open(file, Set.of(options), PosixFilePermissions.asFileAttribute(FILE));
    if (!existed) {
      // The umask only removes bits; an owner-unfriendly umask (e.g. 0277) is put right here.
      Files.setPosixFilePermissions(file, FILE);
    }
    return ch;
  }

  /** Creates {@code dir} ({@code 0700}); its parent must exist. Returns false if it existed. */
  public static boolean createDirectory(Path dir) throws IOException {
    try {
      if (posix(dir)) {
        FileAttribute<Set<PosixFilePermission>> attr = PosixFilePermissions.asFileAttribute(DIRECTORY);
        Files.createDirectory(dir, attr);
        Files.setPosixFilePermissions(dir, DIRECTORY);
      } else {
        Files.createDirectory(dir);
      }
      return true;
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) {
        throw e;
      }
      return false;
    }
  }

  /**
   * Refuses {@code path} if group or others have any permission on it.
   *
   * @throws KeyStorePermissionException naming the path, its mode and the chmod that fixes it
   */
  public static void check(Path path) throws IOException {
    PosixFileAttributeView view =
        Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    if (view == null) {
      return;
    }
    Set<PosixFilePermission> perms;
    boolean directory;
    try {
      var attrs = view.readAttributes();
      perms = attrs.permissions();
      directory = attrs.isDirectory();
    } catch (NoSuchFileException absent) {
      return;
    }
    Set<PosixFilePermission> extra = EnumSet.noneOf(PosixFilePermission.class);
    extra.addAll(perms);
    extra.retainAll(OTHERS);
    if (!extra.isEmpty()) {
      String mode = PosixFilePermissions.toString(perms);
      throw new KeyStorePermissionException(
          "the key store " + (directory ? "directory " : "file ") + path + " is accessible by other users (mode "
              + mode + "); the key store must be owner-only. Fix it with: chmod " + (directory ? "700 " : "600 ")
              + path + " (or for the whole store: chmod -R go-rwx <store directory>)");
    }
  }

  /** Makes an existing directory owner-only ({@code 0700}). */
  public static void restrict(Path dir) throws IOException {
    if (posix(dir)) {
      Files.setPosixFilePermissions(dir, DIRECTORY);
    }
  }
}
