package dev.envelope.cli;

import dev.envelope.Keyring;

/**
 * One key provider's command-line options (a picocli argument group): raw keys, the local key
 * store, PKCS#11, AWS KMS. Each is one class registered in {@link KeyringOptions}.
 */
interface KeyringChoice {
  /**
   * Builds the keyring the options describe, reading key files and secrets.
   *
   * @param purpose what the keyring is for (an RSA key needs its public or its private half)
   * @param io where secrets given by environment variable are read
   * @param resources where to register what must be closed when the command ends
   */
  Keyring keyring(Purpose purpose, Io io, Resources resources);
}
