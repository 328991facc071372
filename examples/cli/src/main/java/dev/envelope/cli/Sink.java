package dev.envelope.cli;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code --out} of a command: a file, or stdout for {@code -}.
 *
 * <p>A file is written to a temporary file in the same directory (readable by its owner only) and
 * renamed over {@code --out} by {@link #commit()} once the command has succeeded, so a failed or
 * interrupted command leaves no file at {@code --out} (and an existing one untouched). Temporary
 * files are deleted on failure, and by a shutdown hook if the process is interrupted. A symbolic
 * link is written through; an existing device or pipe ({@code /dev/null}, a FIFO) is written
 * directly, as there is nothing to rename over.
 *
 * <p>Stdout cannot be taken back: what was written stays written. So a command that must not
 * release anything before it has succeeded (decrypting a signed message) calls {@link
 * #holdUntilCommit()}: writes then go to a temporary file readable by its owner only, copied to
 * stdout by {@link #commit()} and deleted in any case.
 */
final class Sink implements Closeable {
  private static final int BUFFER = 64 * 1024;
  private static final Set<Path> PENDING = ConcurrentHashMap.newKeySet();
  private static volatile boolean hookInstalled;

  private final OutputStream stream;
  private final OutputStream exposed;
  private OutputStream current;
  private Path spool;
  private final FileOutputStream file;
  private final Path temporary;
  private final Path target;
  private final String description;
  private boolean committed;

  private Sink(OutputStream stream, FileOutputStream file, Path temporary, Path target, String description) {
    this.stream = stream;
    this.current = stream;
    this.exposed = new FilterOutputStream(stream) {
      @Override
      public void write(int b) throws IOException {
        current.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        current.write(b, off, len);
      }

      @Override
      public void flush() throws IOException {
        current.flush();
      }

      @Override
      public void close() throws IOException {
        flush(); // the writer's close must not end the file before commit() syncs it
      }
    };
    this.file = file;
    this.temporary = temporary;
    this.target = target;
    this.description = description;
  }

  /**
   * Opens {@code spec}: {@code -} for stdout (never closed, only flushed), else a file path.
   *
   * @throws CliFailure with {@link ExitCode#OUTPUT} if the file cannot be created
   */
  static Sink open(String spec, OutputStream stdout) {
    if ("-".equals(spec)) {
      return new Sink(new BufferedOutputStream(stdout, BUFFER), null, null, null, "stdout");
    }
    Path target = Path.of(spec).toAbsolutePath();
    String description = "output file '" + spec + "'";
    if (Files.isDirectory(target)) {
      throw new CliFailure(ExitCode.OUTPUT, description + " is a directory; give a file path to --out");
    }
    if (Files.exists(target)) {
      try {
        target = target.toRealPath(); // write through a symbolic link, never replace the link
      } catch (IOException e) {
        throw Failures.writing(description, e);
      }
      if (!Files.isRegularFile(target)) {
        // A device or pipe (/dev/null, a FIFO): nothing to rename over, write to it directly.
        try {
          FileOutputStream direct = new FileOutputStream(target.toFile());
          return new Sink(new BufferedOutputStream(direct, BUFFER), direct, null, null, description);
        } catch (IOException e) {
          throw Failures.writing(description, e);
        }
      }
    }
    Path directory = target.getParent();
    if (directory == null || !Files.isDirectory(directory)) {
      throw new CliFailure(ExitCode.OUTPUT,
          "the directory of " + description + " does not exist; create it first");
    }
    installHook();
    Path temporary = null;
    try {
      temporary = Files.createTempFile(directory, ".envelope-", ".part");
      PENDING.add(temporary);
      FileOutputStream file = new FileOutputStream(temporary.toFile());
      return new Sink(new BufferedOutputStream(file, BUFFER), file, temporary, target, description);
    } catch (IOException e) {
      if (temporary != null) {
        deleteQuietly(temporary);
      }
      throw Failures.writing(description + " (a temporary file in its directory)", e);
    }
  }

  /**
   * Holds everything written from now on in an owner-only temporary file until {@link #commit()},
   * for stdout and devices, which cannot be taken back. A file target is already held (it is a
   * temporary file until commit), so this changes nothing for it. Call before writing anything.
   *
   * @throws CliFailure with {@link ExitCode#OUTPUT} if the temporary file cannot be created
   */
  void holdUntilCommit() {
    if (temporary != null || spool != null) {
      return;
    }
    installHook();
    try {
      spool = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
          ? Files.createTempFile(".envelope-", ".spool",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
          : Files.createTempFile(".envelope-", ".spool");
      PENDING.add(spool);
      current = new BufferedOutputStream(Files.newOutputStream(spool), BUFFER);
    } catch (IOException e) {
      discardSpool();
      throw Failures.writing(description + " (a temporary file that holds the output until it verifies)", e);
    }
  }

  /** The stream to write to. Closing it only flushes: it neither commits nor closes stdout. */
  OutputStream stream() {
    return exposed;
  }

  String description() {
    return description;
  }

  /**
   * Makes the output final: for a file, flushes it to disk and renames it over {@code --out}; for
   * stdout, flushes. Call once, after everything succeeded and the writer was closed.
   *
   * @throws CliFailure with {@link ExitCode#OUTPUT} if that fails (the temporary file is then removed)
   */
  void commit() {
    try {
      if (spool != null) {
        current.close();
        current = stream;
        Files.copy(spool, stream);
        discardSpool();
      }
      stream.flush();
      if (temporary != null) {
        file.getFD().sync();
        stream.close();
        try {
          Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
        PENDING.remove(temporary);
      }
      committed = true;
    } catch (IOException e) {
      throw Failures.writing(description, e);
    }
  }

  /** Closes a file (never stdout); if {@link #commit()} did not succeed, deletes the temporary file. */
  @Override
  public void close() {
    if (file != null) {
      try {
        stream.close();
      } catch (IOException ignored) {
        // Either committed already (closed there) or failing anyway; the failure is reported elsewhere.
      }
    } else {
      try {
        stream.flush();
      } catch (IOException ignored) {
        // stdout is gone (a closed pipe); the command's own write already failed and was reported.
      }
    }
    if (temporary != null && !committed) {
      deleteQuietly(temporary);
      PENDING.remove(temporary);
    }
    discardSpool();
  }

  private void discardSpool() {
    if (spool != null) {
      if (current != stream) {
        try {
          current.close();
        } catch (IOException ignored) {
          // Deleted next; nothing of it is kept.
        }
        current = stream;
      }
      deleteQuietly(spool);
      PENDING.remove(spool);
      spool = null;
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // Best effort: the name starts with a dot and ends in .part, so it is recognizable.
    }
  }

  private static void installHook() {
    if (!hookInstalled) {
      synchronized (Sink.class) {
        if (!hookInstalled) {
          Runtime.getRuntime().addShutdownHook(
              new Thread(() -> PENDING.forEach(Sink::deleteQuietly), "envelope-remove-partial-output"));
          hookInstalled = true;
        }
      }
    }
  }
}
