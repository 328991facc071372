package dev.envelope.opentelemetry;

import dev.envelope.local.AuditListener;
import dev.envelope.observe.EnvelopeObserver;
import dev.envelope.opentelemetry.internal.AuditLogRecords;
import dev.envelope.opentelemetry.internal.AwsSdkInstrumentation;
import dev.envelope.opentelemetry.internal.TelemetryObserver;
import io.opentelemetry.api.OpenTelemetry;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Envelope's telemetry on an {@link OpenTelemetry} instance: an {@link EnvelopeObserver} for
 * {@code Envelope.Builder.observer(...)} (and {@code CachingMaterialsManager.Builder.observer}),
 * the AWS SDK interceptor that makes each KMS call a span, and an opt-in key-store audit listener
 * that emits log records.
 *
 * <pre>{@code
 * EnvelopeTelemetry telemetry = EnvelopeTelemetry.builder(openTelemetry)
 *     .recordContextKeys("tenant")          // optional: values of these keys may be recorded
 *     .build();
 * KmsClient kms = KmsClient.builder()
 *     .overrideConfiguration(c -> c.addExecutionInterceptor(telemetry.awsSdkInterceptor()))
 *     .build();
 * Envelope envelope = Envelope.builder()
 *     .keyring(KmsKeyring.builder().generatorKey(keyArn).kmsClient(kms).build())
 *     .observer(telemetry.observer())
 *     .build();
 * }</pre>
 *
 * <p>What is recorded: operation, suite, sizes, outcome and failure type, keyring types, key
 * provider ids, the encryption context's keys. Never plaintext or key material; context values
 * only for the keys named in {@link Builder#recordContextKeys} (none by default). Immutable and
 * thread-safe.
 */
public final class EnvelopeTelemetry {
  private final OpenTelemetry openTelemetry;
  private final Set<String> recordedContextKeys;
  private final TelemetryObserver observer;

  private EnvelopeTelemetry(Builder b) {
    this.openTelemetry = b.openTelemetry;
    this.recordedContextKeys = Set.copyOf(b.recordedContextKeys);
    this.observer = new TelemetryObserver(openTelemetry, recordedContextKeys);
  }

  /** Starts configuring telemetry on {@code openTelemetry} (an SDK, or {@link OpenTelemetry#noop()}). */
  public static Builder builder(OpenTelemetry openTelemetry) {
    return new Builder(Objects.requireNonNull(openTelemetry, "openTelemetry"));
  }

  /**
   * The observer to register on {@code Envelope.Builder.observer(...)} and on a caching materials
   * manager: spans {@code envelope.<operation>} with a child span per keyring call, and the
   * {@code envelope.operations}, {@code envelope.operation.duration}, {@code
   * envelope.keyring.duration} and {@code envelope.cache.*} metrics. One observer per telemetry
   * instance; it may be shared by any number of envelopes.
   */
  public EnvelopeObserver observer() {
    return observer;
  }

  /**
   * A new AWS SDK v2 interceptor, from the OpenTelemetry AWS SDK instrumentation, that makes each
   * call of a client it is added to a span (for KMS: {@code Kms.GenerateDataKey}, {@code
   * Kms.Decrypt}, ...) under the current span, so a keyring's KMS calls nest in its keyring-call
   * span. Add it with {@code ClientOverrideConfiguration.Builder.addExecutionInterceptor}. Needs the
   * AWS SDK on the class path (it comes with {@code envelope-kms}).
   */
  public ExecutionInterceptor awsSdkInterceptor() {
    return AwsSdkInstrumentation.interceptor(openTelemetry);
  }

  /**
   * An audit listener for the local key store ({@code LocalKeyStore.Builder.auditListener} or
   * {@code addAuditListener}) that emits each audit event as an OpenTelemetry log record (event
   * {@code envelope.keystore.audit}): operation, outcome, key id and version, caller, detail and
   * the context's keys; a context value only if the key's policy logs it <em>and</em> it is named
   * in {@link Builder#recordContextKeys}. Opt-in: the store's own audit log is unaffected. Needs
   * {@code envelope-local} on the class path.
   */
  public AuditListener auditListener() {
    return new AuditLogRecords(openTelemetry, recordedContextKeys);
  }

  /** The context keys whose values may be recorded (empty by default). */
  public Set<String> recordedContextKeys() {
    return recordedContextKeys;
  }

  @Override
  public String toString() {
    return "EnvelopeTelemetry[recordedContextKeys=" + recordedContextKeys + "]";
  }

  /** Configures {@link EnvelopeTelemetry}. Not thread-safe. */
  public static final class Builder {
    private final OpenTelemetry openTelemetry;
    private final Set<String> recordedContextKeys = new LinkedHashSet<>();
    private boolean contextKeysSet;

    private Builder(OpenTelemetry openTelemetry) {
      this.openTelemetry = openTelemetry;
    }

    /**
     * The encryption-context keys whose <em>values</em> may be recorded, as span and log-record
     * attributes {@code envelope.context.<key>} (never as metric attributes: a value per message
     * would explode the metrics' cardinality). Default: none, so only context keys are recorded.
     * Name only keys whose values are not secret, such as a tenant or table name.
     *
     * @throws IllegalStateException if called twice
     * @throws IllegalArgumentException for an empty key
     */
    public Builder recordContextKeys(String... keys) {
      if (contextKeysSet) {
        throw new IllegalStateException("recordContextKeys was already set");
      }
      for (String key : keys) {
        Objects.requireNonNull(key, "context key");
        if (key.isEmpty()) {
          throw new IllegalArgumentException("a context key to record must not be empty");
        }
        recordedContextKeys.add(key);
      }
      contextKeysSet = true;
      return this;
    }

    public EnvelopeTelemetry build() {
      return new EnvelopeTelemetry(this);
    }
  }
}
