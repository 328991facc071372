package dev.envelope.benchmarks;

import dev.envelope.benchmarks.Report.Measured;
import dev.envelope.benchmarks.Report.Point;
import dev.envelope.benchmarks.Report.Spread;
import java.util.Locale;

/**
 * The performance targets of issues 7 and 17, each the median over the rounds of a ratio computed
 * within each round (the same numbers as the tables).
 */
final class Targets {
  /** The section's heading; the report puts the one-off sections it measures outside JMH before it. */
  static final String HEADING = "## Targets (issues 7 and 17), measured in this run\n\n";

  private static final String ENV_JDK = "EnvelopeBenchmarks.Jdk.";
  private static final String ENV_ACCP = "EnvelopeBenchmarks.Accp.";
  private static final String ESDK_JDK = "EsdkBenchmarks.Jdk.";
  private static final String ESDK_ACCP = "EsdkBenchmarks.Accp.";

  private Targets() {}

  static void render(StringBuilder md, Measured m) {
    int k = 1024;
    int mib = 1 << 20;
    int t = m.threads();
    md.append(HEADING);
    md.append("Median ratio over the rounds (range); *met* compares the median.\n\n");
    md.append("| target | measured | goal | met |\n|---|---:|---:|:-:|\n");
    ratio(md, m, "1 KiB encrypt 0x0578, " + t + " threads, JDK, vs ESDK JDK", ENV_JDK + "encrypt0578", ESDK_JDK + "encrypt0578", k, t, 3.0);
    ratio(md, m, "1 KiB decrypt 0x0578, " + t + " threads, JDK, vs ESDK JDK", ENV_JDK + "decrypt0578", ESDK_JDK + "decrypt0578", k, t, 3.0);
    ratio(md, m, "1 KiB encrypt 0x0578, " + t + " threads, both on ACCP", ENV_ACCP + "encrypt0578", ESDK_ACCP + "encrypt0578", k, t, 3.0);
    ratio(md, m, "1 KiB decrypt 0x0578, " + t + " threads, both on ACCP", ENV_ACCP + "decrypt0578", ESDK_ACCP + "decrypt0578", k, t, 2.0);
    ratio(md, m, "1 KiB encrypt 0x0478 cached, vs ESDK cached", ENV_JDK + "encrypt0478Cached", ESDK_JDK + "encrypt0478Cached", k, 1, 4.0);
    ratio(md, m, "1 KiB decrypt 0x0478 cached, vs ESDK cached", ENV_JDK + "decrypt0478Cached", ESDK_JDK + "decrypt0478Cached", k, 1, 4.0);
    ratio(md, m, "1 KiB encrypt 0x0478 cached, vs floor", ENV_JDK + "encrypt0478Cached", "FloorBenchmarks.encrypt@suite=0478", k, 1, 0.85);
    ratio(md, m, "1 KiB decrypt 0x0478 cached, vs floor", ENV_JDK + "decrypt0478Cached", "FloorBenchmarks.decrypt@suite=0478", k, 1, 0.85);
    ratio(md, m, "1 KiB encrypt 0x0478 cached, vs uncached", ENV_JDK + "encrypt0478Cached", ENV_JDK + "encrypt0478", k, 1, 1.3);
    ratio(md, m, "1 KiB decrypt 0x0478 cached, vs uncached", ENV_JDK + "decrypt0478Cached", ENV_JDK + "decrypt0478", k, 1, 1.3);
    ratio(md, m, "1 KiB encrypt 0x0478 cached, vs Tink KmsEnvelopeAead", ENV_JDK + "encrypt0478Cached", "TinkBenchmarks.envelopeEncrypt", k, 1, 1.0);
    ratio(md, m, "1 KiB encrypt 0x0478 uncached, vs ESDK", ENV_JDK + "encrypt0478", ESDK_JDK + "encrypt0478", k, 1, 5.0);
    ratio(md, m, "1 KiB decrypt 0x0478 uncached, vs ESDK", ENV_JDK + "decrypt0478", ESDK_JDK + "decrypt0478", k, 1, 5.0);
    ratio(md, m, "1 MiB encrypt 0x0478 (JDK), vs raw JDK AES-GCM", ENV_JDK + "encrypt0478", "RawAesGcmBenchmarks.encrypt@provider=jdk", mib, 1, 0.9);
    ratio(md, m, "1 MiB decrypt 0x0478 (JDK), vs raw JDK AES-GCM", ENV_JDK + "decrypt0478", "RawAesGcmBenchmarks.decrypt@provider=jdk", mib, 1, 0.9);
    ratio(md, m, "1 MiB encrypt 0x0478 (ACCP), vs raw JDK AES-GCM", ENV_ACCP + "encrypt0478", "RawAesGcmBenchmarks.encrypt@provider=jdk", mib, 1, 2.0);
    ratio(md, m, "1 MiB decrypt 0x0478 (ACCP), vs raw JDK AES-GCM", ENV_ACCP + "decrypt0478", "RawAesGcmBenchmarks.decrypt@provider=jdk", mib, 1, 2.0);
    ratio(md, m, "8 MiB encrypt, two threads on one message vs one (frame size 65536)",
        "FrameSizeBenchmarks.Parallel.encrypt@frameSize=65536", "FrameSizeBenchmarks.Serial.encrypt@frameSize=65536", 8 * mib, 1, 1.6);
    ratio(md, m, "8 MiB decrypt, two threads on one message vs one (frame size 65536)",
        "FrameSizeBenchmarks.Parallel.decrypt@frameSize=65536", "FrameSizeBenchmarks.Serial.decrypt@frameSize=65536", 8 * mib, 1, 1.6);
    allocation(md, m, ENV_JDK + "encrypt0478", k, 6144);
    allocation(md, m, ENV_JDK + "decrypt0478", k, 6144);
    for (String provider : new String[] {ENV_JDK, ENV_ACCP}) {
      for (int size : new int[] {65536, 1048576}) {
        for (String op : new String[] {"encrypt0478", "decrypt0478", "encrypt0578", "decrypt0578"}) {
          allocation(md, m, provider + op, size, 1.5 * size + 4096);
        }
      }
    }
    md.append('\n');
  }

  private static void ratio(
      StringBuilder md, Measured m, String what, String mine, String theirs, int size, int threads, double goal) {
    String[] a = mine.split("@", 2);
    String[] b = theirs.split("@", 2);
    Spread r = Report.ratio(m, a[0], a.length == 2 ? a[1] : "", b[0], b.length == 2 ? b[1] : "", size, threads);
    md.append("| ").append(what).append(" | ");
    if (r == null) {
      md.append("not measured | ≥ ").append(Report.ratio(goal)).append(" | – |\n");
      return;
    }
    md.append(r.ratio()).append(" | ≥ ").append(Report.ratio(goal)).append(" | ")
        .append(r.median() >= goal ? "yes" : "**no**").append(" |\n");
  }

  private static void allocation(StringBuilder md, Measured m, String benchmark, int size, double limit) {
    Spread p = Report.value(m, benchmark, size, "", 1, Point::bytesPerOp);
    if (p == null) {
      return;
    }
    md.append("| bytes/op ").append(benchmark.replace("EnvelopeBenchmarks.", "")).append(", ")
        .append(Report.label(size)).append(" | ").append(String.format(Locale.ROOT, "%,.0f", p.median()))
        .append(" | ≤ ").append(String.format(Locale.ROOT, "%,.0f", limit)).append(" | ")
        .append(p.median() <= limit ? "yes" : "**no**").append(" |\n");
  }
}
