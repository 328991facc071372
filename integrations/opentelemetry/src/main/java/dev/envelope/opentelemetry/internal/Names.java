package dev.envelope.opentelemetry.internal;

import io.opentelemetry.api.common.AttributeKey;
import java.util.List;

/** Every span, metric, event and attribute name the adapter writes (docs/observability.md lists them). */
public final class Names {
  private Names() {}

  /** The instrumentation scope of every tracer, meter and logger of the adapter. */
  public static final String SCOPE = "dev.envelope.opentelemetry";

  public static final String SPAN_PREFIX = "envelope.";
  public static final String KEYRING_SPAN_PREFIX = "envelope.keyring.";

  public static final String OPERATIONS = "envelope.operations";
  public static final String OPERATION_DURATION = "envelope.operation.duration";
  public static final String KEYRING_DURATION = "envelope.keyring.duration";
  public static final String CACHE_PREFIX = "envelope.cache.";
  public static final String AUDIT_EVENT = "envelope.keystore.audit";

  /** Prefix of the allow-listed context values: {@code envelope.context.<key>}. */
  public static final String CONTEXT_VALUE_PREFIX = "envelope.context.";

  // Span attributes.
  public static final AttributeKey<String> OPERATION = AttributeKey.stringKey("envelope.operation");
  public static final AttributeKey<Boolean> STREAMING = AttributeKey.booleanKey("envelope.streaming");
  public static final AttributeKey<String> SUITE = AttributeKey.stringKey("envelope.suite");
  public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("envelope.outcome");
  public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  public static final AttributeKey<Long> PLAINTEXT_SIZE = AttributeKey.longKey("envelope.plaintext.size");
  public static final AttributeKey<Long> MESSAGE_SIZE = AttributeKey.longKey("envelope.message.size");
  public static final AttributeKey<List<String>> CONTEXT_KEYS =
      AttributeKey.stringArrayKey("envelope.context.keys");
  public static final AttributeKey<Long> EDK_COUNT = AttributeKey.longKey("envelope.edk.count");
  public static final AttributeKey<List<String>> KEY_PROVIDER_IDS =
      AttributeKey.stringArrayKey("envelope.key_provider.ids");
  public static final AttributeKey<String> KEYRING = AttributeKey.stringKey("envelope.keyring");
  public static final AttributeKey<String> DIRECTION = AttributeKey.stringKey("envelope.keyring.direction");

  // Metric attributes: few values each (no identifiers, no context).
  public static final AttributeKey<String> M_OPERATION = AttributeKey.stringKey("operation");
  public static final AttributeKey<String> M_SUITE = AttributeKey.stringKey("suite");
  public static final AttributeKey<String> M_OUTCOME = AttributeKey.stringKey("outcome");
  public static final AttributeKey<String> M_KEYRING = AttributeKey.stringKey("keyring");
  public static final AttributeKey<String> M_DIRECTION = AttributeKey.stringKey("direction");
  public static final AttributeKey<String> M_SIDE = AttributeKey.stringKey("side");

  // Audit log-record attributes.
  public static final AttributeKey<String> AUDIT_OPERATION =
      AttributeKey.stringKey("envelope.audit.operation");
  public static final AttributeKey<String> AUDIT_OUTCOME = AttributeKey.stringKey("envelope.audit.outcome");
  public static final AttributeKey<String> AUDIT_KEY_ID = AttributeKey.stringKey("envelope.audit.key_id");
  public static final AttributeKey<Long> AUDIT_KEY_VERSION =
      AttributeKey.longKey("envelope.audit.key_version");
  public static final AttributeKey<String> AUDIT_CALLER = AttributeKey.stringKey("envelope.audit.caller");
  public static final AttributeKey<String> AUDIT_DETAIL = AttributeKey.stringKey("envelope.audit.detail");
}
