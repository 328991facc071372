/**
 * Internal: JCA access, HKDF, per-message key derivation, EC keys. Not exported; no compatibility
 * promise.
 */
package dev.envelope.internal.crypto;
