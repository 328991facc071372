package dev.envelope.kms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.KeyProviderException.Reason;
import dev.envelope.KeyProviderException;
import dev.envelope.localkms.KmsOperation;
import dev.envelope.localkms.LocalKmsServer;
import dev.envelope.localkms.junit.LocalKms;
import dev.envelope.localkms.junit.LocalKmsExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;

/**
 * Injected faults on the local KMS endpoint, seen through the real SDK client with its standard
 * retry strategy (3 attempts, short back-off): transient faults are absorbed by the SDK's retries;
 * persistent ones surface as the right {@link KeyProviderException.Reason}, with the KMS error code
 * and request id, within a bounded time. The bounds are generous (a loaded 2-core machine); they
 * catch hangs, not slowness.
 */
class KmsFaultsTest {
  @RegisterExtension
  static final LocalKmsExtension KMS = new LocalKmsExtension();

  private static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme");
  private static final byte[] PLAINTEXT = "faulty".getBytes(StandardCharsets.UTF_8);
  private static final Duration BOUND = Duration.ofSeconds(20);

  private static TestKms clients;
  private static String key;
  private static String second;
  private static String third;

  @BeforeAll
  static void start(LocalKms kms) {
    clients = new TestKms(kms);
    key = kms.createKey();
    second = kms.createKey();
    third = kms.createKey();
  }

  @AfterAll
  static void stop() {
    clients.close();
  }

  private static Envelope envelope(Duration callTimeout, String generator, String... additional) {
    return Envelope.builder().keyring(KmsKeyring.builder().generatorKey(generator).additionalKeys(additional)
        .clientSupplier(clients.supplier()).callTimeout(callTimeout).build()).build();
  }

  private static Envelope envelope() {
    return envelope(Duration.ofSeconds(10), key);
  }

  /** Runs {@code failing}, expects a KMS failure within {@link #BOUND}, and returns it. */
  private static KmsProviderException failsWithin(Duration bound, Executable failing) {
    long start = System.nanoTime();
    KmsProviderException e = assertThrows(KmsProviderException.class, failing);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(took.compareTo(bound) < 0, "took " + took + ", bound " + bound);
    return e;
  }

  @Test
  void encrypt_throttlingThatClears_succeedsAfterSdkRetries(LocalKmsServer server) {
    server.faults().on(KmsOperation.GENERATE_DATA_KEY).throttleNext(2);
    byte[] message = envelope().encrypt(PLAINTEXT, CONTEXT);
    assertEquals(3, server.callCount(KmsOperation.GENERATE_DATA_KEY));
    assertArrayEquals(PLAINTEXT, envelope().decrypt(message, CONTEXT).plaintext());
  }

  @Test
  void decrypt_throttlingThatClears_succeedsAfterSdkRetries(LocalKmsServer server) {
    byte[] message = envelope().encrypt(PLAINTEXT, CONTEXT);
    server.faults().on(KmsOperation.DECRYPT).throttleNext(2);
    assertArrayEquals(PLAINTEXT, envelope().decrypt(message, CONTEXT).plaintext());
    assertEquals(3, server.callCount(KmsOperation.DECRYPT));
  }

  @Test
  void encrypt_persistentThrottling_isThrottledAfterRetries(LocalKmsServer server) {
    server.faults().on(KmsOperation.GENERATE_DATA_KEY).throttle(1.0);
    KmsProviderException e = failsWithin(BOUND, () -> envelope().encrypt(PLAINTEXT, CONTEXT));
    assertEquals(Reason.THROTTLED, e.reason());
    assertEquals("ThrottlingException", e.errorCode().orElseThrow());
    assertTrue(e.requestId().isPresent());
    assertEquals(3, server.callCount(KmsOperation.GENERATE_DATA_KEY));
    assertTrue(e.getMessage().contains("CachingMaterialsManager"), e.getMessage());
  }

  @Test
  void decrypt_persistentThrottling_isThrottledNamingTheEdk(LocalKmsServer server) {
    byte[] message = envelope().encrypt(PLAINTEXT, CONTEXT);
    server.faults().on(KmsOperation.DECRYPT).throttle(1.0);
    KmsProviderException e = failsWithin(BOUND, () -> envelope().decrypt(message, CONTEXT));
    assertEquals(Reason.THROTTLED, e.reason());
    assertTrue(e.getMessage().contains("#1 (aws-kms " + key + "): tried"), e.getMessage());
  }

  @Test
  void encrypt_persistentServerErrors_isServiceError(LocalKmsServer server) {
    server.faults().on(KmsOperation.GENERATE_DATA_KEY).internalError(1.0);
    KmsProviderException e = failsWithin(BOUND, () -> envelope().encrypt(PLAINTEXT, CONTEXT));
    assertEquals(Reason.SERVICE_ERROR, e.reason());
    assertEquals("KMSInternalException", e.errorCode().orElseThrow());
    assertTrue(e.getMessage().contains("HTTP 500"), e.getMessage());
    assertEquals(3, server.callCount(KmsOperation.GENERATE_DATA_KEY));
  }

  @Test
  void encrypt_droppedConnections_isUnreachable(LocalKmsServer server) {
    server.faults().on(KmsOperation.GENERATE_DATA_KEY).dropConnection(1.0);
    KmsProviderException e = failsWithin(BOUND, () -> envelope().encrypt(PLAINTEXT, CONTEXT));
    assertEquals(Reason.UNREACHABLE, e.reason());
    assertTrue(e.errorCode().isEmpty());
  }

  @Test
  void encrypt_latencyBeyondCallTimeout_isTimeout(LocalKmsServer server) {
    server.faults().on(KmsOperation.GENERATE_DATA_KEY).latency(Duration.ofSeconds(3));
    KmsProviderException e = failsWithin(Duration.ofSeconds(10),
        () -> envelope(Duration.ofMillis(500), key).encrypt(PLAINTEXT, CONTEXT));
    assertEquals(Reason.TIMEOUT, e.reason());
    assertEquals("GenerateDataKey", e.operation().orElseThrow());
  }

  @Test
  void encrypt_parallelWrapBeyondCallTimeout_isTimeout(LocalKmsServer server) {
    server.faults().on(KmsOperation.ENCRYPT).latency(Duration.ofSeconds(3));
    KmsProviderException e = failsWithin(Duration.ofSeconds(10),
        () -> envelope(Duration.ofMillis(500), key, second, third).encrypt(PLAINTEXT, CONTEXT));
    assertEquals(Reason.TIMEOUT, e.reason());
    assertEquals("Encrypt", e.operation().orElseThrow());
    assertTrue(e.getMessage().contains(second) && e.getMessage().contains(third), e.getMessage());
  }

  @Test
  void encrypt_stoppedEndpoint_isUnreachable() {
    LocalKms stopped = LocalKms.start(LocalKmsServer.builder());
    TestKms stoppedClients = new TestKms(stopped);
    try {
      String doomed = stopped.createKey();
      Envelope envelope = Envelope.builder().keyring(KmsKeyring.builder().generatorKey(doomed)
          .clientSupplier(stoppedClients.supplier()).build()).build();
      stopped.server().close();
      KmsProviderException e = failsWithin(BOUND, () -> envelope.encrypt(PLAINTEXT, CONTEXT));
      assertEquals(Reason.UNREACHABLE, e.reason());
      assertTrue(e.getMessage().contains("could not reach the KMS endpoint"), e.getMessage());
    } finally {
      stoppedClients.close();
      stopped.close();
    }
  }
}
