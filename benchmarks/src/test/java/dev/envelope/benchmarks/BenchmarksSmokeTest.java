package dev.envelope.benchmarks;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs every JMH benchmark once, briefly and in this JVM, so that none of them can rot: each must
 * set up, run and report a positive score, and the report must render. The numbers mean nothing.
 */
class BenchmarksSmokeTest {
  @Test
  void everyBenchmark_runsOnce_andReportsAScore() throws Exception {
    Collection<RunResult> results =
        new Runner(
                Report.options("dev.envelope.benchmarks.*", true)
                    .forks(0)
                    .measurementTime(TimeValue.milliseconds(50))
                    .shouldFailOnError(true)
                    .verbosity(VerboseMode.SILENT)
                    .build())
            .run();
    Set<String> classes = new TreeSet<>();
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark();
      assertTrue(r.getPrimaryResult().getScore() > 0, name + " reported no throughput");
      classes.add(name.substring(0, name.lastIndexOf('.')).replace("dev.envelope.benchmarks.", ""));
    }
    for (String expected :
        new String[] {
          "EnvelopeBenchmarks.Jdk", "EnvelopeBenchmarks.Accp", "EsdkBenchmarks", "RawAesGcmBenchmarks",
          "TinkBenchmarks", "FrameSizeBenchmarks.Serial", "FrameSizeBenchmarks.Parallel", "CacheBenchmarks", "KeySourceBenchmarks",
          "RewrapBenchmarks"
        }) {
      assertTrue(classes.contains(expected), "no result from " + expected + " (ran: " + classes + ")");
    }
    String markdown = Report.render(results, true);
    assertTrue(markdown.contains("## 1 KiB messages"), markdown);
    assertFalse(markdown.contains("NaN ops"), markdown);
  }
}
