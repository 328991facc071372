package dev.envelope.benchmarks;

import dev.envelope.AlgorithmSuite;
import dev.envelope.DecryptionMaterials;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionMaterials;
import dev.envelope.Envelope;
import dev.envelope.Keyring;
import dev.envelope.cache.CachingMaterialsManager;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the data-key cache saves against a remote key service. The keyring is a raw AES keyring
 * behind a simulated network round trip of {@code latencyMicros} per call (a KMS call is typically
 * 1–10 ms). Uncached, every message pays the round trip; cached (message limit {@code
 * messageLimit}), one message in {@code messageLimit} does. The auxiliary counter
 * {@code keyringCalls} is a rate like the primary score (calls per second, charged to the thread
 * that made the call), so keyring calls per message = keyringCalls / score. Runs with two threads to
 * show contention on one hot entry.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Ddev.envelope.crypto.provider=jdk")
@Threads(2)
public class CacheBenchmarks {
  @Param({"1000"})
  public int latencyMicros;

  @Param({"100"})
  public int messageLimit;

  /** Keyring calls made by the current thread (a waiting thread of a single-flight load makes none). */
  private static final ThreadLocal<long[]> CALLS = ThreadLocal.withInitial(() -> new long[1]);
  private byte[] plaintext;
  private Envelope uncached;
  private Envelope cached;

  /** Keyring calls made by this benchmark thread, reported as a rate. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Calls {
    public long keyringCalls;

    @Setup(Level.Iteration)
    public void reset() {
      keyringCalls = 0;
    }
  }

  @Setup
  public void setUp() {
    plaintext = Fixtures.bytes(1024, 1);
    Keyring remote = new SlowKeyring(Fixtures.rawAesKeyring(), latencyMicros);
    uncached =
        Envelope.builder().keyring(remote).algorithmSuite(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY).build();
    cached =
        Envelope.builder()
            .materialsManager(
                CachingMaterialsManager.builder()
                    .keyring(remote)
                    .maxAge(Duration.ofMinutes(5))
                    .messageUseLimit(messageLimit)
                    .build())
            .algorithmSuite(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY)
            .build();
  }

  @Benchmark
  public byte[] uncachedEncrypt(Calls counter) {
    long[] mine = CALLS.get();
    long before = mine[0];
    byte[] out = uncached.encrypt(plaintext, Fixtures.CONTEXT);
    counter.keyringCalls += mine[0] - before;
    return out;
  }

  @Benchmark
  public byte[] cachedEncrypt(Calls counter) {
    long[] mine = CALLS.get();
    long before = mine[0];
    byte[] out = cached.encrypt(plaintext, Fixtures.CONTEXT);
    counter.keyringCalls += mine[0] - before;
    return out;
  }

  /** A keyring that waits {@code latencyMicros} per call, like a network round trip to a KMS. */
  static final class SlowKeyring implements Keyring {
    private final Keyring inner;
    private final long latencyNanos;

    SlowKeyring(Keyring inner, int latencyMicros) {
      this.inner = inner;
      this.latencyNanos = TimeUnit.MICROSECONDS.toNanos(latencyMicros);
    }

    @Override
    public EncryptionMaterials onEncrypt(EncryptionMaterials materials) {
      CALLS.get()[0]++;
      LockSupport.parkNanos(latencyNanos);
      return inner.onEncrypt(materials);
    }

    @Override
    public DecryptionMaterials onDecrypt(DecryptionMaterials materials, List<EncryptedDataKey> keys) {
      CALLS.get()[0]++;
      LockSupport.parkNanos(latencyNanos);
      return inner.onDecrypt(materials, keys);
    }
  }
}
