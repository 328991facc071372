/**
 * The engine of the local KMS endpoint: the JSON 1.1 protocol handler, SigV4 verification, the KMS
 * operations, key policies and grants, the ciphertext blob, and the key backend interface with its
 * implementation over the local key store.
 *
 * <p>Internal: not exported by the module, no compatibility promise.
 */
package dev.envelope.localkms.internal;
