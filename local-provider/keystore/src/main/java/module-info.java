/**
 * Envelope's local key store, the embedded default: versioned master keys sealed under a
 * key-encryption key, with key lifecycle, key policy, an audit trail and incident-response hooks.
 * Depends only on core's exported API, Tink, Gson and Bouncy Castle.
 */
module dev.envelope.local {
  requires transitive dev.envelope.core;
  requires com.google.crypto.tink;
  requires com.google.gson;
  requires org.bouncycastle.provider;

  exports dev.envelope.local;
  // The token key manager keeps its records, lock and audit trail the way the key store does; the
  // KMS endpoint writes its state file and holds its directory lock with the same classes; the
  // PostgreSQL home implements StoreHome and AuditStore.
  exports dev.envelope.local.internal to dev.envelope.pkcs11, dev.envelope.localkms, dev.envelope.local.postgresql;
}
