package dev.envelope.benchmarks;

import dev.envelope.AlgorithmSuite;
import dev.envelope.CommitmentPolicy;
import dev.envelope.Envelope;
import dev.envelope.RewrapRequest;
import dev.envelope.keyring.RawAesKeyring;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
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
 * What rewrap and random access save (issue 13), per message of {@code size} bytes (JDK provider):
 *
 * <ul>
 *   <li>{@link #rewrapInMemory}: in-place rewrap of a version-1 message (0x0178) held in memory,
 *       which authenticates every frame before returning; {@link #rewrapStream}: the same from a
 *       stream, copying the body without decrypting it; against {@link #decryptThenEncrypt} of the
 *       same message, and {@link #reencrypt} (the full re-encryption rewrap does for 0x0478);
 *   <li>{@link #rangeRead4KiB}: opening a 0x0478 message as a plaintext channel (header and final
 *       frame verified) and reading 4 KiB from its middle, against {@link #fullDecrypt}.
 * </ul>
 *
 * Run after {@code mvn -pl benchmarks -am package -DskipTests}: {@code java -cp
 * "benchmarks/target/classes:$(ls benchmarks/target/lib/*.jar | tr '\n' ':')" org.openjdk.jmh.Main
 * RewrapBenchmarks} (add {@code -p size=1048576} for 1 MiB only); the 100 MiB point runs with a
 * 2 GiB heap. Only a short run on a busy 2-core machine has been made (2026-12-06, JDK 17, 1 MiB,
 * 64 KiB frames): rewrapStream ≈ 190× decrypt+encrypt, rewrapInMemory ≈ 2.3×, rangeRead4KiB ≈ 7×
 * a full decrypt (it decrypts two 64 KiB frames of sixteen; at 100 MiB, two of 1,600).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Ddev.envelope.crypto.provider=jdk", "-Xmx2g"})
public class RewrapBenchmarks {
  @Param({"1048576", "104857600"})
  public int size;

  private static final int RANGE = 4096;
  private byte[] plaintext;
  private byte[] v1Message;
  private byte[] v2Message;
  private Envelope oldKeys;
  private Envelope newKeys;
  private RewrapRequest rewrap;
  private RewrapRequest reencrypt;

  @Setup
  public void setUp() {
    plaintext = Fixtures.bytes(size, 3);
    RawAesKeyring newKeyring = RawAesKeyring.builder()
        .keyNamespace(Fixtures.NAMESPACE).keyName("new").wrappingKey(Fixtures.bytes(32, 9)).build();
    oldKeys = Envelope.builder().keyring(Fixtures.rawAesKeyring())
        .commitmentPolicy(CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT)
        .algorithmSuite(AlgorithmSuite.AES_256_GCM_IV12_TAG16_HKDF_SHA256).build();
    newKeys = Envelope.builder().keyring(newKeyring)
        .commitmentPolicy(CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT)
        .algorithmSuite(AlgorithmSuite.AES_256_GCM_IV12_TAG16_HKDF_SHA256).build();
    v1Message = oldKeys.encrypt(plaintext, Fixtures.CONTEXT);
    v2Message = Envelope.builder().keyring(Fixtures.rawAesKeyring())
        .algorithmSuite(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY).build()
        .encrypt(plaintext, Fixtures.CONTEXT);
    rewrap = RewrapRequest.to(newKeyring).build();
    reencrypt = RewrapRequest.to(newKeyring).reencrypt().build();
  }

  @Benchmark
  public byte[] rewrapInMemory() {
    return oldKeys.rewrap(v1Message, Fixtures.CONTEXT, rewrap);
  }

  @Benchmark
  public long rewrapStream() {
    Counting out = new Counting();
    oldKeys.rewrap(new ByteArrayInputStream(v1Message), out, Fixtures.CONTEXT, rewrap);
    return out.count;
  }

  @Benchmark
  public byte[] decryptThenEncrypt() {
    return newKeys.encrypt(oldKeys.decrypt(v1Message, Fixtures.CONTEXT).plaintext(), Fixtures.CONTEXT);
  }

  @Benchmark
  public byte[] reencrypt() {
    return oldKeys.rewrap(v2Message, Fixtures.CONTEXT, reencrypt);
  }

  @Benchmark
  public ByteBuffer rangeRead4KiB() throws IOException {
    int length = Math.min(RANGE, size);
    ByteBuffer range = ByteBuffer.allocate(length);
    try (SeekableByteChannel channel =
        oldKeys.openPlaintextChannel(new ArrayChannel(v2Message), Fixtures.CONTEXT)) {
      channel.position((size - length) / 2);
      while (range.hasRemaining() && channel.read(range) > 0) {
        // fill the range
      }
    }
    return range;
  }

  @Benchmark
  public byte[] fullDecrypt() {
    return oldKeys.decrypt(v2Message, Fixtures.CONTEXT).plaintext();
  }

  /** Counts what is written, keeps nothing. */
  private static final class Counting extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }

  /** A read-only channel over an array, as a memory-mapped file would be. */
  private static final class ArrayChannel implements SeekableByteChannel {
    private final byte[] data;
    private long position;

    ArrayChannel(byte[] data) {
      this.data = data;
    }

    @Override
    public int read(ByteBuffer dst) {
      if (position >= data.length) {
        return -1;
      }
      int n = (int) Math.min(dst.remaining(), data.length - position);
      dst.put(data, (int) position, n);
      position += n;
      return n;
    }

    @Override
    public int write(ByteBuffer src) {
      throw new UnsupportedOperationException("read-only");
    }

    @Override
    public long position() {
      return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) {
      position = newPosition;
      return this;
    }

    @Override
    public long size() {
      return data.length;
    }

    @Override
    public SeekableByteChannel truncate(long newSize) {
      throw new UnsupportedOperationException("read-only");
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {
      // nothing to release
    }
  }
}
