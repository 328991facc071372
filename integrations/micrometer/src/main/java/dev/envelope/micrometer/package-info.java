/**
 * Envelope's meters in Micrometer: {@link dev.envelope.micrometer.EnvelopeMetrics} is a {@code
 * MeterBinder} whose {@linkplain dev.envelope.micrometer.EnvelopeMetrics#observer() observer} an
 * {@code Envelope} and a {@code CachingMaterialsManager} report to.
 *
 * <p>Meters (tags in brackets), named as {@code envelope-opentelemetry} names its metrics, so a
 * dashboard reads either ({@code docs/observability.md}):
 *
 * <ul>
 *   <li>{@code envelope.operations}, counter [operation, suite ({@code unknown} before the suite
 *       was read), outcome]
 *   <li>{@code envelope.operation.duration}, timer [operation, suite, outcome]
 *   <li>{@code envelope.keyring.duration}, timer [keyring, direction, outcome]
 *   <li>{@code envelope.cache.hits}, {@code .misses}, {@code .bypasses}, {@code .evictions},
 *       {@code .invalidations}, counters [side]
 * </ul>
 *
 * <p>Tag values come from small fixed sets (operation and suite ids, {@code success}/{@code
 * failure}, keyring type names): no encryption-context value, plaintext,
 * key or key identifier is ever a tag, so the series count stays bounded whatever the traffic.
 */
package dev.envelope.micrometer;
