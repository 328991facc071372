package dev.envelope.internal.format;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * Splits independent frames between the calling thread and the common fork-join pool when a body
 * is large enough for that to pay off. Frames are independent (own IV, own AAD), so the output is
 * byte-for-byte what one thread would write.
 */
final class Parallel {
  /**
   * Bodies below this many plaintext bytes stay on the calling thread. Measured on 2 cores
   * (FrameSizeBenchmarks): handing half of a 1 MiB body to a pool thread gained nothing, because
   * waking the thread costs about what it saves; at 8 MiB two threads ran 1.35× faster.
   */
  static final long MIN_PARALLEL_BYTES = Long.getLong("dev.envelope.parallel.minBytes", 2L * 1024 * 1024);

  private static final int THREADS =
      Integer.getInteger(
          "dev.envelope.parallel.threads", Math.min(8, Runtime.getRuntime().availableProcessors()));

  interface RangeTask {
    void run(long from, long to);
  }

  private Parallel() {}

  /** Runs {@code task} over frames [0, count), in parallel chunks if the frames are many. */
  static void forRange(long count, int frameLength, RangeTask task) {
    int chunks = chunks(count, frameLength);
    if (chunks <= 1) {
      task.run(0, count);
      return;
    }
    List<RecursiveAction> forked = new ArrayList<>(chunks - 1);
    long per = count / chunks;
    long extra = count % chunks;
    long from = 0;
    long firstTo = 0;
    for (int c = 0; c < chunks; c++) {
      long to = from + per + (c < extra ? 1 : 0);
      if (c == 0) {
        firstTo = to;
      } else {
        long f = from;
        long t = to;
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
      from = to;
    }
    RuntimeException failure = null;
    try {
      task.run(0, firstTo);
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

  private static int chunks(long count, int frameLength) {
    if (THREADS <= 1 || count < 2 || count * frameLength < MIN_PARALLEL_BYTES) {
      return 1;
    }
    long byBytes = count * frameLength / (MIN_PARALLEL_BYTES / 2);
    return (int) Math.max(1, Math.min(Math.min(THREADS, count), byBytes));
  }
}
