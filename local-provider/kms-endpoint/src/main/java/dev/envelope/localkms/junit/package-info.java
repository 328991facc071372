/**
 * JUnit 5 support for tests that need a KMS: {@link dev.envelope.localkms.junit.LocalKmsExtension}
 * starts a {@link dev.envelope.localkms.LocalKmsServer} once per test class and injects a {@link
 * dev.envelope.localkms.junit.LocalKms}, which hands out AWS SDK v2 clients pointed at it.
 *
 * <p>JUnit Jupiter's API, the AWS SDK's KMS client and its Apache 5 HTTP client are optional
 * dependencies of this artifact: a test that uses this package must have them on its class path.
 */
package dev.envelope.localkms.junit;
