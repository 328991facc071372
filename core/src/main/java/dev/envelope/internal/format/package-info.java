/**
 * Internal: the only code that reads or writes message bytes (header, frames, footer, context
 * serialization). Not exported; no compatibility promise.
 */
package dev.envelope.internal.format;
