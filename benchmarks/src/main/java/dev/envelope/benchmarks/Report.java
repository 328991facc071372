package dev.envelope.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the whole comparison in one JMH run and writes {@code docs/benchmarks.md}: machine, JDK,
 * date, a table per payload size (ops/s, MB/s, bytes allocated per op) and every ratio to the
 * ESDK and to raw AES-GCM measured in that same run, then the targets with their measured
 * ratios. Ratios, not absolute times, are what to quote: the machine is shared and noisy.
 *
 * <pre>
 * scripts/bench                 # full run (about half an hour), writes docs/benchmarks.md
 * scripts/bench --quick         # one short iteration each: a smoke run, numbers meaningless
 * scripts/bench --include Esdk  # only benchmarks whose name matches the regex
 * </pre>
 */
public final class Report {
  /** One implementation: a label and the benchmark methods measuring its encrypt and decrypt. */
  record Impl(String label, String group, String encrypt, String decrypt, String params) {}

  static final List<Impl> IMPLS =
      List.of(
          new Impl("raw AES-GCM, JDK", "raw", "RawAesGcmBenchmarks.encrypt", "RawAesGcmBenchmarks.decrypt", "provider=jdk"),
          new Impl("raw AES-GCM, ACCP", "raw", "RawAesGcmBenchmarks.encrypt", "RawAesGcmBenchmarks.decrypt", "provider=accp"),
          new Impl("Tink AEAD (AES-256-GCM)", "tink", "TinkBenchmarks.aeadEncrypt", "TinkBenchmarks.aeadDecrypt", ""),
          new Impl("Tink KmsEnvelopeAead (local KEK)", "tink", "TinkBenchmarks.envelopeEncrypt", "TinkBenchmarks.envelopeDecrypt", ""),
          new Impl("ESDK 3.0.2, 0x0478", "0478", "EsdkBenchmarks.encrypt0478", "EsdkBenchmarks.decrypt0478", ""),
          new Impl("ESDK 3.0.2, 0x0478, cached", "0478c", "EsdkBenchmarks.encrypt0478Cached", "EsdkBenchmarks.decrypt0478Cached", ""),
          new Impl("ESDK 3.0.2, 0x0578", "0578", "EsdkBenchmarks.encrypt0578", "EsdkBenchmarks.decrypt0578", ""),
          new Impl("Envelope, 0x0478, JDK", "0478", "EnvelopeBenchmarks.Jdk.encrypt0478", "EnvelopeBenchmarks.Jdk.decrypt0478", ""),
          new Impl("Envelope, 0x0478, ACCP", "0478", "EnvelopeBenchmarks.Accp.encrypt0478", "EnvelopeBenchmarks.Accp.decrypt0478", ""),
          new Impl("Envelope, 0x0478, cached, JDK", "0478c", "EnvelopeBenchmarks.Jdk.encrypt0478Cached", "EnvelopeBenchmarks.Jdk.decrypt0478Cached", ""),
          new Impl("Envelope, 0x0478, cached, ACCP", "0478c", "EnvelopeBenchmarks.Accp.encrypt0478Cached", "EnvelopeBenchmarks.Accp.decrypt0478Cached", ""),
          new Impl("Envelope, 0x0578, JDK", "0578", "EnvelopeBenchmarks.Jdk.encrypt0578", "EnvelopeBenchmarks.Jdk.decrypt0578", ""),
          new Impl("Envelope, 0x0578, ACCP", "0578", "EnvelopeBenchmarks.Accp.encrypt0578", "EnvelopeBenchmarks.Accp.decrypt0578", ""));

  private Report() {}

