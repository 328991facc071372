/**
 * JUnit 5 extensions that start and stop what an application's tests need, per test class or per
 * test ({@link dev.envelope.testkit.junit.Lifecycle}), and inject it as parameters:
 *
 * <ul>
 *   <li>{@link dev.envelope.testkit.junit.KmsExtension} ({@code @WithLocalKms}): a local KMS
 *       endpoint with a fresh key: endpoint URI, a configured AWS SDK v2 {@code KmsClient}, the key
 *       ARN ({@code @KmsKeyArn String});
 *   <li>{@link dev.envelope.testkit.junit.KeyStoreExtension} ({@code @WithTempKeyStore}): a
 *       throwaway local key store: the {@code LocalKeyStore}, its directory ({@code
 *       @KeyStoreDirectory Path}), a ready key's alias ({@code @KeyAlias String});
 *   <li>{@link dev.envelope.testkit.junit.SoftHsmExtension} ({@code @WithSoftHsm}): a SoftHSM2
 *       token with an AES key and an RSA key pair; skipped when SoftHSM2 is missing unless the
 *       build requires it.
 * </ul>
 *
 * Each extension's fixture ({@code KmsFixture}, {@code KeyStoreFixture}, {@code SoftHsmFixture})
 * can also be started and closed by hand, e.g. in a jqwik container's {@code @BeforeContainer}.
 */
package dev.envelope.testkit.junit;
