/**
 * OpenTelemetry for Envelope: {@link dev.envelope.opentelemetry.EnvelopeTelemetry} turns what an
 * {@code Envelope} reports to its {@link dev.envelope.observe.EnvelopeObserver} into spans ({@code
 * envelope.encrypt}, {@code envelope.decrypt}, ...) with child spans for keyring calls, and into
 * the metrics {@code envelope.operations}, {@code envelope.operation.duration} and {@code
 * envelope.cache.*}; AWS KMS calls become spans through the OpenTelemetry AWS SDK instrumentation;
 * the local key store's audit events may go out as log records. docs/observability.md lists every
 * name and attribute.
 *
 * <p>Never recorded: plaintext, key material, and encryption-context values other than those of
 * the keys named in {@link dev.envelope.opentelemetry.EnvelopeTelemetry.Builder#recordContextKeys}.
 */
package dev.envelope.opentelemetry;
