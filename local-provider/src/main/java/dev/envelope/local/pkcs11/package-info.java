/**
 * Master keys in a PKCS#11 token (HSM, smart card, SoftHSM) through the JDK's SunPKCS11 provider:
 * {@link dev.envelope.local.pkcs11.Pkcs11Config} says where the token is, {@link
 * dev.envelope.local.pkcs11.Pkcs11Token} opens it and manages its keys (create, list, describe,
 * destroy), and {@link dev.envelope.local.pkcs11.Pkcs11Keyring} wraps data keys with them in the
 * ESDK's raw AES and raw RSA layouts. Failures are {@link dev.envelope.local.pkcs11.Pkcs11Exception}s
 * with a {@link dev.envelope.local.pkcs11.Pkcs11Exception.Reason}.
 */
package dev.envelope.local.pkcs11;
