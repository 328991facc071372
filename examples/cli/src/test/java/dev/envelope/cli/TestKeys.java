package dev.envelope.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Base64;

/** Key files for CLI tests: raw AES keys and an RSA key pair as PEM, written into a directory. */
final class TestKeys {
  /** One RSA key pair for the whole test run: generating them is slow. */
  static final KeyPair RSA = rsa(2048);

  private static final SecureRandom RANDOM = new SecureRandom();

  private TestKeys() {}

  static KeyPair rsa(int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(bits);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  /** Writes {@code n} random bytes to {@code dir/name} and returns the path. */
  static Path aesKeyFile(Path dir, String name, int n) {
    return write(dir.resolve(name), randomBytes(n));
  }

  static Path publicPem(Path dir) {
    return write(dir.resolve("rsa-public.pem"), pem("PUBLIC KEY", RSA.getPublic().getEncoded()));
  }

  static Path privatePem(Path dir) {
    return write(dir.resolve("rsa-private.pem"), pem("PRIVATE KEY", RSA.getPrivate().getEncoded()));
  }

  static byte[] pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  static Path write(Path path, byte[] bytes) {
    try {
      return Files.write(path, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
