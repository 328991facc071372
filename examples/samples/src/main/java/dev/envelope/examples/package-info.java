/**
 * Runnable samples of the Envelope API, each a small class with a {@code main}: {@link
 * dev.envelope.examples.RawAesExample}, {@link dev.envelope.examples.MultiKeyringExample}, {@link
 * dev.envelope.examples.StreamingLargeFileExample}, {@link dev.envelope.examples.CachingExample},
 * {@link dev.envelope.examples.KeyStoreRotationExample} and {@link
 * dev.envelope.examples.Pkcs11Example}. Each is run by a test in CI, so they stay correct.
 */
package dev.envelope.examples;
