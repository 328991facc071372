/**
 * Runnable samples of the Envelope API, each a small class with a {@code main}: {@link
 * dev.envelope.examples.RawAesExample}, {@link dev.envelope.examples.MultiKeyringExample}, {@link
 * dev.envelope.examples.StreamingLargeFileExample}. Each is run by a test in CI, so they stay
 * correct.
 */
package dev.envelope.examples;
