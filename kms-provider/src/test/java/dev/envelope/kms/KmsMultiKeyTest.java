package dev.envelope.kms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptedDataKey;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.kms.model.EncryptRequest;

/**
 * One keyring, several KMS keys: the generator makes the data key, the additional keys wrap it in
 * parallel, the encrypted data keys keep the configured order, any one key decrypts, and a
 * failure names every key it concerns.
 */
class KmsMultiKeyTest {
  @RegisterExtension
  static final LocalKmsExtension KMS = new LocalKmsExtension();

  private static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme");
  private static final byte[] PLAINTEXT = "several keys".getBytes(StandardCharsets.UTF_8);

  /** Counts Encrypt calls in flight at once, as seen by the SDK client. */
  static final class InFlight implements ExecutionInterceptor {
    final AtomicInteger now = new AtomicInteger();
    final AtomicInteger max = new AtomicInteger();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
      if (context.request() instanceof EncryptRequest) {
        max.accumulateAndGet(now.incrementAndGet(), Math::max);
      }
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
      if (context.request() instanceof EncryptRequest) {
        now.decrementAndGet();
      }
    }
  }

  private static TestKms clients;
  private static final InFlight IN_FLIGHT = new InFlight();
  private static KmsClientSupplier counted;
  private static String generator;
  private static List<String> additional;

  @BeforeAll
  static void start(LocalKms kms) {
    clients = new TestKms(kms);
    counted = KmsClientSupplier.caching(region -> clients.client(region, kms.credentials(),
        b -> b.overrideConfiguration(ClientOverrideConfiguration.builder()
            .retryStrategy(TestKms.fastRetries()).addExecutionInterceptor(IN_FLIGHT).build())));
    generator = kms.createKey();
    additional = List.of(kms.createKey(), kms.createKey(), kms.createKey());
  }

  @AfterAll
  static void stop() {
    clients.close();
  }

  private static KmsKeyring allKeys() {
    return KmsKeyring.builder().generatorKey(generator).additionalKeys(additional)
        .clientSupplier(counted).build();
  }

  private static List<String> providerInfos(byte[] message) {
    List<String> infos = new ArrayList<>();
    for (EncryptedDataKey edk : Envelope.inspectUnauthenticated(message).encryptedDataKeys()) {
      infos.add(edk.providerInfoUtf8());
    }
    return infos;
  }

  @Test
  void encrypt_threeAdditionalKeys_wrapsInParallelInConfiguredOrder(LocalKmsServer server) {
    server.faults().on(KmsOperation.ENCRYPT).latency(Duration.ofMillis(300));
    IN_FLIGHT.max.set(0);
    Envelope envelope = Envelope.builder().keyring(allKeys()).build();
    List<String> expected = new ArrayList<>();
    expected.add(generator);
    expected.addAll(additional);
    for (int i = 0; i < 3; i++) {
      assertEquals(expected, providerInfos(envelope.encrypt(PLAINTEXT, CONTEXT)));
    }
    assertEquals(3, server.callCount(KmsOperation.GENERATE_DATA_KEY));
    assertEquals(9, server.callCount(KmsOperation.ENCRYPT));
    assertTrue(IN_FLIGHT.max.get() >= 2,
        "Encrypt calls never overlapped (max in flight " + IN_FLIGHT.max.get() + ")");
  }

  @Test
  void decrypt_anyOneConfiguredKey_decrypts() {
    byte[] message = Envelope.builder().keyring(allKeys()).build().encrypt(PLAINTEXT, CONTEXT);
    List<String> every = new ArrayList<>(additional);
    every.add(0, generator);
    for (String key : every) {
      KmsKeyring single = KmsKeyring.builder().generatorKey(key).clientSupplier(counted).build();
      assertArrayEquals(PLAINTEXT,
          Envelope.builder().keyring(single).build().decrypt(message, CONTEXT).plaintext(), key);
    }
  }

  @Test
  void decrypt_firstKeyDisabled_fallsBackToNextEdk(LocalKms kms, LocalKmsServer server) {
    String first = kms.createKey();
    String second = kms.createKey();
    KmsKeyring both = KmsKeyring.builder().generatorKey(first).additionalKeys(second)
        .clientSupplier(counted).build();
    Envelope envelope = Envelope.builder().keyring(both).build();
    byte[] message = envelope.encrypt(PLAINTEXT, CONTEXT);
    kms.client().disableKey(r -> r.keyId(first));
    server.resetCallCounts();
    assertArrayEquals(PLAINTEXT, envelope.decrypt(message, CONTEXT).plaintext());
    assertEquals(2, server.callCount(KmsOperation.DECRYPT));
  }

  @Test
  void decrypt_everyKeyFails_listsEveryEdkTriedAndWhy(LocalKms kms) {
    String first = kms.createKey();
    String second = kms.createKey();
    KmsKeyring both = KmsKeyring.builder().generatorKey(first).additionalKeys(second)
        .clientSupplier(counted).build();
    Envelope envelope = Envelope.builder().keyring(both).build();
    byte[] message = envelope.encrypt(PLAINTEXT, CONTEXT);
    kms.client().disableKey(r -> r.keyId(first));
    kms.client().scheduleKeyDeletion(r -> r.keyId(second).pendingWindowInDays(7));
    KmsProviderException e = assertThrows(KmsProviderException.class,
        () -> envelope.decrypt(message, CONTEXT));
    assertEquals(Reason.KEY_DISABLED, e.reason());
    assertTrue(e.getMessage().contains("#1 (aws-kms " + first + "): tried") && e.getMessage().contains("disabled"),
        e.getMessage());
    assertTrue(e.getMessage().contains("#2 (aws-kms " + second + "): tried")
        && e.getMessage().contains("scheduled for deletion"), e.getMessage());
    assertEquals(1, e.getSuppressed().length);
    assertEquals(Reason.KEY_PENDING_DELETION, ((KmsProviderException) e.getSuppressed()[0]).reason());
  }

  @Test
  void encrypt_oneAdditionalKeyDisabled_failsNamingThatKey(LocalKms kms) {
    String good = kms.createKey();
    String disabled = kms.createKey();
    kms.client().disableKey(r -> r.keyId(disabled));
    KmsKeyring keyring = KmsKeyring.builder().generatorKey(generator).additionalKeys(good, disabled)
        .clientSupplier(counted).build();
    KmsProviderException e = assertThrows(KmsProviderException.class,
        () -> Envelope.builder().keyring(keyring).build().encrypt(PLAINTEXT, CONTEXT));
    assertEquals(Reason.KEY_DISABLED, e.reason());
    assertEquals("Encrypt", e.operation().orElseThrow());
    assertEquals(disabled, e.keyId().orElseThrow());
  }

  @Test
  void encrypt_twoAdditionalKeysFail_reportsBoth(LocalKms kms) {
    String disabled = kms.createKey();
    String deleting = kms.createKey();
    kms.client().disableKey(r -> r.keyId(disabled));
    kms.client().scheduleKeyDeletion(r -> r.keyId(deleting).pendingWindowInDays(7));
    KmsKeyring keyring = KmsKeyring.builder().generatorKey(generator).additionalKeys(disabled, deleting)
        .clientSupplier(counted).build();
    KmsProviderException e = assertThrows(KmsProviderException.class,
        () -> Envelope.builder().keyring(keyring).build().encrypt(PLAINTEXT, CONTEXT));
    assertTrue(e.getMessage().contains("2 of 2 keys"), e.getMessage());
    assertTrue(e.getMessage().contains(disabled) && e.getMessage().contains(deleting), e.getMessage());
    assertEquals(1, e.getSuppressed().length);
  }
}
