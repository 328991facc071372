package dev.envelope.internal.crypto;

import dev.envelope.AlgorithmSuite.Signing;
import java.security.KeyPair;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Per-message ECDSA key pairs for signing suites, made ahead of time off the caller's path.
 *
 * <p>Generating a P-384 key pair costs about as much as signing (≈1 ms with the JDK's SunEC), and
 * every signed message needs a fresh one. A daemon thread per curve keeps a small queue of fresh
 * pairs filled, so the caller only signs. Each pair is handed out exactly once and never reused;
 * when the queue is empty the caller generates its own pair inline, so latency never depends on
 * the background thread. The queue holds at most {@value #DEFAULT_DEPTH} pairs by default (system
 * property {@value #DEPTH_PROPERTY}, read once; 0 turns prefetching off); a caller may choose its
 * own depth per materials manager, which gets its own queue.
 *
 * <p>Security note: prefetched private keys wait in memory until used, like any key the process
 * holds; they never leave the process and are never written anywhere.
 */
public final class SigningKeys {
  static final String DEPTH_PROPERTY = "dev.envelope.signing.prefetch";
  static final int DEFAULT_DEPTH = 8;
  /** The most pairs a queue may hold; bounds the memory and the choices of depth. */
  public static final int MAX_DEPTH = 64;
  private static final int JVM_DEPTH =
      Math.min(MAX_DEPTH, Math.max(0, Integer.getInteger(DEPTH_PROPERTY, DEFAULT_DEPTH)));

  /** One pool per curve and depth, started at first use. */
  private static final Map<String, Pool> POOLS = new ConcurrentHashMap<>();

  private SigningKeys() {}

  /** The JVM-wide queue depth: the system property {@value #DEPTH_PROPERTY}, read once. */
  public static int defaultDepth() {
    return JVM_DEPTH;
  }

  /** A fresh key pair on the curve of {@code signing}, never handed out before. */
  public static KeyPair next(Signing signing) {
    return next(signing, JVM_DEPTH);
  }

  /**
   * A fresh key pair on the curve of {@code signing}, never handed out before, from a queue of at
   * most {@code depth} prefetched pairs; 0 generates it inline.
   */
  public static KeyPair next(Signing signing, int depth) {
    if (signing == Signing.NONE) {
      throw new IllegalArgumentException("suites without signing need no signing key");
    }
    if (depth < 0 || depth > MAX_DEPTH) {
      throw new IllegalArgumentException(
          "the signing-key prefetch depth must be between 0 and " + MAX_DEPTH + ": " + depth);
    }
    if (depth == 0) {
      return EcKeys.generate(signing);
    }
    return POOLS.computeIfAbsent(signing.name() + "/" + depth, k -> new Pool(signing, depth)).take();
  }

  private static final class Pool implements Runnable {
    private final Signing signing;
    private final BlockingQueue<KeyPair> ready;
    private final AtomicBoolean started = new AtomicBoolean();
    private final Object wake = new Object();

    private final int depth;

    Pool(Signing signing, int depth) {
      this.signing = signing;
      this.depth = depth;
      this.ready = new ArrayBlockingQueue<>(depth);
    }
    KeyPair take() {
      if (started.compareAndSet(false, true)) {
        Thread t = new Thread(this, "envelope-signing-keys-" + signing.curveName() + "-" + depth);
        t.setDaemon(true);
        t.start();
      }
      KeyPair pair = ready.poll();
      synchronized (wake) {
        wake.notifyAll();
      }
      return pair != null ? pair : EcKeys.generate(signing);
    }

    @Override
    public void run() {
      while (true) {
        try {
          synchronized (wake) {
            while (ready.remainingCapacity() == 0) {
              wake.wait();
            }
          }
          ready.offer(EcKeys.generate(signing));
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          // Leave the callers to generate inline; retry later rather than spin.
          try {
            Thread.sleep(1000);
          } catch (InterruptedException stop) {
            return;
          }
        }
      }
    }
  }
}
