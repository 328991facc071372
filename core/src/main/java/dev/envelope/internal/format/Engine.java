package dev.envelope.internal.format;

import dev.envelope.internal.crypto.Primitives;
import java.util.concurrent.Executor;

/**
 * How an Envelope runs the message format: which JCA primitives, and which threads may share a
 * large body's frames. Immutable; one per Envelope.
 */
public final class Engine {
  private static final Engine DEFAULT = new Engine(null, Parallel.DEFAULT);

  private final Primitives primitives;
  private final Parallel parallel;

  private Engine(Primitives primitives, Parallel parallel) {
    this.primitives = primitives;
    this.parallel = parallel;
  }

  /** The JVM-wide defaults (system properties, read once). */
  public static Engine defaults() {
    return DEFAULT;
  }

  /**
   * An engine with explicit settings.
   *
   * @param primitives null for {@link Primitives#defaults()}
   * @param executor null for the common fork-join pool
   * @param parallelism the most threads one body is split between, or -1 for the default
   * @param parallelThreshold the smallest body split between threads, or -1 for the default
   */
  public static Engine of(
      Primitives primitives, Executor executor, int parallelism, long parallelThreshold) {
    return new Engine(
        primitives,
        new Parallel(
            executor,
            parallelism == -1 ? Parallel.DEFAULT_THREADS : parallelism,
            parallelThreshold == -1 ? Parallel.DEFAULT_MIN_BYTES : parallelThreshold));
  }

  /** The JVM-wide default parallelism (system property {@code dev.envelope.parallel.threads}). */
  public static int defaultParallelism() {
    return Parallel.DEFAULT_THREADS;
  }

  /** The JVM-wide default threshold (system property {@code dev.envelope.parallel.minBytes}). */
  public static long defaultParallelThreshold() {
    return Parallel.DEFAULT_MIN_BYTES;
  }

  public Primitives primitives() {
    return primitives == null ? Primitives.defaults() : primitives;
  }

  Parallel parallel() {
    return parallel;
  }

  /** For tests: into how many chunks a body of {@code count} frames would be split. */
  int chunks(long count, int frameLength) {
    return parallel.chunks(count, frameLength);
  }
}
