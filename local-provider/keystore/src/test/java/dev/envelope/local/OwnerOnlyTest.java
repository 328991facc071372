package dev.envelope.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.envelope.EncryptionContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security review finding 3 as an attack: another local user reading the sealed keys, the audit
 * log, or holding a lock file. Every directory must be 0700 and every file (lock files too) 0600,
 * and a store others can access must be refused with a message that says which chmod fixes it.
 */
class OwnerOnlyTest {
  @TempDir Path tmp;
  Path dir;

  @BeforeEach
  void posixOnly() {
    assumeTrue(tmp.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
    dir = tmp.resolve("store");
  }

  private void populate() {
    try (LocalKeyStore store = Fixtures.store(dir).create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
      store.encrypt("k", new byte[] {1}, EncryptionContext.empty());
    }
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void create_everyDirectoryAndFile_isOwnerOnly() throws Exception {
    // Even a directory the user made world-readable beforehand becomes the store's own.
    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    populate();

    List<Path> all;
    try (Stream<Path> s = Files.walk(dir)) {
      all = s.collect(Collectors.toList());
    }
    assertTrue(all.stream().anyMatch(p -> p.getFileName().toString().equals(".store.lock")), all.toString());
    assertTrue(all.stream().anyMatch(p -> p.getFileName().toString().equals(".audit.log.lock")), all.toString());
    assertTrue(all.stream().anyMatch(p -> p.getFileName().toString().equals("manifest.json")), all.toString());
    for (Path p : all) {
      assertEquals(Files.isDirectory(p) ? "rwx------" : "rw-------", mode(p), p.toString());
    }
  }

  @Test
  void open_groupReadableDirectory_failsSayingWhichChmodFixesIt() throws Exception {
    populate();
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));

    KeyStorePermissionException e = assertThrows(KeyStorePermissionException.class, () -> Fixtures.store(dir).open());

    assertTrue(e.getMessage().contains("chmod 700 " + dir), e.getMessage());
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    Fixtures.store(dir).open().close();
  }

  @Test
  void open_worldReadableStoreFileKeyFileOrAuditLog_fails() throws Exception {
    populate();
    Path keyFile;
    try (Stream<Path> s = Files.list(dir.resolve("keys"))) {
      keyFile = s.filter(p -> !p.getFileName().toString().equals("manifest.json")).findFirst().orElseThrow();
    }
    for (Path file : List.of(dir.resolve("store.json"), keyFile, dir.resolve("audit-000001.log"), dir.resolve(".store.lock"))) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

      KeyStorePermissionException e =
          assertThrows(KeyStorePermissionException.class, () -> Fixtures.store(dir).open(), file.toString());

      assertTrue(e.getMessage().contains("chmod 600 " + file), e.getMessage());
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
    Fixtures.store(dir).open().close();
  }

  @Test
  void open_otherToolsFilesInTheDirectory_areNotTheStoresToJudge() throws Exception {
    populate();
    // The local KMS endpoint keeps its own lock and state next to the store.
    Files.writeString(dir.resolve(".kms-server.lock"), "");
    Files.setPosixFilePermissions(dir.resolve(".kms-server.lock"), PosixFilePermissions.fromString("rw-r--r--"));

    Fixtures.store(dir).open().close();
  }

  @Test
  void openOrCreate_missingParent_failsInsteadOfCreatingIt() {
    Path typo = tmp.resolve("no-such-parent").resolve("store");

    KeyStoreNotFoundException e =
        assertThrows(KeyStoreNotFoundException.class, () -> Fixtures.store(typo).openOrCreate());

    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    assertTrue(Files.notExists(tmp.resolve("no-such-parent")));
  }
}
