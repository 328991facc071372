package dev.envelope.benchmarks;

import dev.envelope.AlgorithmSuite;
import dev.envelope.Envelope;
import dev.envelope.cache.CachingMaterialsManager;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Envelope encrypt and decrypt of whole messages with a raw AES-256 keyring (a fresh data key
 * per message, wrapped by AES-GCM), for suites 0x0478 and 0x0578, and for 0x0478 through the
 * caching materials manager. The crypto provider is fixed per
 * JVM: {@link Jdk} forces the JDK's, {@link Accp} the Amazon Corretto Crypto Provider.
 *
 * <p>Run: {@code scripts/bench EnvelopeBenchmarks} (or see benchmarks/README.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
public abstract class EnvelopeBenchmarks {
  @Param({"1024", "65536", "1048576"})
  public int size;

  private byte[] plaintext;
  private Envelope envelope0478;
  private Envelope envelope0578;
  private Envelope envelope0478Cached;
  private byte[] message0478;
  private byte[] message0578;

  @Setup
  public void setUp() {
    plaintext = Fixtures.bytes(size, 1);
    envelope0478 =
        Envelope.builder()
            .keyring(Fixtures.rawAesKeyring())
            .algorithmSuite(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY)
            .build();
    envelope0578 = Envelope.builder().keyring(Fixtures.rawAesKeyring()).build();
    envelope0478Cached =
        Envelope.builder()
            .materialsManager(
                CachingMaterialsManager.builder()
                    .keyring(Fixtures.rawAesKeyring())
                    .maxAge(Duration.ofMinutes(5))
                    .build())
            .algorithmSuite(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY)
            .build();
    message0478 = envelope0478.encrypt(plaintext, Fixtures.CONTEXT);
    message0578 = envelope0578.encrypt(plaintext, Fixtures.CONTEXT);
  }

  @Benchmark
  public byte[] encrypt0478() {
    return envelope0478.encrypt(plaintext, Fixtures.CONTEXT);
  }

  @Benchmark
  public byte[] decrypt0478() {
    return envelope0478.decrypt(message0478, Fixtures.CONTEXT).plaintext();
  }

  /** A data key cached for 5 minutes (message limit 2^32): one keyring call per key lifetime. */
  @Benchmark
  public byte[] encrypt0478Cached() {
    return envelope0478Cached.encrypt(plaintext, Fixtures.CONTEXT);
  }

  /** Repeated decryption of one message: the data key is unwrapped once, then cached. */
  @Benchmark
  public byte[] decrypt0478Cached() {
    return envelope0478Cached.decrypt(message0478, Fixtures.CONTEXT).plaintext();
  }

  @Benchmark
  public byte[] encrypt0578() {
    return envelope0578.encrypt(plaintext, Fixtures.CONTEXT);
  }

  @Benchmark
  public byte[] decrypt0578() {
    return envelope0578.decrypt(message0578, Fixtures.CONTEXT).plaintext();
  }

  /** With the JDK's providers only. */
  @org.openjdk.jmh.annotations.Fork(value = 1, jvmArgsAppend = "-Ddev.envelope.crypto.provider=jdk")
  public static class Jdk extends EnvelopeBenchmarks {}

  /** With the Amazon Corretto Crypto Provider. */
  @org.openjdk.jmh.annotations.Fork(value = 1, jvmArgsAppend = "-Ddev.envelope.crypto.provider=accp")
  public static class Accp extends EnvelopeBenchmarks {}
}
