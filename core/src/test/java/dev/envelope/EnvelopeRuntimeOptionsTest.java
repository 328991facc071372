package dev.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.materials.DefaultMaterialsManager;
import dev.envelope.testing.Messages;
import dev.envelope.testing.TestKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The Envelope.Builder options that stand in for the JVM-wide system properties: crypto provider,
 * executor and parallelism, signing-key prefetch.
 */
class EnvelopeRuntimeOptionsTest {
  private static final int FRAME = 4096;
  /** 256 frames: large enough to split with a threshold of 64 KiB. */
  private static final byte[] LARGE = Messages.plaintext(256 * FRAME + 17);

  private static Envelope.Builder parallelBuilder() {
    return Envelope.builder()
        .keyring(TestKeys.aes256Keyring())
        .frameSize(FRAME)
        .parallelism(4)
        .parallelThreshold(64 * 1024);
  }

  /** Counts what it is given and runs it inline. */
  private static final class CountingExecutor implements java.util.concurrent.Executor {
    final AtomicInteger tasks = new AtomicInteger();

    @Override
    public void execute(Runnable command) {
      tasks.incrementAndGet();
      command.run();
    }
  }

  @Test
  void executor_largeMessage_framesRunOnTheGivenExecutor() {
    CountingExecutor executor = new CountingExecutor();
    Envelope envelope = parallelBuilder().executor(executor).build();
    byte[] message = envelope.encrypt(LARGE, EncryptionContext.empty());
    assertEquals(3, executor.tasks.get(), "4 threads: the caller's share plus 3 on the executor");
    Decrypted back = envelope.decrypt(message, EncryptionContext.empty());
    assertEquals(6, executor.tasks.get(), "decryption splits the frames the same way");
    assertArrayEquals(LARGE, back.plaintext());
    Envelope plain = Envelope.builder().keyring(TestKeys.aes256Keyring()).build();
    assertArrayEquals(LARGE, plain.decrypt(message, EncryptionContext.empty()).plaintext());
  }

