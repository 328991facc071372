package dev.envelope.local.contract;

import dev.envelope.local.LocalKeyStore;
import java.nio.file.Path;

/** A key store home in a directory (which need not exist yet). */
public final class DirectoryHomeFixture implements StoreHomeFixture {
  private final Path directory;

  public DirectoryHomeFixture(Path directory) {
    this.directory = directory;
  }

  public Path directory() {
    return directory;
  }

  @Override
  public LocalKeyStore.Builder builder() {
    return LocalKeyStore.builder(directory);
  }

  @Override
  public String location() {
    return directory.toString();
  }

  @Override
  public void close() {
    // The test's temporary directory is removed by JUnit.
  }

  @Override
  public String toString() {
    return "directory " + directory;
  }
}
