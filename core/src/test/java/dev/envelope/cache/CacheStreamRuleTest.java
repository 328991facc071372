package dev.envelope.cache;

import static dev.envelope.cache.CacheFixtures.aes;
import static dev.envelope.cache.CacheFixtures.encryptRequest;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptionContext;
import dev.envelope.EncryptionMaterials;
import dev.envelope.EncryptionMaterials.PlaintextMeter;
import dev.envelope.Envelope;
import dev.envelope.PolicyViolationException;
import dev.envelope.cache.CacheFixtures.CountingKeyring;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The stream rule: a stream of unknown length uses the cache (metered as it flows) only when
 * there is no byte limit; under a finite byte limit it gets a fresh data key at the start. A stream
 * with a bound reserves the whole bound.
 */
class CacheStreamRuleTest {
  private static final EncryptionContext CTX = EncryptionContext.of("tenant", "acme");

  private final CountingKeyring keyring = new CountingKeyring(aes("ns", "key"));

  private CachingMaterialsManager.Builder cache() {
    return CachingMaterialsManager.builder().keyring(keyring).maxAge(Duration.ofMinutes(1));
  }

  private static Envelope envelope(CachingMaterialsManager cache) {
    return Envelope.builder()
        .materialsManager(cache)
        .algorithmSuite(CacheFixtures.S0478)
        .frameSize(256)
        .build();
  }

  private static byte[] data(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 7);
    }
    return b;
  }

  @Test
  void unknownLength_noByteLimit_cachedAndChargedAsBytesFlow() throws IOException {
    CachingMaterialsManager cache = cache().build();
    Envelope envelope = envelope(cache);
    byte[] plaintext = data(1000);

    ByteArrayOutputStream first = new ByteArrayOutputStream();
    try (OutputStream out = envelope.encryptingStream(first, CTX)) {
      for (byte b : plaintext) {
        out.write(b); // one byte at a time: every byte is metered
      }
    }
    ByteArrayOutputStream second = new ByteArrayOutputStream();
    try (OutputStream out = envelope.encryptingStream(second, CTX)) {
      out.write(plaintext, 0, 300);
    }

    assertEquals(1, keyring.encryptCalls.get(), "both streams share one cached data key");
    var edks = Envelope.inspectUnauthenticated(first.toByteArray()).encryptedDataKeys();
    assertEquals(1300, cache.bytesCharged(edks), "bytes are charged as they flow");
    assertArrayEquals(plaintext, envelope.decrypt(first.toByteArray(), CTX).plaintext());
    assertArrayEquals(
        Arrays.copyOf(plaintext, 300), envelope.decrypt(second.toByteArray(), CTX).plaintext());
  }

  @Test
  void unknownLength_noByteLimit_meterRefusesBeforeTheLimitWouldPass() {
    CachingMaterialsManager cache = cache().build();
    EncryptionMaterials m = cache.getEncryptionMaterials(encryptRequest(CTX, -1));
    PlaintextMeter meter = m.plaintextMeter().orElseThrow();
    meter.charge(10);
    PolicyViolationException e =
        assertThrows(PolicyViolationException.class, () -> meter.charge(Long.MAX_VALUE - 9));
    assertTrue(e.getMessage().contains("byte limit"), e.getMessage());
    assertEquals(10, cache.bytesCharged(m.encryptedDataKeys()), "a refused charge is not counted");
    meter.charge(Long.MAX_VALUE - 10); // exactly up to the limit is fine
    assertThrows(PolicyViolationException.class, () -> meter.charge(1));
  }

  @Test
  void unknownLength_finiteByteLimit_freshDataKeyPerStreamWithoutMeter() throws IOException {
    CachingMaterialsManager cache = cache().byteUseLimit(1 << 20).build();
    EncryptionMaterials a = cache.getEncryptionMaterials(encryptRequest(CTX, -1));
    EncryptionMaterials b = cache.getEncryptionMaterials(encryptRequest(CTX, -1));
    assertEquals(2, keyring.encryptCalls.get());
    assertNotEquals(a.encryptedDataKeys(), b.encryptedDataKeys());
    assertTrue(a.plaintextMeter().isEmpty());
    assertEquals(2, cache.stats().bypassCount());
    assertEquals(0, cache.stats().entryCount());

    // Through an Envelope: the stream may write any amount, its key is its own.
    Envelope envelope = envelope(cache);
    byte[] plaintext = data(5000);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out = envelope.encryptingStream(sink, CTX)) {
      out.write(plaintext);
    }
    assertEquals(3, keyring.encryptCalls.get());
    assertArrayEquals(plaintext, envelope.decrypt(sink.toByteArray(), CTX).plaintext());
  }

  @Test
  void boundedStream_reservesItsWholeBoundUpFront() {
    CachingMaterialsManager cache = cache().byteUseLimit(1000).build();
    EncryptionMaterials first = cache.getEncryptionMaterials(encryptRequest(CTX, 600));
    assertEquals(600, cache.bytesCharged(first.encryptedDataKeys()));
    EncryptionMaterials second = cache.getEncryptionMaterials(encryptRequest(CTX, 600));
    assertEquals(2, keyring.encryptCalls.get(), "600 + 600 would pass the 1000-byte limit");
    assertNotEquals(first.encryptedDataKeys(), second.encryptedDataKeys());
    EncryptionMaterials third = cache.getEncryptionMaterials(encryptRequest(CTX, 400));
    assertEquals(second.encryptedDataKeys(), third.encryptedDataKeys());
    assertTrue(third.plaintextMeter().isEmpty(), "the Envelope enforces the bound itself");
  }

  @Test
  void boundedStream_boundAboveByteLimit_neverCached() {
    CachingMaterialsManager cache = cache().byteUseLimit(1000).build();
    cache.getEncryptionMaterials(encryptRequest(CTX, 1001));
    cache.getEncryptionMaterials(encryptRequest(CTX, 1001));
    assertEquals(2, keyring.encryptCalls.get());
    assertEquals(2, cache.stats().bypassCount());
  }

  @Test
  void boundedStream_writingPastItsBound_failsSoTheReservationHolds() throws IOException {
    CachingMaterialsManager cache = cache().byteUseLimit(1000).build();
    Envelope envelope = envelope(cache);
    OutputStream out = envelope.encryptingStream(new ByteArrayOutputStream(), CTX, 600);
    out.write(data(600));
    assertThrows(PolicyViolationException.class, () -> out.write(1));

    // A bounded stream within the budget shares the data key and decrypts.
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream ok = envelope.encryptingStream(sink, CTX, 400)) {
      ok.write(data(400));
    }
    assertEquals(1, keyring.encryptCalls.get());
    assertArrayEquals(data(400), envelope.decrypt(sink.toByteArray(), CTX).plaintext());
  }
}
