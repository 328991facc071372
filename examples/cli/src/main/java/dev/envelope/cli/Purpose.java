package dev.envelope.cli;

/** What a keyring is built for: the key material needed differs (e.g. RSA public vs private key). */
enum Purpose {
  ENCRYPT,
  DECRYPT
}
