/**
 * Master keys in a PKCS#11 token (HSM, smart card, SoftHSM) through the JDK's SunPKCS11 provider:
 * {@link dev.envelope.pkcs11.Pkcs11Config} says where the token is, {@link
 * dev.envelope.pkcs11.Pkcs11Token} opens it and manages its keys (create, list, describe,
 * destroy), {@link dev.envelope.pkcs11.Pkcs11Keyring} wraps data keys with them in the
 * ESDK's raw AES and raw RSA layouts, {@link dev.envelope.pkcs11.Pkcs11KeyManager} puts the
 * token's keys behind the {@link dev.envelope.local.KeyManager} lifecycle API with audit and state
 * events, and {@link dev.envelope.pkcs11.Pkcs11Token#kekSource} makes a token key the KEK of
 * a {@link dev.envelope.local.LocalKeyStore}. Failures are {@link dev.envelope.pkcs11.Pkcs11Exception}s
 * with a {@link dev.envelope.KeyProviderException.Reason}.
 */
package dev.envelope.pkcs11;
