/**
 * Observing Envelope without trusting the observer with secrets: an {@link
 * dev.envelope.observe.EnvelopeObserver} registered on {@code Envelope.Builder} (and on {@code
 * CachingMaterialsManager.Builder} for cache events) hears when each operation begins and ends,
 * each keyring call with its duration and outcome, and each cache hit, miss, eviction and
 * invalidation.
 *
 * <h2>What an observer is told, and what never</h2>
 *
 * <ul>
 *   <li>Told: the operation, whether it streams, the algorithm suite, sizes, the number of
 *       encrypted data keys and their key provider ids, the <em>keys</em> of the encryption
 *       context, durations, the outcome and, on failure, the exception's type (never its message).
 *   <li>Never told: plaintext, key material, or encryption-context <em>values</em>, except the
 *       values of context keys the observer names in {@link
 *       dev.envelope.observe.EnvelopeObserver#recordedContextKeys()} (an explicit allow-list).
 * </ul>
 *
 * <p>Adapters for OpenTelemetry ({@code envelope-opentelemetry}) and Micrometer ({@code
 * envelope-micrometer}) implement this interface; an application may implement it directly. With
 * no observer registered, Envelope does no observation work at all.
 *
 * <p>Observers are called on the thread doing the work, synchronously: they must be fast,
 * thread-safe and must not throw. An exception thrown by an observer is caught, never changes the
 * operation's outcome, and is not reported further.
 */
package dev.envelope.observe;
