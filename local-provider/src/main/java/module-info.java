/**
 * Envelope local provider: keys without a cloud, and a KMS-compatible endpoint over them.
 */
module dev.envelope.local {
  requires dev.envelope.core;
  requires jdk.httpserver;
  requires com.google.gson;

  exports dev.envelope.local.kms;
}
