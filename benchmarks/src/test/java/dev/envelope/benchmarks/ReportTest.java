package dev.envelope.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's arithmetic: ratios within a round, medians and ranges across rounds. */
class ReportTest {
  private static Report.Point ops(double v) {
    return new Report.Point(v, 1000, Double.NaN);
  }

  @Test
  void ratio_threeRounds_isTheMedianOfPerRoundRatiosWithRange() {
    String mine = "EnvelopeBenchmarks.Jdk.encrypt0478 size=1024";
    String theirs = "EsdkBenchmarks.Jdk.encrypt0478 size=1024";
    Report.Measured m =
        new Report.Measured(
            List.of(
                Map.of(mine, ops(400), theirs, ops(100)),
                Map.of(mine, ops(200), theirs, ops(100)),
                Map.of(mine, ops(900), theirs, ops(300))),
            2);
    Report.Spread r =
        Report.ratio(m, "EnvelopeBenchmarks.Jdk.encrypt0478", "", "EsdkBenchmarks.Jdk.encrypt0478", "", 1024, 1);
    assertEquals(3.0, r.median(), 1e-9, "ratios 4, 2, 3: median 3, not the ratio of medians (400/100)");
    assertEquals(2.0, r.min(), 1e-9);
    assertEquals(4.0, r.max(), 1e-9);
    assertEquals("3.00× (2.00–4.00)", r.ratio());
  }

  @Test
  void ratio_roundMissingOneSide_isLeftOut() {
    String mine = "FloorBenchmarks.encrypt size=1024 suite=0478";
    String theirs = "EsdkBenchmarks.Jdk.encrypt0478 size=1024";
    Report.Measured m =
        new Report.Measured(List.of(Map.of(mine, ops(500), theirs, ops(100)), Map.of(mine, ops(50))), 2);
    Report.Spread r = Report.ratio(m, "FloorBenchmarks.encrypt", "suite=0478", "EsdkBenchmarks.Jdk.encrypt0478", "", 1024, 1);
    assertEquals(1, r.n());
    assertEquals("5.00×", r.ratio());
    assertNull(Report.ratio(m, "FloorBenchmarks.encrypt", "suite=0578", "EsdkBenchmarks.Jdk.encrypt0478", "", 1024, 1));
  }

  @Test
  void find_threadedKeys_areKeptApartFromSingleThreaded() {
    Map<String, Report.Point> round =
        Map.of(
            "EsdkBenchmarks.Jdk.encrypt0578 size=1024", ops(10),
            "EsdkBenchmarks.Jdk.encrypt0578 size=1024 threads=2", ops(18));
    assertEquals(10, Report.find(round, "EsdkBenchmarks.Jdk.encrypt0578", 1024, "", 1).opsPerSecond());
    assertEquals(18, Report.find(round, "EsdkBenchmarks.Jdk.encrypt0578", 1024, "", 2).opsPerSecond());
  }

  @Test
  void everyEnvelopeRow_hasAnEsdkPeerOnTheSameProvidersAndAFloor() {
    for (Report.Impl impl : Report.IMPLS) {
      if (impl.label().startsWith("Envelope")) {
        Report.Impl esdk = Report.byLabel(impl.esdk());
        assertTrue(esdk != null, impl.label());
        assertEquals(impl.label().endsWith("ACCP"), esdk.label().endsWith("ACCP"), impl.label());
        assertTrue(Report.byLabel(impl.label()) == impl && impl.floor() != null, impl.label());
      }
    }
  }
}
