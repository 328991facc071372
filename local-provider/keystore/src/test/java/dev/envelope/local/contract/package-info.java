/**
 * The key store's contract: what a {@code LocalKeyStore} does whatever home keeps its state.
 * Each abstract {@code *Contract} class gets a fresh home per test from {@link
 * dev.envelope.local.contract.StoreHomeFixture}; every home runs every contract class through a
 * thin subclass ({@code DirectoryStoreContractTest} in this module, {@code
 * PostgresStoreContractTest} in keystore-postgresql). A home that behaves differently from the
 * directory home in one of these tests has a bug.
 *
 * <p>Tests that stay with the directory home ({@code dev.envelope.local}), because what they
 * check is the directory's own bytes or mechanisms, which another home does not have (the
 * PostgreSQL home has its own, in {@code PostgresIntegrityTest}, {@code PostgresMultiProcessTest}
 * and the like):
 *
 * <ul>
 *   <li>{@code OwnerOnlyTest}: file and directory permissions (0600/0700);
 *   <li>{@code CrashSafetyTest}, {@code TortureTest}, {@code KekRaceAttackTest}: processes killed
 *       mid-write, torn files, the directory lock across processes;
 *   <li>{@code RollbackAttackTest} and the key-file parts of {@code MinDecryptionVersionTest}:
 *       old key files and manifests copied back into the directory;
 *   <li>{@code AuditLogTest}, {@code KeyedAuditAttackTest}: the {@code audit.log} file's bytes
 *       (edited, torn, re-chained, copied from another store) and {@code AuditLog.verify/read(Path)};
 *   <li>{@code KekSourceTest}, {@code SaferApiTest}: KDF parameters as recorded in (and tampered
 *       with in) {@code store.json}, edited key files, and value checks of {@code KekSource};
 *   <li>{@code ChangeKekTest}: the swap of the {@code keys} directory and a leftover staging
 *       directory; {@code KeyLifecycleTest}: no key bytes in any file, the keyset gone from a
 *       destroyed key's file;
 *   <li>{@code InteropTest}: the AWS Encryption SDK reading exported keys (a test dependency of
 *       this module only; exporting itself is {@code ExportContract}) and the EXPORT record's bytes
 *       in {@code audit.log};
 *   <li>{@code BlobRoundTripPropertyTest}, {@code PolicyDenialPropertyTest}: the blob format and
 *       policy evaluation, the same code whatever the home (a thousand tries each, too slow to
 *       repeat against a database).
 * </ul>
 */
package dev.envelope.local.contract;
