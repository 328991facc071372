package dev.envelope.local;

import java.nio.file.Path;

/**
 * The child process of {@link CrashSafetyTest}: opens the store and rotates one key as fast as it
 * can until it is killed. Prints {@code ready} once the store is open.
 */
public final class RotatingWriter {
  private RotatingWriter() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    String key = args[1];
    try (LocalKeyStore store = Fixtures.store(dir).callerLabel("rotating-writer").open()) {
      System.out.println("ready");
      System.out.flush();
      while (true) {
        store.rotateKey(key);
      }
    }
  }
}
