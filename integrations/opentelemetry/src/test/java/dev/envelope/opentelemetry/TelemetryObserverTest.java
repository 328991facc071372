package dev.envelope.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.AlgorithmSuite;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.cache.CachingMaterialsManager;
import dev.envelope.keyring.RawAesKeyring;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The observer's spans and metrics, read back from the OpenTelemetry SDK's in-memory exporters. */
class TelemetryObserverTest {
  static final AlgorithmSuite S0478 = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
  static final String SECRET_VALUE = "context-value-never-exported";
  static final String PLAINTEXT_MARKER = "plaintext-never-exported";
  static final byte[] PLAINTEXT = (PLAINTEXT_MARKER + " " + "x".repeat(100)).getBytes(StandardCharsets.UTF_8);
  static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme", "secret", SECRET_VALUE);

  private final Recording otel = new Recording();

  @AfterEach
  void close() {
    otel.close();
  }

  static RawAesKeyring keyring(int seed) {
    byte[] key = new byte[32];
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) (seed + i);
    }
    return RawAesKeyring.builder().keyNamespace("ns").keyName("key-" + seed).wrappingKey(key).build();
  }

  private Envelope envelope(EnvelopeTelemetry telemetry) {
    return Envelope.builder().keyring(keyring(1)).algorithmSuite(S0478).observer(telemetry.observer()).build();
  }

  private static long count(MetricData metric, Attributes attributes) {
    return metric.getLongSumData().getPoints().stream()
        .filter(p -> p.getAttributes().equals(attributes))
        .mapToLong(LongPointData::getValue)
        .sum();
  }

  @Test
  void encryptAndDecrypt_spansWithKeyringChildren() {
    Envelope envelope = envelope(EnvelopeTelemetry.builder(otel.openTelemetry()).build());
    byte[] message = envelope.encrypt(PLAINTEXT, CONTEXT);
    assertArrayEquals(PLAINTEXT, envelope.decrypt(message, CONTEXT).plaintext());

    SpanData encrypt = otel.span("envelope.encrypt");
    assertEquals("encrypt", encrypt.getAttributes().get(AttributeKey.stringKey("envelope.operation")));
    assertEquals("0x0478", encrypt.getAttributes().get(AttributeKey.stringKey("envelope.suite")));
    assertEquals("success", encrypt.getAttributes().get(AttributeKey.stringKey("envelope.outcome")));
    assertEquals(List.of("secret", "tenant"),
        encrypt.getAttributes().get(AttributeKey.stringArrayKey("envelope.context.keys")));
    assertEquals((long) PLAINTEXT.length, encrypt.getAttributes().get(AttributeKey.longKey("envelope.plaintext.size")));
    assertEquals((long) message.length, encrypt.getAttributes().get(AttributeKey.longKey("envelope.message.size")));
    assertEquals(1L, encrypt.getAttributes().get(AttributeKey.longKey("envelope.edk.count")));
    assertFalse(encrypt.getParentSpanContext().isValid(), "an operation with no current span is a root");

    SpanData wrap = otel.span("envelope.keyring.wrap");
    assertEquals(encrypt.getSpanId(), wrap.getParentSpanId());
    assertEquals(encrypt.getTraceId(), wrap.getTraceId());
    assertEquals("RawAesKeyring", wrap.getAttributes().get(AttributeKey.stringKey("envelope.keyring")));
    assertEquals(List.of("ns"), wrap.getAttributes().get(AttributeKey.stringArrayKey("envelope.key_provider.ids")));

    SpanData decrypt = otel.span("envelope.decrypt");
    SpanData unwrap = otel.span("envelope.keyring.unwrap");
    assertEquals(decrypt.getSpanId(), unwrap.getParentSpanId());
    assertEquals("success", decrypt.getAttributes().get(AttributeKey.stringKey("envelope.outcome")));
    assertEquals(StatusCode.UNSET, decrypt.getStatus().getStatusCode());
  }

  @Test
  void operations_countedByOperationSuiteAndOutcome_withDurations() {
    Envelope envelope = envelope(EnvelopeTelemetry.builder(otel.openTelemetry()).build());
    byte[] message = envelope.encrypt(PLAINTEXT, CONTEXT);
    envelope.encrypt(PLAINTEXT, CONTEXT);
    envelope.decrypt(message, CONTEXT);
    message[message.length - 1] ^= 1;
    assertThrows(RuntimeException.class, () -> envelope.decrypt(message, CONTEXT).plaintext());

    MetricData operations = otel.metric("envelope.operations").orElseThrow();
    AttributeKey<String> op = AttributeKey.stringKey("operation");
    AttributeKey<String> suite = AttributeKey.stringKey("suite");
    AttributeKey<String> outcome = AttributeKey.stringKey("outcome");
    assertEquals(2, count(operations, Attributes.of(op, "encrypt", suite, "0x0478", outcome, "success")));
    assertEquals(1, count(operations, Attributes.of(op, "decrypt", suite, "0x0478", outcome, "success")));
    assertEquals(1, count(operations, Attributes.of(op, "decrypt", suite, "0x0478", outcome, "failure")));

    MetricData duration = otel.metric("envelope.operation.duration").orElseThrow();
    assertEquals("s", duration.getUnit());
    long recorded = duration.getHistogramData().getPoints().stream().mapToLong(HistogramPointData::getCount).sum();
    assertEquals(4, recorded);
    assertTrue(otel.metric("envelope.keyring.duration").isPresent());
  }

  @Test
  void failedDecrypt_spanHasErrorStatusAndType_neverTheMessage() {
    Envelope envelope = envelope(EnvelopeTelemetry.builder(otel.openTelemetry()).build());
    byte[] message = envelope.encrypt(PLAINTEXT, CONTEXT);
    message[message.length - 1] ^= 1;
    RuntimeException e = assertThrows(RuntimeException.class, () -> envelope.decrypt(message, CONTEXT).plaintext());

    SpanData decrypt = otel.span("envelope.decrypt");
    assertEquals(StatusCode.ERROR, decrypt.getStatus().getStatusCode());
    assertEquals("failure", decrypt.getAttributes().get(AttributeKey.stringKey("envelope.outcome")));
    assertEquals(e.getClass().getSimpleName(), decrypt.getAttributes().get(AttributeKey.stringKey("error.type")));
    assertTrue(decrypt.getEvents().isEmpty(), "no exception event: its message is not recorded");
  }

  @Test
  void streamingEncrypt_oneSpanFromOpenToClose() throws IOException {
    Envelope envelope = envelope(EnvelopeTelemetry.builder(otel.openTelemetry()).build());
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out = envelope.encryptingStream(sink, CONTEXT)) {
      assertTrue(otel.spans("envelope.encrypt").isEmpty(), "the span ends when the stream closes");
      out.write(PLAINTEXT);
    }
    SpanData encrypt = otel.span("envelope.encrypt");
    assertEquals(Boolean.TRUE, encrypt.getAttributes().get(AttributeKey.booleanKey("envelope.streaming")));
    assertEquals((long) sink.size(), encrypt.getAttributes().get(AttributeKey.longKey("envelope.message.size")));
  }

  @Test
  void recordContextKeys_onlyAllowListedValuesOnSpans_neverOnMetrics() {
    EnvelopeTelemetry telemetry = EnvelopeTelemetry.builder(otel.openTelemetry()).recordContextKeys("tenant").build();
    envelope(telemetry).encrypt(PLAINTEXT, CONTEXT);

    SpanData encrypt = otel.span("envelope.encrypt");
    assertEquals("acme", encrypt.getAttributes().get(AttributeKey.stringKey("envelope.context.tenant")));
    assertNull(encrypt.getAttributes().get(AttributeKey.stringKey("envelope.context.secret")));
    for (MetricData metric : otel.metrics()) {
      assertFalse(metric.toString().contains("acme"), () -> "a context value in metric " + metric.getName());
    }
  }

  @Test
  void contextValuesAndPlaintext_neverInAnySpanMetricOrLog() {
    EnvelopeTelemetry telemetry = EnvelopeTelemetry.builder(otel.openTelemetry()).build();
    Envelope envelope = envelope(telemetry);
    byte[] message = envelope.encrypt(PLAINTEXT, CONTEXT);
    envelope.decrypt(message, CONTEXT);
    message[message.length - 1] ^= 1;
    assertThrows(RuntimeException.class, () -> envelope.decrypt(message, CONTEXT).plaintext());
    assertThrows(RuntimeException.class,
        () -> envelope.decrypt(envelope.encrypt(PLAINTEXT, CONTEXT), EncryptionContext.of("tenant", "other")));

    String everything = otel.everything();
    assertTrue(everything.contains("envelope.encrypt"), "the exporters saw the operations");
    for (String secret : List.of(SECRET_VALUE, "acme", PLAINTEXT_MARKER)) {
      assertFalse(everything.contains(secret), () -> "exported telemetry contains " + secret);
    }
  }

  @Test
  void cacheEvents_countedPerKindAndSide() {
    EnvelopeTelemetry telemetry = EnvelopeTelemetry.builder(otel.openTelemetry()).build();
    CachingMaterialsManager cache = CachingMaterialsManager.builder()
        .keyring(keyring(1))
        .maxAge(Duration.ofMinutes(5))
        .observer(telemetry.observer())
        .build();
    Envelope envelope = Envelope.builder().materialsManager(cache).algorithmSuite(S0478).build();
    byte[] message = envelope.encrypt(PLAINTEXT, CONTEXT);
    envelope.encrypt(PLAINTEXT, CONTEXT);
    envelope.decrypt(message, CONTEXT);
    cache.invalidateAll();

    AttributeKey<String> side = AttributeKey.stringKey("side");
    assertEquals(1, count(otel.metric("envelope.cache.hits").orElseThrow(), Attributes.of(side, "encrypt")));
    assertEquals(1, count(otel.metric("envelope.cache.misses").orElseThrow(), Attributes.of(side, "encrypt")));
    assertEquals(1, count(otel.metric("envelope.cache.misses").orElseThrow(), Attributes.of(side, "decrypt")));
    assertEquals(1, count(otel.metric("envelope.cache.invalidations").orElseThrow(), Attributes.of(side, "encrypt")));
    assertEquals(1, count(otel.metric("envelope.cache.invalidations").orElseThrow(), Attributes.of(side, "decrypt")));
  }

  @Test
  void builder_recordContextKeysTwiceOrEmpty_refused() {
    EnvelopeTelemetry.Builder builder = EnvelopeTelemetry.builder(otel.openTelemetry()).recordContextKeys("a");
    assertThrows(IllegalStateException.class, () -> builder.recordContextKeys("b"));
    assertThrows(IllegalArgumentException.class,
        () -> EnvelopeTelemetry.builder(otel.openTelemetry()).recordContextKeys(""));
    assertEquals(java.util.Set.of("tenant"),
        EnvelopeTelemetry.builder(otel.openTelemetry()).recordContextKeys("tenant").build().observer()
            .recordedContextKeys());
  }
}
