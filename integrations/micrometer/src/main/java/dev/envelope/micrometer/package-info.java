/**
 * Envelope's meters in Micrometer: {@link dev.envelope.micrometer.EnvelopeMetrics} is a {@code
 * MeterBinder} whose {@linkplain dev.envelope.micrometer.EnvelopeMetrics#observer() observer} an
 * {@code Envelope} and a {@code CachingMaterialsManager} report to.
 *
 * <p>Meters (tags in brackets; {@code docs/observability.md} lists them beside the OpenTelemetry
 * ones):
 *
 * <ul>
 *   <li>{@code envelope.operations}, counter [operation, suite, outcome, failure]
 *   <li>{@code envelope.operation.duration}, timer [operation, suite, outcome]
 *   <li>{@code envelope.keyring.call.duration}, timer [keyring, direction, outcome]
 *   <li>{@code envelope.cache.hits}, {@code .misses}, {@code .bypasses}, {@code .evictions},
 *       {@code .invalidations}, counters [side]
 * </ul>
 *
 * <p>Tag values come from small fixed sets (operation and suite ids, {@code success}/{@code
 * failure}, exception type names, keyring type names): no encryption-context value, plaintext,
 * key or key identifier is ever a tag, so the series count stays bounded whatever the traffic.
 */
package dev.envelope.micrometer;
