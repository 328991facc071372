package dev.envelope.localkms;

import dev.envelope.localkms.junit.LocalKms;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;

/**
 * Measures GenerateDataKey calls per second from one AWS SDK client shared by several threads,
 * against a local endpoint in the same JVM. Run by hand, not a test (a figure, not a pass/fail):
 *
 * <pre>
 * mvn -B -q -o -pl local-provider/kms-endpoint -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java -cp local-provider/kms-endpoint/target/test-classes:local-provider/kms-endpoint/target/classes:local-provider/keystore/target/classes:\
 *     core/target/classes:$(cat /tmp/cp.txt) \
 *     dev.envelope.localkms.KmsThroughput [threads=8] [seconds=10]
 * </pre>
 */
public final class KmsThroughput {
  private KmsThroughput() {}

  public static void main(String[] args) throws Exception {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    try (LocalKms kms = LocalKms.start(LocalKmsServer.builder())) {
      KmsClient client = kms.client();
      String keyArn = kms.createKey();
      System.out.printf(
          "JDK %s, %d cores%n",
          System.getProperty("java.version"),
          Runtime.getRuntime().availableProcessors());
      run(client, keyArn, threads, Duration.ofSeconds(3)); // warm-up
      long calls = run(client, keyArn, threads, Duration.ofSeconds(seconds));
      System.out.printf(
          "GenerateDataKey (AES_256): %d calls in %d s with %d threads = %.0f calls/s%n",
          calls, seconds, threads, calls / (double) seconds);
      long single = run(client, keyArn, 1, Duration.ofSeconds(Math.max(3, seconds / 2)));
      System.out.printf(
          "GenerateDataKey, 1 thread: %.0f calls/s%n", single / (double) Math.max(3, seconds / 2));
    }
  }

  private static long run(KmsClient client, String keyArn, int threads, Duration duration)
      throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    LongAdder calls = new LongAdder();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      futures.add(
          pool.submit(
              () -> {
                while (!stop.get()) {
                  client.generateDataKey(r -> r.keyId(keyArn).keySpec(DataKeySpec.AES_256));
                  calls.increment();
                }
                return null;
              }));
    }
    Thread.sleep(duration.toMillis());
    stop.set(true);
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    return calls.sum();
  }
}
