/**
 * Keyrings over keys the application holds, wire-compatible with the AWS Encryption SDK's raw
 * keyrings, and {@link dev.envelope.keyring.MultiKeyring} to combine any keyrings.
 */
package dev.envelope.keyring;
