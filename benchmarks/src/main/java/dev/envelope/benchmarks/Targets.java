package dev.envelope.benchmarks;

import dev.envelope.benchmarks.Report.Point;
import java.util.Locale;
import java.util.Map;

/** The performance targets of issue 7, each computed from the same run as the tables. */
final class Targets {
  private Targets() {}

  static void render(StringBuilder md, Map<String, Point> points) {
    md.append("## Targets (issue 7), measured in this run\n\n");
    md.append("| target | measured | goal | met |\n|---|---:|---:|:-:|\n");
    int k = 1024;
    int m = 1 << 20;
    ratio(md, points, "1 KiB encrypt 0x0478 cached, vs ESDK cached",
        "EnvelopeBenchmarks.Jdk.encrypt0478Cached", "EsdkBenchmarks.encrypt0478Cached", k, 4.0);
    ratio(md, points, "1 KiB encrypt 0x0478 cached, vs Tink KmsEnvelopeAead",
        "EnvelopeBenchmarks.Jdk.encrypt0478Cached", "TinkBenchmarks.envelopeEncrypt", k, 1.0);
    ratio(md, points, "1 KiB encrypt 0x0478 uncached, vs ESDK",
        "EnvelopeBenchmarks.Jdk.encrypt0478", "EsdkBenchmarks.encrypt0478", k, 5.0);
    ratio(md, points, "1 KiB decrypt 0x0478 uncached, vs ESDK",
        "EnvelopeBenchmarks.Jdk.decrypt0478", "EsdkBenchmarks.decrypt0478", k, 5.0);
    ratio(md, points, "1 MiB encrypt 0x0478 (JDK), vs raw JDK AES-GCM",
        "EnvelopeBenchmarks.Jdk.encrypt0478", "RawAesGcmBenchmarks.encrypt@provider=jdk", m, 0.9);
    ratio(md, points, "1 MiB decrypt 0x0478 (JDK), vs raw JDK AES-GCM",
        "EnvelopeBenchmarks.Jdk.decrypt0478", "RawAesGcmBenchmarks.decrypt@provider=jdk", m, 0.9);
    ratio(md, points, "1 MiB encrypt 0x0478 (ACCP), vs raw JDK AES-GCM",
        "EnvelopeBenchmarks.Accp.encrypt0478", "RawAesGcmBenchmarks.encrypt@provider=jdk", m, 2.0);
    ratio(md, points, "1 MiB decrypt 0x0478 (ACCP), vs raw JDK AES-GCM",
        "EnvelopeBenchmarks.Accp.decrypt0478", "RawAesGcmBenchmarks.decrypt@provider=jdk", m, 2.0);
    ratio(md, points, "8 MiB encrypt, two threads on one message vs one (frame size 65536)",
        "FrameSizeBenchmarks.Parallel.encrypt@frameSize=65536", "FrameSizeBenchmarks.Serial.encrypt@frameSize=65536", 8 * m, 1.6);
    ratio(md, points, "8 MiB decrypt, two threads on one message vs one (frame size 65536)",
        "FrameSizeBenchmarks.Parallel.decrypt@frameSize=65536", "FrameSizeBenchmarks.Serial.decrypt@frameSize=65536", 8 * m, 1.6);
    ratio(md, points, "1 KiB encrypt 0x0578 (ACCP), vs ESDK",
        "EnvelopeBenchmarks.Accp.encrypt0578", "EsdkBenchmarks.encrypt0578", k, 10.0);
    ratio(md, points, "1 KiB decrypt 0x0578 (ACCP), vs ESDK",
        "EnvelopeBenchmarks.Accp.decrypt0578", "EsdkBenchmarks.decrypt0578", k, 6.0);
    ratio(md, points, "1 KiB encrypt 0x0578 (JDK), vs ESDK",
        "EnvelopeBenchmarks.Jdk.encrypt0578", "EsdkBenchmarks.encrypt0578", k, 1.3);
    ratio(md, points, "1 KiB decrypt 0x0578 (JDK), vs ESDK",
        "EnvelopeBenchmarks.Jdk.decrypt0578", "EsdkBenchmarks.decrypt0578", k, 1.3);
    for (String provider : new String[] {"Jdk", "Accp"}) {
      for (int size : new int[] {1024, 65536, 1048576}) {
        for (String op : new String[] {"encrypt0478", "decrypt0478", "encrypt0578", "decrypt0578"}) {
          allocation(md, points, "EnvelopeBenchmarks." + provider + "." + op, size);
        }
      }
    }
    md.append('\n');
  }

  private static Point lookup(Map<String, Point> points, String spec, int size) {
    String[] parts = spec.split("@", 2);
    return Report.find(points, parts[0], size, parts.length == 2 ? parts[1] : "");
  }

  private static void ratio(
      StringBuilder md, Map<String, Point> points, String what, String mine, String theirs, int size, double goal) {
    Point a = lookup(points, mine, size);
    Point b = lookup(points, theirs, size);
    md.append("| ").append(what).append(" | ");
    if (a == null || b == null) {
      md.append("not measured | ≥ ").append(Report.ratio(goal)).append(" | – |\n");
      return;
    }
    double r = a.opsPerSecond() / b.opsPerSecond();
    md.append(Report.ratio(r)).append(" | ≥ ").append(Report.ratio(goal)).append(" | ")
        .append(r >= goal ? "yes" : "**no**").append(" |\n");
  }

  private static void allocation(StringBuilder md, Map<String, Point> points, String benchmark, int size) {
    Point p = lookup(points, benchmark, size);
    if (p == null || Double.isNaN(p.bytesPerOp())) {
      return;
    }
    double limit = 1.5 * size + 4096;
    md.append("| bytes/op ").append(benchmark.replace("EnvelopeBenchmarks.", "")).append(", ")
        .append(Report.label(size)).append(" | ").append(String.format(Locale.ROOT, "%,.0f", p.bytesPerOp()))
        .append(" | ≤ ").append(String.format(Locale.ROOT, "%,.0f", limit)).append(" | ")
        .append(p.bytesPerOp() <= limit ? "yes" : "**no**").append(" |\n");
  }
}
