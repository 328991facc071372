/**
 * A local endpoint speaking the AWS KMS API (JSON 1.1 protocol, SigV4) over the local key store,
 * for offline development and as the KMS of tests: {@link dev.envelope.localkms.LocalKmsServer} (builder, {@code main}), {@link
 * dev.envelope.localkms.KmsCredentials} (who may call), {@link
 * dev.envelope.localkms.KmsOperation} (what it implements, for call counts) and {@link
 * dev.envelope.localkms.KmsFaults} (throttling, errors, dropped connections and latency on
 * demand).
 */
package dev.envelope.localkms;
