package dev.envelope.micrometer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.AlgorithmSuite;
import dev.envelope.AuthenticationFailedException;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.cache.CachingMaterialsManager;
import dev.envelope.keyring.RawAesKeyring;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The binder's meters count what an Envelope and its cache do, and carry nothing secret. */
class EnvelopeMetricsTest {
  static final AlgorithmSuite S0478 = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
  static final String SECRET_VALUE = "value-that-must-never-be-a-tag";
  static final byte[] PLAINTEXT =
      "plaintext-that-must-never-be-a-tag".getBytes(StandardCharsets.UTF_8);
  static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme", "secret", SECRET_VALUE);

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final EnvelopeMetrics metrics = EnvelopeMetrics.create();

  static RawAesKeyring keyring() {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 7);
    return RawAesKeyring.builder().keyNamespace("ns").keyName("key").wrappingKey(key).build();
  }

  private Envelope envelope() {
    return Envelope.builder().keyring(keyring()).algorithmSuite(S0478).observer(metrics.observer()).build();
  }

  private static double operations(MeterRegistry r, String operation, String outcome) {
    Counter c = r.find("envelope.operations").tag("operation", operation).tag("outcome", outcome).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void encryptAndDecrypt_bound_countedWithSuiteOutcomeAndDuration() {
    metrics.bindTo(registry);
    Envelope envelope = envelope();
    byte[] message = envelope.encrypt(PLAINTEXT, CONTEXT);
    assertArrayEquals(PLAINTEXT, envelope.decrypt(message, CONTEXT).plaintext());

    Counter encrypts = registry.get("envelope.operations")
        .tags("operation", "encrypt", "suite", "0x0478", "outcome", "success").counter();
    assertEquals(1, encrypts.count());
    assertEquals(1, operations(registry, "decrypt", "success"));
    Timer duration = registry.get("envelope.operation.duration")
        .tags("operation", "decrypt", "suite", "0x0478", "outcome", "success").timer();
    assertEquals(1, duration.count());
    assertTrue(duration.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS) > 0);
  }

  @Test
  void keyringCalls_wrapAndUnwrap_timedPerKeyringTypeAndDirection() {
    metrics.bindTo(registry);
    Envelope envelope = envelope();
    envelope.decrypt(envelope.encrypt(PLAINTEXT, CONTEXT), CONTEXT);

    for (String direction : new String[] {"wrap", "unwrap"}) {
      Timer t = registry.get("envelope.keyring.duration")
          .tags("keyring", "RawAesKeyring", "direction", direction, "outcome", "success").timer();
      assertEquals(1, t.count(), direction);
    }
  }

  @Test
  void tamperedMessage_decryptFails_countedAsFailure() {
    metrics.bindTo(registry);
    Envelope envelope = envelope();
    byte[] message = envelope.encrypt(PLAINTEXT, CONTEXT);
    message[message.length - 1] ^= 1;
    assertThrows(AuthenticationFailedException.class, () -> envelope.decrypt(message, CONTEXT));

    Counter failed = registry.get("envelope.operations")
        .tags("operation", "decrypt", "suite", "0x0478", "outcome", "failure").counter();
    assertEquals(1, failed.count());
    assertEquals(0, operations(registry, "decrypt", "success"));
    Counter unreadable = registry.find("envelope.operations").tag("suite", "unknown").counter();
    assertEquals(null, unreadable, "the suite was read before the failure");
  }

  @Test
  void garbage_decryptFailsBeforeTheSuite_countedUnderSuiteUnknown() {
    metrics.bindTo(registry);
    assertThrows(RuntimeException.class, () -> envelope().decrypt(new byte[] {9, 9, 9}, CONTEXT));
    assertEquals(1, registry.get("envelope.operations")
        .tags("operation", "decrypt", "suite", "unknown", "outcome", "failure").counter().count());
  }

  @Test
  void cache_missThenHit_countedPerSide_andCountersExistBeforeAnyEvent() {
    metrics.bindTo(registry);
    for (String name : new String[] {"hits", "misses", "bypasses", "evictions", "invalidations"}) {
      for (String side : new String[] {"encrypt", "decrypt"}) {
        assertEquals(0, registry.get("envelope.cache." + name).tag("side", side).counter().count(), name);
      }
    }
    CachingMaterialsManager cache = CachingMaterialsManager.builder()
        .keyring(keyring()).maxAge(Duration.ofMinutes(5)).observer(metrics.observer()).build();
    Envelope envelope = Envelope.builder().materialsManager(cache).algorithmSuite(S0478).build();
    envelope.encrypt(PLAINTEXT, CONTEXT);
    envelope.encrypt(PLAINTEXT, CONTEXT);
    cache.invalidateAll();

    assertEquals(1, registry.get("envelope.cache.misses").tag("side", "encrypt").counter().count());
    assertEquals(1, registry.get("envelope.cache.hits").tag("side", "encrypt").counter().count());
    assertEquals(1, registry.get("envelope.cache.invalidations").tag("side", "encrypt").counter().count());
    assertEquals(0, registry.get("envelope.cache.hits").tag("side", "decrypt").counter().count());
  }

  @Test
  void twoRegistries_bothBound_bothCount_andNothingBeforeBindingIsCounted() {
    Envelope envelope = envelope();
    envelope.encrypt(PLAINTEXT, CONTEXT);
    metrics.bindTo(registry);
    SimpleMeterRegistry second = new SimpleMeterRegistry();
    metrics.bindTo(second);
    envelope.encrypt(PLAINTEXT, CONTEXT);

    assertEquals(1, operations(registry, "encrypt", "success"));
    assertEquals(1, operations(second, "encrypt", "success"));
  }

  @Test
  void unbound_operations_stillSucceed() {
    Envelope envelope = envelope();
    assertArrayEquals(PLAINTEXT, envelope.decrypt(envelope.encrypt(PLAINTEXT, CONTEXT), CONTEXT).plaintext());
    assertNull(registry.find("envelope.operations").counter());
    assertNotNull(metrics.observer());
  }

  @Test
  void everyMeter_afterEveryKindOfEvent_carriesNoContextValueNorPlaintext() {
    metrics.bindTo(registry);
    CachingMaterialsManager cache = CachingMaterialsManager.builder()
        .keyring(keyring()).maxAge(Duration.ofMinutes(5)).observer(metrics.observer()).build();
    Envelope envelope = Envelope.builder().materialsManager(cache).algorithmSuite(S0478)
        .observer(metrics.observer()).build();
    byte[] message = envelope.encrypt(PLAINTEXT, CONTEXT);
    envelope.decrypt(message, CONTEXT);
    assertThrows(RuntimeException.class,
        () -> envelope.decrypt(message, EncryptionContext.of("tenant", "acme", "secret", "other-tenant-value")));

    String plaintext = new String(PLAINTEXT, StandardCharsets.UTF_8);
    assertFalse(registry.getMeters().isEmpty());
    for (Meter meter : registry.getMeters()) {
      String id = meter.getId().getName();
      assertTrue(id.startsWith("envelope."), id);
      for (Tag tag : meter.getId().getTags()) {
        for (String s : new String[] {tag.getKey(), tag.getValue()}) {
          assertFalse(s.contains(SECRET_VALUE) || s.contains("acme") || s.contains("other-tenant-value")
              || s.contains(plaintext), meter.getId().toString());
        }
      }
    }
    assertFalse(metrics.toString().contains(SECRET_VALUE));
  }
}
