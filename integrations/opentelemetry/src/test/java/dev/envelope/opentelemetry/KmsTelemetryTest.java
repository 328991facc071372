package dev.envelope.opentelemetry;

import static dev.envelope.opentelemetry.TelemetryObserverTest.CONTEXT;
import static dev.envelope.opentelemetry.TelemetryObserverTest.PLAINTEXT;
import static dev.envelope.opentelemetry.TelemetryObserverTest.PLAINTEXT_MARKER;
import static dev.envelope.opentelemetry.TelemetryObserverTest.SECRET_VALUE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.Envelope;
import dev.envelope.kms.KmsKeyring;
import dev.envelope.localkms.LocalKmsServer;
import dev.envelope.localkms.junit.LocalKms;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * KMS calls as spans (through the OpenTelemetry AWS SDK instrumentation) under the keyring-call
 * spans, and the key store's audit events as log records, against the local KMS endpoint.
 */
class KmsTelemetryTest {
  private final Recording otel = new Recording();
  private final LocalKms kms = LocalKms.start(LocalKmsServer.builder());

  @AfterEach
  void close() {
    kms.close();
    otel.close();
  }

  private Envelope envelope(EnvelopeTelemetry telemetry, String keyArn) {
    KmsClient client = kms.clientBuilder(kms.region(), kms.credentials())
        .overrideConfiguration(o -> o.addExecutionInterceptor(telemetry.awsSdkInterceptor()))
        .build();
    return Envelope.builder()
        .keyring(KmsKeyring.builder().generatorKey(keyArn).kmsClient(client).build())
        .observer(telemetry.observer())
        .build();
  }

  @Test
  void kmsCalls_spansUnderTheKeyringCall() {
    String keyArn = kms.createKey();
    EnvelopeTelemetry telemetry = EnvelopeTelemetry.builder(otel.openTelemetry()).build();
    Envelope envelope = envelope(telemetry, keyArn);
    byte[] message = envelope.encrypt(PLAINTEXT, CONTEXT);
    assertArrayEquals(PLAINTEXT, envelope.decrypt(message, CONTEXT).plaintext());

    SpanData encrypt = otel.span("envelope.encrypt");
    SpanData wrap = otel.span("envelope.keyring.wrap");
    SpanData generate = otel.span("Kms.GenerateDataKey");
    assertEquals(encrypt.getSpanId(), wrap.getParentSpanId());
    assertEquals(wrap.getSpanId(), generate.getParentSpanId(), "the KMS call nests in the keyring call");
    assertEquals("KmsKeyring", wrap.getAttributes().get(AttributeKey.stringKey("envelope.keyring")));
    assertEquals(List.of("aws-kms"), encrypt.getAttributes().get(AttributeKey.stringArrayKey("envelope.key_provider.ids")));

    SpanData unwrap = otel.span("envelope.keyring.unwrap");
    SpanData decrypt = otel.span("Kms.Decrypt");
    assertEquals(unwrap.getSpanId(), decrypt.getParentSpanId());

    String everything = otel.everything();
    for (String secret : List.of(SECRET_VALUE, "acme", PLAINTEXT_MARKER)) {
      assertFalse(everything.contains(secret), () -> "exported telemetry contains " + secret);
    }
  }

  @Test
  void auditListener_keyStoreEventsAsLogRecords_withoutContextValues() {
    String keyArn = kms.createKey();
    EnvelopeTelemetry telemetry = EnvelopeTelemetry.builder(otel.openTelemetry()).build();
    kms.server().keyStore().addAuditListener(telemetry.auditListener());
    Envelope envelope = envelope(telemetry, keyArn);
    envelope.decrypt(envelope.encrypt(PLAINTEXT, CONTEXT), CONTEXT);

    List<LogRecordData> records = otel.logs();
    assertFalse(records.isEmpty(), "the key store audited the KMS calls");
    List<String> operations = records.stream()
        .map(r -> r.getAttributes().get(AttributeKey.stringKey("envelope.audit.operation")))
        .toList();
    assertTrue(operations.contains("decrypt"), () -> "audited operations: " + operations);
    LogRecordData decrypt = records.get(operations.lastIndexOf("decrypt"));
    assertEquals("envelope.keystore.audit", decrypt.getEventName());
    assertEquals("success", decrypt.getAttributes().get(AttributeKey.stringKey("envelope.audit.outcome")));
    assertTrue(keyArn.endsWith(decrypt.getAttributes().get(AttributeKey.stringKey("envelope.audit.key_id"))),
        () -> "key id of " + keyArn + ": " + decrypt.getAttributes());
    assertTrue(decrypt.getAttributes().get(AttributeKey.stringArrayKey("envelope.context.keys")).contains("tenant"),
        () -> "context keys: " + decrypt.getAttributes());

    String everything = otel.everything();
    for (String secret : List.of(SECRET_VALUE, "acme", PLAINTEXT_MARKER)) {
      assertFalse(everything.contains(secret), () -> "exported telemetry contains " + secret);
    }
  }
}