  @Test
  void executor_threadPool_roundTripsAndMatchesSequential() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      Envelope envelope = parallelBuilder().executor(pool).build();
      byte[] message = envelope.encrypt(LARGE, EncryptionContext.of("k", "v"));
      Envelope sequential =
          Envelope.builder().keyring(TestKeys.aes256Keyring()).parallelism(1).build();
      assertArrayEquals(LARGE, sequential.decrypt(message, EncryptionContext.of("k", "v")).plaintext());
      byte[] again = sequential.encrypt(LARGE, EncryptionContext.empty());
      assertArrayEquals(LARGE, envelope.decrypt(again, EncryptionContext.empty()).plaintext());
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
    }
  }

  @Test
  void executor_rejectsEverything_callerRunsEveryFrame() {
    AtomicInteger offered = new AtomicInteger();
    Envelope envelope =
        parallelBuilder()
            .executor(command -> {
              offered.incrementAndGet();
              throw new RejectedExecutionException("full");
            })
            .build();
    byte[] message = envelope.encrypt(LARGE, EncryptionContext.empty());
    assertEquals(3, offered.get());
    assertArrayEquals(LARGE, envelope.decrypt(message, EncryptionContext.empty()).plaintext());
  }

  @Test
  void executor_neverRunsTasks_callerRunsThemAndDoesNotDeadlock() {
    List<Runnable> parked = new ArrayList<>();
    Envelope envelope = parallelBuilder().executor(parked::add).build();
    byte[] message = envelope.encrypt(LARGE, EncryptionContext.empty());
    assertEquals(3, parked.size());
    assertArrayEquals(LARGE, envelope.decrypt(message, EncryptionContext.empty()).plaintext());
  }

  @Test
  void executor_taskFails_failureReachesTheCaller() {
    Envelope writer = parallelBuilder().build();
    byte[] message = writer.encrypt(LARGE, EncryptionContext.empty());
    // Flip a ciphertext byte in the last quarter of the body: a frame on the executor fails.
    message[message.length - 20 * FRAME] ^= 1;
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      Envelope reader = parallelBuilder().executor(pool).build();
      assertThrows(
          AuthenticationFailedException.class,
          () -> reader.decrypt(message, EncryptionContext.empty()));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void parallelism_one_neverUsesTheExecutor() {
    CountingExecutor executor = new CountingExecutor();
    Envelope envelope =
        Envelope.builder()
            .keyring(TestKeys.aes256Keyring())
            .frameSize(FRAME)
            .parallelism(1)
            .parallelThreshold(1)
            .executor(executor)
            .build();
    byte[] message = envelope.encrypt(LARGE, EncryptionContext.empty());
    assertArrayEquals(LARGE, envelope.decrypt(message, EncryptionContext.empty()).plaintext());
    assertEquals(0, executor.tasks.get());
  }

  @Test
  void parallelThreshold_aboveMessageLength_keepsFramesOnTheCaller() {
    CountingExecutor executor = new CountingExecutor();
    Envelope envelope =
        Envelope.builder()
            .keyring(TestKeys.aes256Keyring())
            .frameSize(FRAME)
            .parallelism(4)
            .parallelThreshold(LARGE.length + 1L)
            .executor(executor)
            .build();
    envelope.decrypt(envelope.encrypt(LARGE, EncryptionContext.empty()), EncryptionContext.empty());
    assertEquals(0, executor.tasks.get());
  }

  @Test
  void parallelOptions_invalidOrTwice_refused() {
    assertThrows(IllegalArgumentException.class, () -> Envelope.builder().parallelism(0));
    assertThrows(IllegalArgumentException.class, () -> Envelope.builder().parallelism(257));
    assertThrows(IllegalArgumentException.class, () -> Envelope.builder().parallelThreshold(0));
    assertThrows(IllegalStateException.class, () -> Envelope.builder().parallelism(2).parallelism(2));
    assertThrows(
        IllegalStateException.class,
        () -> Envelope.builder().parallelThreshold(5).parallelThreshold(5));
    assertThrows(
        IllegalStateException.class,
        () -> Envelope.builder().executor(Runnable::run).executor(Runnable::run));
    assertThrows(NullPointerException.class, () -> Envelope.builder().executor(null));
  }

  /** A provider whose only service is SunEC's ECDSA-P384 signature, counting instantiations. */
  private static final class CountingSignatureProvider extends Provider {
    final AtomicInteger created = new AtomicInteger();

    CountingSignatureProvider() {
      super("EnvelopeCountingTest", "1.0", "counts SHA384withECDSA instances");
      Provider.Service sunEc =
          Security.getProvider("SunEC").getService("Signature", "SHA384withECDSA");
      putService(
          new Provider.Service(
              this, "Signature", "SHA384withECDSA", sunEc.getClassName(), null, null) {
            @Override
            public Object newInstance(Object parameter) throws NoSuchAlgorithmException {
              created.incrementAndGet();
              return sunEc.newInstance(parameter);
            }
          });
    }
  }

  @Test
  void cryptoProvider_given_signsAndVerifiesWithIt() {
    CountingSignatureProvider provider = new CountingSignatureProvider();
    Envelope envelope =
        Envelope.builder().keyring(TestKeys.aes256Keyring()).cryptoProvider(provider).build();
    byte[] message = envelope.encrypt(Messages.plaintext(100), EncryptionContext.empty());
    assertEquals(1, provider.created.get(), "the default suite 0x0578 signs with the given provider");
    envelope.decrypt(message, EncryptionContext.empty());
    assertEquals(2, provider.created.get(), "and verifies with it");
    Envelope jvmDefault = Envelope.builder().keyring(TestKeys.aes256Keyring()).build();
    jvmDefault.decrypt(message, EncryptionContext.empty());
    assertEquals(2, provider.created.get(), "other Envelopes keep the JVM-wide choice");
  }

  @Test
  void cryptoProvider_lacksTheCipherAndMacs_fallsBackToTheJdk() {
    Provider empty = new Provider("EnvelopeEmptyTest", "1.0", "offers nothing") {};
    Envelope envelope =
        Envelope.builder().keyring(TestKeys.aes256Keyring()).cryptoProvider(empty).build();
    byte[] plaintext = Messages.plaintext(10_000);
    byte[] message = envelope.encrypt(plaintext, EncryptionContext.of("a", "b"));
    Envelope jvmDefault = Envelope.builder().keyring(TestKeys.aes256Keyring()).build();
    assertArrayEquals(plaintext, jvmDefault.decrypt(message, EncryptionContext.of("a", "b")).plaintext());
    assertArrayEquals(plaintext, envelope.decrypt(message, EncryptionContext.of("a", "b")).plaintext());
  }

  @Test
  void cryptoProvider_streams_roundTrip() throws Exception {
    CountingSignatureProvider provider = new CountingSignatureProvider();
    Envelope envelope =
        Envelope.builder().keyring(TestKeys.aes256Keyring()).cryptoProvider(provider).build();
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out = envelope.encryptingStream(sink, EncryptionContext.empty())) {
      out.write(LARGE);
    }
    try (InputStream in =
        envelope.decryptingStream(
            new ByteArrayInputStream(sink.toByteArray()), EncryptionContext.empty())) {
      assertArrayEquals(LARGE, in.readAllBytes());
    }
    assertEquals(2, provider.created.get());
  }

  @Test
  void cryptoProvider_twice_refused() {
    Provider empty = new Provider("EnvelopeEmptyTest2", "1.0", "offers nothing") {};
    assertThrows(
        IllegalStateException.class,
        () -> Envelope.builder().cryptoProvider(empty).cryptoProvider(empty));
  }

  private static String publicKeyOf(byte[] message) {
    return Envelope.inspectUnauthenticated(message)
        .storedContext()
        .get(EncryptionContext.PUBLIC_KEY_FIELD)
        .orElseThrow();
  }

  @Test
  void signingKeyPrefetch_zero_freshKeyPerMessageWithoutAThread() {
    Envelope envelope =
        Envelope.builder().keyring(TestKeys.aes256Keyring()).signingKeyPrefetch(0).build();
    byte[] first = envelope.encrypt(Messages.plaintext(10), EncryptionContext.empty());
    byte[] second = envelope.encrypt(Messages.plaintext(10), EncryptionContext.empty());
    assertNotEquals(publicKeyOf(first), publicKeyOf(second));
    assertArrayEquals(Messages.plaintext(10), envelope.decrypt(second, EncryptionContext.empty()).plaintext());
    assertTrue(
        Thread.getAllStackTraces().keySet().stream()
            .noneMatch(t -> t.getName().startsWith("envelope-signing-keys-") && t.getName().endsWith("-0")),
        "depth 0 starts no prefetch thread");
  }

  @Test
  void signingKeyPrefetch_given_startsADaemonQueueOfThatDepth() {
    Envelope envelope =
        Envelope.builder().keyring(TestKeys.aes256Keyring()).signingKeyPrefetch(13).build();
    byte[] first = envelope.encrypt(Messages.plaintext(10), EncryptionContext.empty());
    byte[] second = envelope.encrypt(Messages.plaintext(10), EncryptionContext.empty());
    assertNotEquals(publicKeyOf(first), publicKeyOf(second), "a pair is never handed out twice");
    Thread pool =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals("envelope-signing-keys-secp384r1-13"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no prefetch thread of depth 13"));
    assertTrue(pool.isDaemon());
  }

  @Test
  void signingKeyPrefetch_invalidTwiceOrWithAManager_refused() {
    assertThrows(IllegalArgumentException.class, () -> Envelope.builder().signingKeyPrefetch(-1));
    assertThrows(
        IllegalArgumentException.class,
        () -> Envelope.builder().signingKeyPrefetch(DefaultMaterialsManager.MAX_SIGNING_KEY_PREFETCH + 1));
    assertThrows(
        IllegalStateException.class,
        () -> Envelope.builder().signingKeyPrefetch(1).signingKeyPrefetch(1));
    Envelope.Builder withManager =
        Envelope.builder()
            .materialsManager(new DefaultMaterialsManager(TestKeys.aes256Keyring()))
            .signingKeyPrefetch(2);
    IllegalStateException e = assertThrows(IllegalStateException.class, withManager::build);
    assertTrue(e.getMessage().contains("DefaultMaterialsManager"), e.getMessage());
  }

  @Test
  void defaultMaterialsManager_prefetchOutOfRange_refused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new DefaultMaterialsManager(TestKeys.aes256Keyring(), -1));
    assertEquals(0, new DefaultMaterialsManager(TestKeys.aes256Keyring(), 0).signingKeyPrefetch());
  }

  @Test
  void keyringThenMaterialsManager_refusedAsSetTwice() {
    Envelope.Builder b = Envelope.builder().keyring(TestKeys.aes256Keyring());
    assertThrows(
        IllegalStateException.class,
        () -> b.materialsManager(new DefaultMaterialsManager(TestKeys.aes256Keyring())));
    assertThrows(IllegalStateException.class, () -> b.keyring(TestKeys.aes256Keyring()));
  }
}
