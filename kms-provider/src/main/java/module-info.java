/**
 * Envelope's AWS KMS keyrings: strict, discovery and multi-Region-key aware, over the AWS SDK for
 * Java v2. The only Envelope module that depends on a cloud SDK.
 */
module dev.envelope.kms {
  requires transitive dev.envelope.core;
  requires transitive software.amazon.awssdk.services.kms;
  requires software.amazon.awssdk.awscore;
  requires software.amazon.awssdk.core;
  requires software.amazon.awssdk.http;
  requires software.amazon.awssdk.http.urlconnection;
  requires software.amazon.awssdk.regions;

  exports dev.envelope.kms;
}
