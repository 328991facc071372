/**
 * AWS KMS keyrings over the AWS SDK for Java v2, wire-compatible with the AWS Encryption SDK's.
 *
 * <ul>
 *   <li>{@link dev.envelope.kms.KmsKeyring}: encrypts under a generator key and additional keys
 *       (in parallel) and decrypts only with those keys; optionally multi-Region aware.
 *   <li>{@link dev.envelope.kms.KmsDiscoveryKeyring}: decrypts with the key a message names,
 *       limited by a {@link dev.envelope.kms.DiscoveryFilter} and regions; optionally
 *       multi-Region aware.
 *   <li>{@link dev.envelope.kms.KmsClientSupplier}: the client for a region; by default one per
 *       region, built on first use. A region is never guessed.
 *   <li>{@link dev.envelope.kms.KmsProviderException}: every KMS failure, with a {@link
 *       dev.envelope.KeyProviderException.Reason}, the KMS error code and request id.
 * </ul>
 *
 * Spec: {@code keyrings.md} §6 (the ESDK specification's framework/aws-kms/*).
 */
package dev.envelope.kms;
