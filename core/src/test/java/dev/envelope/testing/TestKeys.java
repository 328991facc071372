package dev.envelope.testing;

import dev.envelope.Keyring;
import dev.envelope.keyring.RawAesKeyring;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * Public, fixed test keys. Never use them for real data.
 *
 * <p>The RSA key pair is generated once per JVM on first use (about a second for 2048 bits), so
 * tests that need RSA share it instead of paying for their own.
 */
public final class TestKeys {
  /** The namespace every test keyring uses unless a test needs another. */
  public static final String NAMESPACE = "envelope-test";

  private TestKeys() {}

  /** {@code 00 01 02 …} of the given length (16, 24 or 32 for AES keys). */
  public static byte[] sequentialKey(int length) {
    byte[] key = new byte[length];
    for (int i = 0; i < length; i++) {
      key[i] = (byte) i;
    }
    return key;
  }

  /** A raw AES-256 keyring over {@link #sequentialKey(int) sequentialKey(32)}. */
  public static RawAesKeyring aes256Keyring() {
    return RawAesKeyring.builder()
        .keyNamespace(NAMESPACE)
        .keyName("aes-256")
        .wrappingKey(sequentialKey(32))
        .build();
  }

  /** A keyring for any suite with a fixed all-0x42 data key, accepting any message. */
  public static Keyring staticKeyring() {
    byte[] key = new byte[32];
    java.util.Arrays.fill(key, (byte) 0x42);
    return StaticKeyring.injecting(key);
  }

  /** One RSA-2048 key pair for the whole JVM. */
  public static KeyPair rsa2048() {
    return Rsa.PAIR;
  }

  private static final class Rsa {
    static final KeyPair PAIR = generate();

    private static KeyPair generate() {
      try {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048, new SecureRandom());
        return generator.generateKeyPair();
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("the JDK lacks RSA", e);
      }
    }
  }
}
