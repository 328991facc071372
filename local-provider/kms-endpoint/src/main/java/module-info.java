/**
 * A KMS-compatible HTTP endpoint over the local key store, for development and tests, and a JUnit 5
 * extension that starts one per test class. Not a key service for production.
 */
@SuppressWarnings("module") // the optional JUnit and AWS SDK modules of dev.envelope.localkms.junit
module dev.envelope.localkms {
  requires transitive dev.envelope.local;
  requires com.google.gson;

  // dev.envelope.localkms.junit only; a test that uses the extension has them already.
  requires static org.junit.jupiter.api;
  requires static software.amazon.awssdk.services.kms;
  requires static software.amazon.awssdk.auth;
  requires static software.amazon.awssdk.awscore;
  requires static software.amazon.awssdk.regions;
  requires static software.amazon.awssdk.core;
  requires static software.amazon.awssdk.identity.spi;
  requires static software.amazon.awssdk.http;
  requires static software.amazon.awssdk.http.apache5;

  exports dev.envelope.localkms;
  exports dev.envelope.localkms.junit;
}
