/**
 * Envelope's test kit, for applications' own tests (a test-scope dependency, never needed at run
 * time): {@link dev.envelope.testkit.EnvelopeContract}, the properties an application points at its
 * own {@code Envelope} configuration, and {@link dev.envelope.testkit.EnvelopeAssertions}, the
 * checks behind them. JUnit 5 extensions live in {@link dev.envelope.testkit.junit}, jqwik
 * arbitraries in {@link dev.envelope.testkit.arbitraries}.
 *
 * <p>The kit runs on the test class path; its {@code internal} package has no compatibility promise.
 */
package dev.envelope.testkit;
