package dev.envelope.internal.crypto;

import dev.envelope.AlgorithmSuite.Signing;
import java.security.KeyPair;

/**
 * Per-message ECDSA key pairs for signing suites. Each pair is used for exactly one set of
 * materials and never reused.
 */
public final class SigningKeys {
  private SigningKeys() {}

  /** A fresh key pair on the curve of {@code signing}. */
  public static KeyPair next(Signing signing) {
    return EcKeys.generate(signing);
  }
}
