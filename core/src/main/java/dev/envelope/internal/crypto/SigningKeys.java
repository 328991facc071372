package dev.envelope.internal.crypto;

import dev.envelope.AlgorithmSuite.Signing;
import java.security.KeyPair;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Per-message ECDSA key pairs for signing suites, made ahead of time off the caller's path.
 *
 * <p>Generating a P-384 key pair costs about as much as signing (≈1 ms with the JDK's SunEC), and
 * every signed message needs a fresh one. A daemon thread per curve keeps a small queue of fresh
 * pairs filled, so the caller only signs. Each pair is handed out exactly once and never reused;
 * when the queue is empty the caller generates its own pair inline, so latency never depends on
 * the background thread. The queue holds at most {@value #DEFAULT_DEPTH} pairs (system property
 * {@value #DEPTH_PROPERTY}; 0 turns prefetching off).
 *
 * <p>Security note: prefetched private keys wait in memory until used, like any key the process
 * holds; they never leave the process and are never written anywhere.
 */
public final class SigningKeys {
  static final String DEPTH_PROPERTY = "dev.envelope.signing.prefetch";
  static final int DEFAULT_DEPTH = 8;
  private static final int DEPTH = Math.max(0, Integer.getInteger(DEPTH_PROPERTY, DEFAULT_DEPTH));

  private static final Map<Signing, Pool> POOLS = new EnumMap<>(Signing.class);

  static {
    for (Signing signing : Signing.values()) {
      if (signing != Signing.NONE) {
        POOLS.put(signing, new Pool(signing));
      }
    }
  }

  private SigningKeys() {}

  /** A fresh key pair on the curve of {@code signing}, never handed out before. */
  public static KeyPair next(Signing signing) {
    if (DEPTH == 0) {
      return EcKeys.generate(signing);
    }
    return POOLS.get(signing).take();
  }

  private static final class Pool implements Runnable {
    private final Signing signing;
    private final BlockingQueue<KeyPair> ready = new ArrayBlockingQueue<>(DEPTH == 0 ? 1 : DEPTH);
    private final AtomicBoolean started = new AtomicBoolean();
    private final Object wake = new Object();

    Pool(Signing signing) {
      this.signing = signing;
    }

    KeyPair take() {
      if (started.compareAndSet(false, true)) {
        Thread t = new Thread(this, "envelope-signing-keys-" + signing.curveName());
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
