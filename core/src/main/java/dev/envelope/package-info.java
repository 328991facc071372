/**
 * The Envelope API: {@link dev.envelope.Envelope} encrypts and decrypts messages in the AWS
 * Encryption SDK format; {@link dev.envelope.Keyring} and {@link dev.envelope.MaterialsManager} are
 * the extension points; {@link dev.envelope.EncryptionContext}, {@link dev.envelope.DataKey} and the
 * materials are immutable values; {@link dev.envelope.EnvelopeException} roots every failure.
 *
 * <h2>Key management in one paragraph</h2>
 *
 * Each message is encrypted under a fresh data key. The data key is wrapped by one or more master
 * keys (raw keys the application holds, a PKCS#11 token, the local key store, AWS KMS), and every
 * wrapped copy is stored in the message header. Decryption asks a keyring to unwrap one copy, so
 * master keys never touch the data and never leave their home in plaintext.
 *
 * <h2>Compatibility</h2>
 *
 * Messages are byte-compatible with the AWS Encryption SDK: Envelope reads every format version 1
 * and 2 message the ESDK writes, and the ESDK reads what Envelope writes, for all eleven suites.
 * Semantic versioning covers the exported packages {@code dev.envelope}, {@code
 * dev.envelope.keyring}, {@code dev.envelope.materials} and {@code dev.envelope.cache}.
 */
package dev.envelope;
