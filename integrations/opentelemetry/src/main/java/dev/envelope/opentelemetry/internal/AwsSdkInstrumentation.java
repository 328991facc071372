package dev.envelope.opentelemetry.internal;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.instrumentation.awssdk.v2_2.AwsSdkTelemetry;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * The AWS SDK v2 interceptor of the OpenTelemetry instrumentation library (not written here). A
 * class of its own so that the AWS SDK's classes load only when an interceptor is asked for.
 */
public final class AwsSdkInstrumentation {
  private AwsSdkInstrumentation() {}

  /** A new interceptor reporting to {@code openTelemetry}, request and response bodies not captured. */
  public static ExecutionInterceptor interceptor(OpenTelemetry openTelemetry) {
    return AwsSdkTelemetry.create(openTelemetry).createExecutionInterceptor();
  }
}
