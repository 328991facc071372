/**
 * Internal: how Envelope reports to an {@link dev.envelope.observe.EnvelopeObserver}. An
 * operation's {@link dev.envelope.internal.observe.Observation} is current on its thread while the
 * operation runs synchronously, so code that calls keyrings reports them without being handed it.
 * Nothing here runs unless an observer was registered. Not an API.
 */
package dev.envelope.internal.observe;
