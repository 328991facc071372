/**
 * Envelope's OpenTelemetry adapter: operations, keyring calls and cache events as spans and
 * metrics, AWS KMS calls through the OpenTelemetry AWS SDK instrumentation, and key-store audit
 * events as log records. Depends on the OpenTelemetry API only (the application brings the SDK).
 */
module dev.envelope.opentelemetry {
  requires transitive dev.envelope.core;
  requires transitive io.opentelemetry.api;
  requires io.opentelemetry.context;
  requires io.opentelemetry.instrumentation.aws_sdk_2_2;
  // awsSdkInterceptor() and auditListener(): only for applications that have the AWS SDK (through
  // envelope-kms) or the local key store.
  requires static transitive software.amazon.awssdk.core;
  requires static transitive dev.envelope.local;

  exports dev.envelope.opentelemetry;
}
