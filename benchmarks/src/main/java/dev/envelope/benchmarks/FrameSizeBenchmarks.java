package dev.envelope.benchmarks;

import dev.envelope.AlgorithmSuite;
import dev.envelope.Envelope;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How frame size and frame-level parallelism change large-message throughput (suite 0x0478, JDK
 * provider). {@link Serial} keeps every frame on the calling thread; {@link Parallel} lets a
 * large body's frames be split between the caller and the common fork-join pool. The default
 * frame size in {@code Envelope} is chosen from this benchmark (docs/benchmarks.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
public abstract class FrameSizeBenchmarks {
  @Param({"1048576", "8388608"})
  public int size;

  @Param({"4096", "16384", "65536", "262144"})
  public int frameSize;

  private byte[] plaintext;
  private byte[] message;
  private Envelope envelope;

  @Setup
  public void setUp() {
    plaintext = Fixtures.bytes(size, 1);
    envelope =
        Envelope.builder()
            .keyring(Fixtures.rawAesKeyring())
            .algorithmSuite(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY)
            .frameSize(frameSize)
            .build();
    message = envelope.encrypt(plaintext, Fixtures.CONTEXT);
  }

  @Benchmark
  public byte[] encrypt() {
    return envelope.encrypt(plaintext, Fixtures.CONTEXT);
  }

  @Benchmark
  public byte[] decrypt() {
    return envelope.decrypt(message, Fixtures.CONTEXT).plaintext();
  }

  /** Every frame on the calling thread. */
  @Fork(value = 1, jvmArgsAppend = {"-Ddev.envelope.crypto.provider=jdk", "-Ddev.envelope.parallel.threads=1"})
  public static class Serial extends FrameSizeBenchmarks {}

  /** Frames of large bodies split across the available cores. */
  @Fork(value = 1, jvmArgsAppend = {"-Ddev.envelope.crypto.provider=jdk"})
  public static class Parallel extends FrameSizeBenchmarks {}
}
