package dev.envelope.testkit.junit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.kms.KmsKeyring;
import dev.envelope.localkms.KmsOperation;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.KmsException;

@WithLocalKms
class KmsExtensionTest {
  @Test
  void resolveParameter_everyInjectableType_describesOneWorkingEndpointAndKey(
      KmsFixture fixture, URI endpoint, KmsClient client, @KmsKeyArn String keyArn, KmsKeyring keyring) {
    assertEquals(fixture.endpoint(), endpoint);
    assertSame(fixture.client(), client);
    assertEquals(fixture.keyArn(), keyArn);
    assertTrue(keyArn.startsWith("arn:aws:kms:" + fixture.region() + ":"), keyArn);

    GenerateDataKeyResponse dataKey = client.generateDataKey(r -> r.keyId(keyArn).keySpec(DataKeySpec.AES_256));
    SdkBytes plaintext = client.decrypt(r -> r.ciphertextBlob(dataKey.ciphertextBlob())).plaintext();
    assertArrayEquals(dataKey.plaintext().asByteArray(), plaintext.asByteArray());

    Envelope envelope = Envelope.builder().keyring(keyring).build();
    byte[] message = envelope.encrypt("order 17".getBytes(StandardCharsets.UTF_8), EncryptionContext.of("tenant", "acme"));
    assertArrayEquals("order 17".getBytes(StandardCharsets.UTF_8),
        envelope.decrypt(message, EncryptionContext.of("tenant", "acme")).plaintext());
  }

  @Test
  void run_perClassLifecycle_sharesOneEndpointAndStopsItAfterTheClass() {
    PerClass.SEEN.clear();
    JupiterRun run = JupiterRun.of(PerClass.class);

    assertEquals(List.of(), run.failures(), run::toString);
    assertEquals(3, run.succeeded(), run::toString);
    assertEquals(1, PerClass.SEEN.stream().distinct().count(), PerClass.SEEN::toString);
    assertFalse(Endpoints.accepting(PerClass.SEEN.get(0).endpoint()), "the endpoint still runs after the class");
  }

  @Test
  void run_perClassLifecycle_clearsFaultsAndCallCountsBeforeEachTest() {
    JupiterRun run = JupiterRun.of(Faults.class);

    assertEquals(List.of(), run.failures(), run::toString);
    assertEquals(2, run.succeeded(), run::toString);
  }

  @Test
  void run_perTestLifecycle_givesEachTestItsOwnEndpointAndKeyAndStopsThem() {
    PerTest.SEEN.clear();
    JupiterRun run = JupiterRun.of(PerTest.class);

    assertEquals(List.of(), run.failures(), run::toString);
    assertEquals(2, run.succeeded(), run::toString);
    assertEquals(2, PerTest.SEEN.size());
    Seen first = PerTest.SEEN.get(0);
    Seen second = PerTest.SEEN.get(1);
    assertNotEquals(first.endpoint(), second.endpoint());
    assertNotEquals(first.keyArn(), second.keyArn());
    assertFalse(Endpoints.accepting(first.endpoint()), "the first test's endpoint still runs");
    assertFalse(Endpoints.accepting(second.endpoint()), "the second test's endpoint still runs");
  }

  @Test
  void run_perTestFixtureInjectedIntoBeforeAll_failsSayingWhereToInjectIt() {
    JupiterRun run = JupiterRun.of(PerTestIntoBeforeAll.class);

    assertEquals(1, run.failures().size(), run::toString);
    String message = run.failures().get(0).getMessage();
    assertTrue(message.contains("started per test") && message.contains("@BeforeEach"), message);
  }

  @Test
  void builder_lifecycleSetTwice_throws() {
    KmsExtension.Builder builder = KmsExtension.builder().lifecycle(Lifecycle.PER_TEST);
    IllegalStateException e =
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> builder.lifecycle(Lifecycle.PER_CLASS));
    assertTrue(e.getMessage().contains("lifecycle"), e.getMessage());
  }

  record Seen(URI endpoint, String keyArn) {}

  @Subject
  @WithLocalKms(lifecycle = Lifecycle.PER_CLASS)
  static class PerClass {
    static final List<Seen> SEEN = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void beforeAll(URI endpoint, @KmsKeyArn String keyArn) {
      SEEN.add(new Seen(endpoint, keyArn));
    }

    @Test
    void first(URI endpoint, @KmsKeyArn String keyArn) {
      SEEN.add(new Seen(endpoint, keyArn));
    }

    @Test
    void second(KmsFixture kms) {
      SEEN.add(new Seen(kms.endpoint(), kms.keyArn()));
    }

    @org.junit.jupiter.api.Nested
    class Inner {
      @Test
      void nested(KmsFixture kms) {
        SEEN.add(new Seen(kms.endpoint(), kms.keyArn()));
      }
    }
  }

  @Subject
  @WithLocalKms
  @org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
  static class Faults {
    @Test
    @org.junit.jupiter.api.Order(1)
    void throttlesEveryCall(KmsFixture kms, KmsClient client) {
      kms.localKms().server().faults().on(KmsOperation.GENERATE_DATA_KEY).throttle(1.0);
      assertThrows(KmsException.class,
          () -> client.generateDataKey(r -> r.keyId(kms.keyArn()).keySpec(DataKeySpec.AES_256)));
      assertNotEquals(0, kms.localKms().server().callCount(KmsOperation.GENERATE_DATA_KEY));
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void startsWithoutTheEarlierFaultOrCalls(KmsFixture kms, KmsClient client) {
      assertEquals(0, kms.localKms().server().callCount(KmsOperation.GENERATE_DATA_KEY));
      client.generateDataKey(r -> r.keyId(kms.keyArn()).keySpec(DataKeySpec.AES_256));
      assertEquals(1, kms.localKms().server().callCount(KmsOperation.GENERATE_DATA_KEY));
    }
  }

  @Subject
  static class PerTest {
    static final List<Seen> SEEN = new CopyOnWriteArrayList<>();

    @RegisterExtension
    static final KmsExtension KMS =
        KmsExtension.builder().lifecycle(Lifecycle.PER_TEST).server(b -> b.regions("eu-west-1")).build();

    @Test
    void first(KmsFixture kms) {
      assertEquals("eu-west-1", kms.region());
      SEEN.add(new Seen(kms.endpoint(), kms.keyArn()));
    }

    @Test
    void second(URI endpoint, @KmsKeyArn String keyArn) {
      SEEN.add(new Seen(endpoint, keyArn));
    }
  }

  @Subject
  @WithLocalKms(lifecycle = Lifecycle.PER_TEST)
  static class PerTestIntoBeforeAll {
    @BeforeAll
    static void beforeAll(KmsFixture kms) {}

    @Test
    void test() {}
  }
}
