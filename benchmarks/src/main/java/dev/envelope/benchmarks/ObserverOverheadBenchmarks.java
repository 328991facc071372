package dev.envelope.benchmarks;

import dev.envelope.AlgorithmSuite;
import dev.envelope.Envelope;
import dev.envelope.micrometer.EnvelopeMetrics;
import dev.envelope.opentelemetry.EnvelopeTelemetry;
import dev.envelope.observe.EnvelopeObserver;
import dev.envelope.observe.KeyringCall;
import dev.envelope.observe.KeyringCallObservation;
import dev.envelope.observe.Operation;
import dev.envelope.observe.OperationObservation;
import dev.envelope.observe.OperationResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What an {@link EnvelopeObserver} costs (issue 15): 1 KiB messages, 0x0478, a raw AES keyring,
 * JDK provider, with {@code observer} = {@code none} (no observer registered: the hot path's only
 * addition is a null check; each parameter runs in its own fork, so no observer ever exists in
 * that JVM), {@code noop} (an observer that ignores everything, so the cost is Envelope's own
 * bookkeeping: the start, the thread-current operation, the keyring call's timing, the result) and
 * {@code counting} (an observer that counts operations, keyring calls and bytes, as a metrics
 * adapter would) and {@code micrometer} (the Micrometer binder, {@code envelope-micrometer}, on a
 * {@code SimpleMeterRegistry}: a counter and a timer per operation, a timer per keyring call) and
 * {@code opentelemetry} ({@code envelope-opentelemetry} on the SDK: every span sampled and handed to
 * a batch processor whose exporter discards it, metrics aggregated for an in-memory reader).
 *
 * <p>Run after {@code mvn -pl benchmarks -am package -DskipTests}: {@code java -cp
 * "benchmarks/target/classes:$(ls benchmarks/target/lib/*.jar | tr '\n' ':')" org.openjdk.jmh.Main
 * ObserverOverheadBenchmarks}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = "-Ddev.envelope.crypto.provider=jdk")
public class ObserverOverheadBenchmarks {
  @Param({"none", "noop", "counting", "micrometer", "opentelemetry"})
  public String observer;

  private byte[] plaintext;
  private byte[] message;
  private Envelope envelope;
  private OpenTelemetrySdk otel;

  @Setup
  public void setUp() {
    plaintext = Fixtures.bytes(1024, 5);
    Envelope.Builder b =
        Envelope.builder()
            .keyring(Fixtures.rawAesKeyring())
            .algorithmSuite(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY);
    switch (observer) {
      case "none":
        break;
      case "noop":
        b.observer((operation, streaming) -> OperationObservation.NONE);
        break;
      case "counting":
        b.observer(new Counting());
        break;
      case "micrometer":
        EnvelopeMetrics metrics = EnvelopeMetrics.create();
        metrics.bindTo(new SimpleMeterRegistry());
        b.observer(metrics.observer());
        break;
      case "opentelemetry":
        otel = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(BatchSpanProcessor.builder(SpanExporter.composite()).build())
                .build())
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(InMemoryMetricReader.create()).build())
            .build();
        b.observer(EnvelopeTelemetry.builder(otel).build().observer());
        break;
      default:
        throw new IllegalArgumentException(
            "observer must be none, noop, counting, micrometer or opentelemetry: " + observer);
    }
    envelope = b.build();
    message = envelope.encrypt(plaintext, Fixtures.CONTEXT);
  }

  @TearDown
  public void tearDown() {
    if (otel != null) {
      otel.close();
    }
  }

  @Benchmark
  public byte[] encrypt1KiB() {
    return envelope.encrypt(plaintext, Fixtures.CONTEXT);
  }

  @Benchmark
  public byte[] decrypt1KiB() {
    return envelope.decrypt(message, Fixtures.CONTEXT).plaintext();
  }

  /** Counts what a metrics adapter would: operations by outcome, keyring calls, bytes, time. */
  static final class Counting implements EnvelopeObserver {
    final LongAdder started = new LongAdder();
    final LongAdder succeeded = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder keyringCalls = new LongAdder();
    final LongAdder keyringNanos = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final LongAdder nanos = new LongAdder();

    @Override
    public OperationObservation started(Operation operation, boolean streaming) {
      started.increment();
      return new OperationObservation() {
        @Override
        public KeyringCallObservation keyringCallStarted(KeyringCall call) {
          keyringCalls.increment();
          return result -> keyringNanos.add(result.durationNanos());
        }

        @Override
        public void ended(OperationResult result) {
          (result.failure().isPresent() ? failed : succeeded).increment();
          bytes.add(result.plaintextBytes().orElse(0));
          nanos.add(result.durationNanos());
        }
      };
    }
  }
}
