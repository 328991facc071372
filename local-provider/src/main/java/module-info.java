/**
 * Envelope local provider: keys that need no cloud. The local key store (the embedded default),
 * with key lifecycle, key policy, audit and incident-response hooks; the PKCS#11 keyring; and a
 * KMS-compatible endpoint. Depends only on core's exported API.
 */
module dev.envelope.local {
  requires transitive dev.envelope.core;
  requires com.google.crypto.tink;
  requires com.google.gson;
  requires org.bouncycastle.provider;
  requires com.sun.jna;
  requires jdk.crypto.cryptoki;
  requires jdk.httpserver;

  exports dev.envelope.local;
  exports dev.envelope.local.pkcs11;
  exports dev.envelope.local.kms;
  // dev.envelope.local.internal and dev.envelope.local.kms.internal are never exported.
}
