/**
 * Internals of the KMS keyrings: identifier parsing and multi-Region key matching, the KMS call
 * runner (client selection, timeouts, parallel wrapping) and the mapping of SDK failures to {@link
 * dev.envelope.kms.KmsProviderException}.
 *
 * <p>Not exported by the module; no compatibility promise.
 */
package dev.envelope.kms.internal;
