/**
 * The local key store: Envelope's embedded default key source, needing no HSM and no cloud.
 *
 * <ul>
 *   <li>{@link dev.envelope.local.LocalKeyStore}: versioned AES-256 master keys in a directory,
 *       sealed under a KEK ({@link dev.envelope.local.KekSource}); small-blob encrypt, decrypt,
 *       generate-data-key and re-encrypt for a KMS-compatible endpoint.
 *   <li>{@link dev.envelope.local.LocalKeyring}: the Envelope keyring over one store key, writing
 *       ESDK raw-AES-compatible encrypted data keys named {@code <keyId>/v<version>}.
 *   <li>{@link dev.envelope.local.KeyManager}: key lifecycle (create, list, describe, rotate,
 *       disable, enable, schedule and cancel destruction, destroy, policy).
 *   <li>{@link dev.envelope.local.KeyPolicy}: per-key operations, caller grants and encryption
 *       context conditions.
 *   <li>{@link dev.envelope.local.AuditListener}, {@link dev.envelope.local.AuditLog}: the audit
 *       SPI and the default hash-chained JSON-lines log, kept in segments that verify as one chain
 *       and pruned whole behind a MAC'd retention anchor ({@link
 *       dev.envelope.local.LocalKeyStore#pruneAuditLogBeforeSegment}, {@link
 *       dev.envelope.local.AuditPruneResult}).
 *   <li>{@link dev.envelope.local.KeyStateListener}: the incident-response hook; {@link
 *       dev.envelope.local.KeyStateListener#purging} purges a data-key cache.
 * </ul>
 */
package dev.envelope.local;
