package dev.envelope.internal.format;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.RejectedExecutionException;

/**
 * Splits independent frames between the calling thread and an executor (by default the common
 * fork-join pool) when a body is large enough for that to pay off. Frames are independent (own IV,
 * own AAD), so the output is byte-for-byte what one thread would write. Immutable.
 */
final class Parallel {
  /**
   * Bodies below this many plaintext bytes stay on the calling thread. Measured on 2 cores
   * (FrameSizeBenchmarks): handing half of a 1 MiB body to a pool thread gained nothing, because
   * waking the thread costs about what it saves; at 8 MiB two threads ran 1.35× faster. JVM-wide
   * default from the system property {@code dev.envelope.parallel.minBytes}, read once.
   */
  static final long DEFAULT_MIN_BYTES =
      Math.max(1, Long.getLong("dev.envelope.parallel.minBytes", 2L * 1024 * 1024));

  /**
   * The most threads (the caller's included) one body is split between; 1 turns splitting off.
   * JVM-wide default from the system property {@code dev.envelope.parallel.threads}, read once.
   */
  static final int DEFAULT_THREADS =
      Math.max(
          1,
          Integer.getInteger(
              "dev.envelope.parallel.threads",
              Math.min(8, Runtime.getRuntime().availableProcessors())));

  static final Parallel DEFAULT = new Parallel(null, DEFAULT_THREADS, DEFAULT_MIN_BYTES);

  interface RangeTask {
    void run(long from, long to);
  }

  /** Null: fork into the common fork-join pool, as {@link RecursiveAction#fork()} does. */
  private final Executor executor;
  private final int threads;
  private final long minBytes;

  Parallel(Executor executor, int threads, long minBytes) {
    this.executor = executor;
    this.threads = threads;
    this.minBytes = minBytes;
  }

  /** Runs {@code task} over frames [0, count), in parallel chunks if the frames are many. */
  void forRange(long count, int frameLength, RangeTask task) {
    int chunks = chunks(count, frameLength);
    if (chunks <= 1) {
      task.run(0, count);
      return;
    }
    long per = count / chunks;
    long extra = count % chunks;
    long[] bounds = new long[chunks + 1];
    for (int c = 0; c < chunks; c++) {
      bounds[c + 1] = bounds[c] + per + (c < extra ? 1 : 0);
    }
    if (executor == null) {
      forkJoin(bounds, task);
    } else {
      onExecutor(bounds, task);
    }
  }

  private static void forkJoin(long[] bounds, RangeTask task) {
    List<RecursiveAction> forked = new ArrayList<>(bounds.length - 2);
    for (int c = 1; c < bounds.length - 1; c++) {
      long f = bounds[c];
      long t = bounds[c + 1];
      RecursiveAction action =
          new RecursiveAction() {
            @Override
            protected void compute() {
              task.run(f, t);
            }
          };
      action.fork();
      forked.add(action);
    }
    RuntimeException failure = null;
    try {
      task.run(0, bounds[1]);
    } catch (RuntimeException e) {
      failure = e;
    }
    for (ForkJoinTask<?> action : forked) {
      try {
        action.join();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * The caller's executor. A chunk the executor rejects or has not started when the calling thread
   * gets to it runs on the calling thread, so a small, busy or same-thread executor cannot
   * deadlock a message. Every chunk has finished (they write into the caller's buffer) before this
   * returns or throws.
   */
  private void onExecutor(long[] bounds, RangeTask task) {
    List<FutureTask<Void>> forked = new ArrayList<>(bounds.length - 2);
    for (int c = 1; c < bounds.length - 1; c++) {
      long f = bounds[c];
      long t = bounds[c + 1];
      FutureTask<Void> chunk = new FutureTask<>(() -> task.run(f, t), null);
      try {
        executor.execute(chunk);
      } catch (RejectedExecutionException rejected) {
        // Runs below, on this thread.
      }
      forked.add(chunk);
    }
    Throwable failure = null;
    try {
      task.run(0, bounds[1]);
    } catch (RuntimeException | Error e) {
      failure = e;
    }
    boolean interrupted = false;
    for (FutureTask<Void> chunk : forked) {
      chunk.run(); // no-op if the executor has started it
      while (true) {
        try {
          chunk.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          if (failure == null) {
            failure = e.getCause();
          }
          break;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure instanceof RuntimeException) {
      throw (RuntimeException) failure;
    }
    if (failure instanceof Error) {
      throw (Error) failure;
    }
  }

  int chunks(long count, int frameLength) {
    if (threads <= 1 || count < 2 || count * frameLength < minBytes) {
      return 1;
    }
    long byBytes = count * frameLength / Math.max(1, minBytes / 2);
    return (int) Math.max(1, Math.min(Math.min(threads, count), byBytes));
  }
}
