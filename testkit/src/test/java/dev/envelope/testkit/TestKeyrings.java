package dev.envelope.testkit;

import dev.envelope.keyring.RawAesKeyring;
import java.security.SecureRandom;

/** Keyrings for the kit's own tests. */
public final class TestKeyrings {
  private TestKeyrings() {}

  /** A raw AES-256 keyring over a random key. */
  public static RawAesKeyring randomAes() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return RawAesKeyring.builder().keyNamespace("testkit-tests").keyName("aes").wrappingKey(key).build();
  }
}
