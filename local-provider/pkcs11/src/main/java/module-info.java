/**
 * Envelope's PKCS#11 support: a keyring whose AES-GCM and RSA operations run inside an HSM token,
 * and a key manager for token keys. Built on the JDK's SunPKCS11 provider; JNA reads token labels.
 */
module dev.envelope.pkcs11 {
  requires transitive dev.envelope.local;
  requires com.google.gson;
  requires org.bouncycastle.provider;
  requires com.sun.jna;
  requires jdk.crypto.cryptoki;

  exports dev.envelope.pkcs11;
}
