/**
 * jqwik arbitraries for Envelope: encryption contexts (Unicode, edge lengths, never the reserved
 * {@code aws-crypto-} prefix), every algorithm suite and frame size, plaintexts of interesting
 * sizes, and message tamperings that must all fail to decrypt. Start at {@link
 * dev.envelope.testkit.arbitraries.EnvelopeArbitraries}.
 */
package dev.envelope.testkit.arbitraries;