  public static void main(String[] args) throws RunnerException, IOException {
    boolean quick = false;
    String include = "dev.envelope.benchmarks.*";
    Path out = Paths.get("docs/benchmarks.md");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick":
          quick = true;
          break;
        case "--include":
          include = args[++i];
          break;
        case "--out":
          out = Paths.get(args[++i]);
          break;
        default:
          throw new IllegalArgumentException("unknown option " + args[i] + " (--quick, --include REGEX, --out FILE)");
      }
    }
    Collection<RunResult> results = new Runner(options(include, quick).build()).run();
    String markdown = render(results, quick);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.write(out, markdown.getBytes(StandardCharsets.UTF_8));
    System.out.println("wrote " + out.toAbsolutePath());
  }

  /** The JMH options of a full run, or of a quick smoke run (one short iteration, 1 KiB only). */
  static ChainedOptionsBuilder options(String include, boolean quick) {
    ChainedOptionsBuilder options = new OptionsBuilder().include(include).addProfiler(GCProfiler.class);
    if (quick) {
      options
          .warmupIterations(0)
          .measurementIterations(1)
          .measurementTime(TimeValue.milliseconds(200))
          .param("size", "1024")
          .param("frameSize", "65536");
    }
    return options;
  }

  /** Measured values of one benchmark at one parameter point. */
  record Point(double opsPerSecond, double bytesPerOp, double keyringCallsPerSecond) {}

  static Map<String, Point> index(Collection<RunResult> results) {
    Map<String, Point> points = new LinkedHashMap<>();
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark().replace("dev.envelope.benchmarks.", "");
      StringBuilder key = new StringBuilder(name);
      for (String p : r.getParams().getParamsKeys()) {
        key.append(' ').append(p).append('=').append(r.getParams().getParam(p));
      }
      Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
      Result<?> calls = r.getSecondaryResults().get("keyringCalls");
      points.put(
          key.toString(),
          new Point(
              r.getPrimaryResult().getScore(),
              alloc == null ? Double.NaN : alloc.getScore(),
              calls == null ? Double.NaN : calls.getScore()));
    }
    return points;
  }

  static Point find(Map<String, Point> points, String benchmark, int size, String params) {
    for (Map.Entry<String, Point> e : points.entrySet()) {
      String key = e.getKey();
      if (key.startsWith(benchmark + " ") && key.contains(" size=" + size) && (params.isEmpty() || key.contains(" " + params))) {
        return e.getValue();
      }
    }
    return null;
  }

  static String render(Collection<RunResult> results, boolean quick) {
    Map<String, Point> points = index(results);
    StringBuilder md = new StringBuilder();
    md.append("# Benchmarks\n\n");
    if (quick) {
      md.append("**Smoke run (`--quick`): one 200 ms iteration, no warm-up. The numbers below only show that the benchmarks run.**\n\n");
    }
    md.append("Generated by `scripts/bench` (`dev.envelope.benchmarks.Report`), one JMH run. What limits the\n")
        .append("targets that are not met, with the profiles behind it: [performance.md](performance.md).\n\n");
    md.append("| | |\n|---|---|\n");
    md.append("| date | ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append(" |\n");
    md.append("| JDK | ").append(System.getProperty("java.vm.vendor")).append(' ')
        .append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.runtime.version")).append(" |\n");
    md.append("| machine | ").append(cpuModel()).append(", ").append(Runtime.getRuntime().availableProcessors())
        .append(" cores, ").append(ManagementFactory.getOperatingSystemMXBean().getArch()).append(", ")
        .append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version")).append(" |\n");
    md.append("| method | JMH throughput mode; allocation from `-prof gc` (`gc.alloc.rate.norm`) |\n\n");
    md.append("Ratios compare ops/s within this run: *vs ESDK* against the ESDK row of the same suite ")
        .append("(cached against cached), *vs raw* against one raw AES-256-GCM call of the JDK on the same bytes.\n\n");

    for (int size : new int[] {1024, 65536, 1048576}) {
      md.append("## ").append(label(size)).append(" messages\n\n");
      md.append("| implementation | encrypt ops/s | MB/s | B/op | vs ESDK | vs raw | decrypt ops/s | MB/s | B/op | vs ESDK | vs raw |\n");
      md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      Point rawEnc = find(points, "RawAesGcmBenchmarks.encrypt", size, "provider=jdk");
      Point rawDec = find(points, "RawAesGcmBenchmarks.decrypt", size, "provider=jdk");
      for (Impl impl : IMPLS) {
        Point enc = find(points, impl.encrypt(), size, impl.params());
        Point dec = find(points, impl.decrypt(), size, impl.params());
        if (enc == null && dec == null) {
          continue;
        }
        Impl peer = esdkPeer(impl);
        Point peerEnc = peer == null ? null : find(points, peer.encrypt(), size, "");
        Point peerDec = peer == null ? null : find(points, peer.decrypt(), size, "");
        md.append("| ").append(impl.label());
        cells(md, enc, size, peerEnc, rawEnc);
        cells(md, dec, size, peerDec, rawDec);
        md.append(" |\n");
      }
      md.append('\n');
    }
    renderCache(md, points);
    renderKeySources(md, points);
    Targets.render(md, points);
    return md.toString();
  }

  static void renderCache(StringBuilder md, Map<String, Point> points) {
    Point uncached = null;
    Point cached = null;
    for (Map.Entry<String, Point> e : points.entrySet()) {
      if (e.getKey().startsWith("CacheBenchmarks.uncachedEncrypt ")) {
        uncached = e.getValue();
      } else if (e.getKey().startsWith("CacheBenchmarks.cachedEncrypt ")) {
        cached = e.getValue();
      }
    }
    if (uncached == null || cached == null) {
      return;
    }
    md.append("## Data-key cache against a slow keyring\n\n");
    md.append("`CacheBenchmarks`: 1 KiB messages, 0x0478, two threads, a keyring that waits 1 ms per call ")
        .append("(a KMS round trip), cache message limit 100.\n\n");
    md.append("| | ops/s | keyring calls/s | keyring calls per 1,000 messages |\n|---|---:|---:|---:|\n");
    md.append("| uncached | ").append(fmt(uncached.opsPerSecond())).append(" | ")
        .append(fmt(uncached.keyringCallsPerSecond())).append(" | ")
        .append(fmt(1000 * uncached.keyringCallsPerSecond() / uncached.opsPerSecond())).append(" |\n");
    md.append("| cached | ").append(fmt(cached.opsPerSecond())).append(" | ")
        .append(fmt(cached.keyringCallsPerSecond())).append(" | ")
        .append(fmt(1000 * cached.keyringCallsPerSecond() / cached.opsPerSecond())).append(" |\n\n");
    md.append("Cached/uncached throughput: ").append(ratio(cached.opsPerSecond() / uncached.opsPerSecond())).append(".\n\n");
  }

  static void renderKeySources(StringBuilder md, Map<String, Point> points) {
    StringBuilder rows = new StringBuilder();
    for (String source : new String[] {"raw-aes", "key-store", "softhsm"}) {
      Point wrap = null;
      Point unwrap = null;
      for (Map.Entry<String, Point> e : points.entrySet()) {
        if (e.getKey().contains(" source=" + source)) {
          if (e.getKey().startsWith("KeySourceBenchmarks.wrap ")) {
            wrap = e.getValue();
          } else if (e.getKey().startsWith("KeySourceBenchmarks.unwrap ")) {
            unwrap = e.getValue();
          }
        }
      }
      if (wrap != null && unwrap != null) {
        rows.append("| ").append(source).append(" | ").append(fmt(wrap.opsPerSecond())).append(" | ")
            .append(fmt(unwrap.opsPerSecond())).append(" |\n");
      }
    }
    if (rows.length() == 0) {
      return;
    }
    md.append("## Wrapping a data key through each local key source\n\n");
    md.append("`KeySourceBenchmarks`: one 32-byte data key generated and wrapped, or unwrapped, at the keyring ")
        .append("level. key-store = the local key store's keyring (lookup, policy and audit on every use); ")
        .append("softhsm = the PKCS#11 keyring, AES-GCM inside a SoftHSM2 token.\n\n");
    md.append("| source | wrap ops/s | unwrap ops/s |\n|---|---:|---:|\n").append(rows).append('\n');
  }

  static Impl esdkPeer(Impl impl) {
    if (!impl.label().startsWith("Envelope")) {
      return null;
    }
    for (Impl candidate : IMPLS) {
      if (candidate.label().startsWith("ESDK") && candidate.group().equals(impl.group())) {
        return candidate;
      }
    }
    return null;
  }

  private static void cells(StringBuilder md, Point p, int size, Point peer, Point raw) {
    if (p == null) {
      md.append(" | – | – | – | – | –");
      return;
    }
    md.append(" | ").append(fmt(p.opsPerSecond()));
    md.append(" | ").append(fmt(p.opsPerSecond() * size / 1e6));
    md.append(" | ").append(Double.isNaN(p.bytesPerOp()) ? "–" : fmt(p.bytesPerOp()));
    md.append(" | ").append(peer == null ? "–" : ratio(p.opsPerSecond() / peer.opsPerSecond()));
    md.append(" | ").append(raw == null ? "–" : ratio(p.opsPerSecond() / raw.opsPerSecond()));
  }

  static String ratio(double r) {
    return String.format(Locale.ROOT, "%.2f×", r);
  }

  static String fmt(double v) {
    if (v >= 100) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }

  static String label(int size) {
    return size >= 1 << 20 ? (size >> 20) + " MiB" : (size >> 10) + " KiB";
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Paths.get("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through
    }
    return System.getProperty("os.arch");
  }
}
