/**
 * Data-key caching: {@link dev.envelope.cache.CachingMaterialsManager} wraps a keyring or
 * materials manager and reuses its data keys within limits of age, messages and bytes, so that a
 * remote key source (KMS, HSM) is called once per many messages. {@link dev.envelope.cache.Ticker}
 * is its injectable time source and {@link dev.envelope.cache.CacheStats} a snapshot of its
 * counters.
 *
 * <p>Read the "Security guarantees" of {@link dev.envelope.cache.CachingMaterialsManager} before
 * enabling a cache: reusing a data key trades some isolation between messages for fewer key-source
 * calls.
 */
package dev.envelope.cache;
