package dev.envelope.cli;

import dev.envelope.Keyring;

/**
 * One key provider's command-line options (a picocli argument group): raw keys today; the local
 * key store, PKCS#11 and KMS add theirs the same way, each as one class registered in {@link
 * KeyringOptions}.
 */
interface KeyringChoice {
  /** Builds the keyring the options describe, reading any key files. */
  Keyring keyring(Purpose purpose);
}
