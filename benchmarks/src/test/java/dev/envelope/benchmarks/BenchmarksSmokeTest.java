package dev.envelope.benchmarks;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs every JMH benchmark once, briefly and in this JVM, through the report's own passes (sized,
 * threaded at 1 KiB, unsized), so that none of them can rot: each must set up, run and report a
 * positive score, and the report must render every table. The numbers mean nothing.
 */
class BenchmarksSmokeTest {
  @Test
  void everyBenchmark_runsOnce_andReportsAScore() throws Exception {
    Report.Measured measured =
        Report.measure(
            "dev.envelope.benchmarks.*",
            1,
            true,
            o -> o.forks(0)
                .measurementTime(TimeValue.milliseconds(50))
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT));
    Set<String> classes = new TreeSet<>();
    boolean threaded = false;
    for (Map.Entry<String, Report.Point> e : measured.rounds().get(0).entrySet()) {
      String name = e.getKey().substring(0, e.getKey().indexOf(' '));
      assertTrue(e.getValue().opsPerSecond() > 0, e.getKey() + " reported no score");
      classes.add(name.substring(0, name.lastIndexOf('.')));
      threaded |= e.getKey().endsWith(" threads=" + measured.threads());
    }
    for (String expected :
        new String[] {
          "EnvelopeBenchmarks.Jdk", "EnvelopeBenchmarks.Accp", "EsdkBenchmarks.Jdk", "EsdkBenchmarks.Accp",
          "RawAesGcmBenchmarks", "TinkBenchmarks", "FloorBenchmarks", "EcdsaBenchmarks", "FrameSizeBenchmarks.Serial",
          "FrameSizeBenchmarks.Parallel", "CacheBenchmarks", "KeySourceBenchmarks",
          "RewrapBenchmarks", "ObserverOverheadBenchmarks", "KeyStoreThroughputBenchmarks", "CacheHitBenchmarks"
        }) {
      assertTrue(classes.contains(expected), "no result from " + expected + " (ran: " + classes + ")");
    }
    assertTrue(threaded, "no threaded variant ran");
    String markdown = Report.render(measured, true);
    assertTrue(markdown.contains("## 1 KiB messages"), markdown);
    assertTrue(markdown.contains("threads (one per core)"), markdown);
    assertTrue(markdown.contains("| floor 0x0578 (committing, ECDSA P-384) |"), markdown);
    assertTrue(markdown.contains("## ECDSA engines"), markdown);
    assertTrue(markdown.contains("## Rewrap and random access"), markdown);
    assertTrue(markdown.contains("## Key-store throughput: directory and PostgreSQL"), markdown);
    assertTrue(markdown.contains("## A cache hit against one keyring call"), markdown);
    assertFalse(markdown.contains("NaN"), markdown);
  }
}
