package dev.envelope.examples;

import dev.envelope.DecryptingStream;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.keyring.RawAesKeyring;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Encrypts a file of any size to another file and back in constant memory, with the stream API.
 * Only one frame (64 KiB here) is held at a time, whatever the file's size.
 *
 * <p>Run: {@code java -cp "examples/samples/target/classes:examples/samples/target/lib/*" dev.envelope.examples.StreamingLargeFileExample [MiB]}
 * (default 256 MiB, in a temporary directory that is removed afterwards).
 */
public final class StreamingLargeFileExample {
  private StreamingLargeFileExample() {}

  public static void main(String[] args) throws IOException, NoSuchAlgorithmException {
    long mebibytes = args.length > 0 ? Long.parseLong(args[0]) : 256;
    Path dir = Files.createTempDirectory("envelope-streaming-");
    try {
      run(dir, mebibytes << 20, System.out);
    } finally {
      for (String name : new String[] {"large.bin", "large.bin.env", "large.bin.out"}) {
        Files.deleteIfExists(dir.resolve(name));
      }
      Files.deleteIfExists(dir);
    }
  }

  /**
   * Writes a file of {@code size} random bytes in {@code dir}, encrypts it, decrypts it again and
   * checks the result.
   *
   * @return the SHA-256 of the decrypted file, equal to that of the original
   */
  public static String run(Path dir, long size, PrintStream out) throws IOException, NoSuchAlgorithmException {
    Path original = dir.resolve("large.bin");
    Path encrypted = dir.resolve("large.bin.env");
    Path decrypted = dir.resolve("large.bin.out");
    String originalDigest = writeRandomFile(original, size);

    byte[] keyBytes = new byte[32];
    new SecureRandom().nextBytes(keyBytes);
    RawAesKeyring keyring = RawAesKeyring.builder()
        .keyNamespace("examples").keyName("backup-key").wrappingKey(keyBytes).build();
    Arrays.fill(keyBytes, (byte) 0);
    Envelope envelope = Envelope.builder().keyring(keyring).frameSize(64 * 1024).build();
    EncryptionContext context = EncryptionContext.of("file", original.getFileName().toString());

    // Encrypt: closing the encrypting stream writes the final frame and the signature.
    try (InputStream in = Files.newInputStream(original);
        OutputStream sink = Files.newOutputStream(encrypted);
        OutputStream encrypting = envelope.encryptingStream(sink, context)) {
      in.transferTo(encrypting);
    }
    out.println("encrypted " + size + " bytes into " + Files.size(encrypted) + " bytes");

    // Decrypt to a temporary name and move it into place only once the stream reached its
    // verified end: a failure part-way leaves no half-written plaintext under the final name.
    Path partial = dir.resolve("large.bin.out.part");
    try (InputStream source = Files.newInputStream(encrypted);
        DecryptingStream plaintext = envelope.decryptingStream(source, context);
        OutputStream sink = Files.newOutputStream(partial)) {
      plaintext.transferTo(sink);
      if (!plaintext.isComplete()) {
        throw new IllegalStateException("the message did not reach its verified end");
      }
    } catch (RuntimeException | IOException e) {
      Files.deleteIfExists(partial);
      throw e;
    }
    Files.move(partial, decrypted, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

    String decryptedDigest = sha256(decrypted);
    if (!decryptedDigest.equals(originalDigest)) {
      throw new IllegalStateException("the decrypted file differs from the original");
    }
    out.println("decrypted back, SHA-256 matches: " + decryptedDigest);
    return decryptedDigest;
  }

  private static String writeRandomFile(Path file, long size) throws IOException, NoSuchAlgorithmException {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    SecureRandom random = new SecureRandom();
    byte[] chunk = new byte[1 << 20];
    try (OutputStream o = Files.newOutputStream(file)) {
      for (long left = size; left > 0; ) {
        int n = (int) Math.min(chunk.length, left);
        random.nextBytes(chunk);
        o.write(chunk, 0, n);
        sha.update(chunk, 0, n);
        left -= n;
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}
