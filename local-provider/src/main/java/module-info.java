/**
 * Envelope local provider: keys that need no cloud. The local key store (the embedded default),
 * with key lifecycle, key policy, audit and incident-response hooks; the PKCS#11 keyring; and a
 * KMS-compatible endpoint over the key store. Depends only on core's exported API.
 */
module dev.envelope.local {
  requires transitive dev.envelope.core;
  requires com.google.crypto.tink;
  requires com.google.gson;
  requires org.bouncycastle.provider;
  requires com.sun.jna;
  requires jdk.crypto.cryptoki;

  exports dev.envelope.local;
  exports dev.envelope.local.pkcs11;
  // dev.envelope.local.kms is added by its owner.
  // dev.envelope.local.internal (and subpackages) is never exported.
}
