/** The adapter's implementation: not exported, may change in any release. */
package dev.envelope.opentelemetry.internal;
