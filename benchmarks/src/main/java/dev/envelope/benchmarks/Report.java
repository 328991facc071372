package dev.envelope.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.function.UnaryOperator;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the whole comparison and writes {@code docs/benchmarks.md}: machine, JDK, date, a table per
 * payload size and one for 1 KiB with one thread per core, each Envelope row with its median ratio
 * to the ESDK on the same providers and to the format's floor ({@link FloorBenchmarks}), then the
 * issues' targets.
 *
 * <p>Measuring through the noise: this machine's scores move by 20-90% between runs, so no ratio
 * compares two runs. The report runs {@code --rounds} rounds (3 by default); each round forks
 * every benchmark once, size by size, so that the contenders of a row run minutes apart rather
 * than half an hour apart. A ratio is computed within each round and the table shows the median
 * of those ratios with their spread (min–max); ops/s and B/op are medians too.
 *
 * <pre>
 * scripts/bench                 # full run (about an hour and a half), writes docs/benchmarks.md
 * scripts/bench --quick         # one short iteration each: a smoke run, numbers meaningless
 * scripts/bench --include Esdk  # only benchmarks whose name matches the regex
 * scripts/bench --rounds 5      # more rounds, a tighter median
 * </pre>
 */
public final class Report {
  /**
   * One implementation: a label, the benchmark methods measuring its encrypt and decrypt (with the
   * parameters that select it), the providers it runs on, and for Envelope rows its ESDK peer
   * (label) and its floor (the {@code suite} of {@link FloorBenchmarks}).
   */
  record Impl(String label, String encrypt, String decrypt, String params, String providers, String esdk, String floor) {
    Impl(String label, String encrypt, String decrypt, String params, String providers) {
      this(label, encrypt, decrypt, params, providers, null, null);
    }
  }

  static final String JDK = "JDK (SunJCE AES-GCM and HMAC, SunEC ECDSA)";
  static final String ENVELOPE_JDK = "JDK (SunJCE AES-GCM and HMAC); ECDSA by Bouncy Castle (the JDK rule)";
  static final String ACCP = "ACCP for all (`-Ddev.envelope.crypto.provider=accp`)";
  static final String ESDK_ACCP = "ACCP installed first (`AmazonCorrettoCryptoProvider.install()`)";

  static final List<Impl> IMPLS =
      List.of(
          new Impl("raw AES-GCM, JDK", "RawAesGcmBenchmarks.encrypt", "RawAesGcmBenchmarks.decrypt", "provider=jdk", JDK),
          new Impl("raw AES-GCM, ACCP", "RawAesGcmBenchmarks.encrypt", "RawAesGcmBenchmarks.decrypt", "provider=accp", "ACCP"),
          new Impl("Tink AEAD (AES-256-GCM)", "TinkBenchmarks.aeadEncrypt", "TinkBenchmarks.aeadDecrypt", "", JDK),
          new Impl("Tink KmsEnvelopeAead (local KEK)", "TinkBenchmarks.envelopeEncrypt", "TinkBenchmarks.envelopeDecrypt", "", JDK),
          floor("0014", "NO_KDF"),
          floor("0178", "HKDF-SHA256"),
          floor("0214", "HKDF-SHA256, ECDSA P-256"),
          floor("0378", "HKDF-SHA384, ECDSA P-384"),
          floor("0478", "committing"),
          floor("0578", "committing, ECDSA P-384"),
          new Impl("floor 0x0578 (BC ECDSA)", "FloorBenchmarks.encrypt", "FloorBenchmarks.decrypt", "suite=0578-bc",
              "JDK; ECDSA by Bouncy Castle"),
          new Impl("ESDK 3.0.2, 0x0478, JDK", "EsdkBenchmarks.Jdk.encrypt0478", "EsdkBenchmarks.Jdk.decrypt0478", "", JDK),
          new Impl("ESDK 3.0.2, 0x0478, ACCP", "EsdkBenchmarks.Accp.encrypt0478", "EsdkBenchmarks.Accp.decrypt0478", "", ESDK_ACCP),
          new Impl("ESDK 3.0.2, 0x0478, cached, JDK", "EsdkBenchmarks.Jdk.encrypt0478Cached", "EsdkBenchmarks.Jdk.decrypt0478Cached", "", JDK),
          new Impl("ESDK 3.0.2, 0x0478, cached, ACCP", "EsdkBenchmarks.Accp.encrypt0478Cached", "EsdkBenchmarks.Accp.decrypt0478Cached", "", ESDK_ACCP),
          new Impl("ESDK 3.0.2, 0x0578, JDK", "EsdkBenchmarks.Jdk.encrypt0578", "EsdkBenchmarks.Jdk.decrypt0578", "", JDK),
          new Impl("ESDK 3.0.2, 0x0578, ACCP", "EsdkBenchmarks.Accp.encrypt0578", "EsdkBenchmarks.Accp.decrypt0578", "", ESDK_ACCP),
          envelope("0x0478, JDK", "Jdk", "0478", ENVELOPE_JDK, "ESDK 3.0.2, 0x0478, JDK", "0478"),
          envelope("0x0478, ACCP", "Accp", "0478", ACCP, "ESDK 3.0.2, 0x0478, ACCP", "0478"),
          envelope("0x0478, cached, JDK", "Jdk", "0478Cached", ENVELOPE_JDK, "ESDK 3.0.2, 0x0478, cached, JDK", "0478"),
          envelope("0x0478, cached, ACCP", "Accp", "0478Cached", ACCP, "ESDK 3.0.2, 0x0478, cached, ACCP", "0478"),
          envelope("0x0578, JDK", "Jdk", "0578", ENVELOPE_JDK, "ESDK 3.0.2, 0x0578, JDK", "0578-bc"),
          envelope("0x0578, ACCP", "Accp", "0578", ACCP, "ESDK 3.0.2, 0x0578, ACCP", "0578"));

  private static Impl floor(String suite, String what) {
    return new Impl("floor 0x" + suite + " (" + what + ")", "FloorBenchmarks.encrypt", "FloorBenchmarks.decrypt",
        "suite=" + suite, JDK);
  }

  private static Impl envelope(String label, String fork, String op, String providers, String esdk, String floor) {
    String base = "EnvelopeBenchmarks." + fork + ".";
    return new Impl("Envelope, " + label, base + "encrypt" + op, base + "decrypt" + op, "", providers, esdk, floor);
  }

  /** Benchmarks without a payload-size parameter of their own: run once, in the first round. */
  static final String UNSIZED =
      "(FrameSizeBenchmarks|CacheBenchmarks|KeySourceBenchmarks|EcdsaBenchmarks|ObserverOverheadBenchmarks)";
  /** Benchmarks with a one-thread-per-core variant at 1 KiB. */
  static final String THREADED = "(EnvelopeBenchmarks|EsdkBenchmarks|FloorBenchmarks)";
  static final int[] SIZES = {1024, 65536, 1048576};

  private Report() {}

  public static void main(String[] args) throws RunnerException, IOException {
    boolean quick = false;
    int rounds = 3;
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
        case "--rounds":
          rounds = Integer.parseInt(args[++i]);
          break;
        case "--out":
          out = Paths.get(args[++i]);
          break;
        default:
          throw new IllegalArgumentException(
              "unknown option " + args[i] + " (--quick, --include REGEX, --rounds N, --out FILE)");
      }
    }
    Measured measured = measure(include, quick ? 1 : rounds, quick, UnaryOperator.identity());
    String markdown = render(measured, quick);
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
          .param("frameSize", "65536");
    }
    return options;
  }

  /** Every round's measurements, keyed as {@link #index} does; two-thread keys end in threads=N. */
  record Measured(List<Map<String, Point>> rounds, int threads) {}

  /**
   * Runs {@code rounds} rounds. Each forks every sized benchmark once per payload size (contenders
   * of one size back to back), then the threaded variants at 1 KiB; the first round also runs the
   * benchmarks without a size. {@code tweak} adjusts every pass's options (the smoke test runs in
   * its own JVM and briefly).
   */
  static Measured measure(String include, int rounds, boolean quick, UnaryOperator<ChainedOptionsBuilder> tweak)
      throws RunnerException {
    int threads = Runtime.getRuntime().availableProcessors();
    List<Map<String, Point>> all = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      Map<String, Point> points = new LinkedHashMap<>();
      for (int size : quick ? new int[] {1024} : SIZES) {
        ChainedOptionsBuilder o = options(include, quick).exclude(UNSIZED).param("size", String.valueOf(size)).forks(1);
        points.putAll(index(new Runner(tweak.apply(o).build()).run(), ""));
      }
      ChainedOptionsBuilder t =
          options(include, quick).exclude("^(?!.*" + THREADED + "\\.).*$").param("size", "1024").threads(threads).forks(1);
      points.putAll(index(new Runner(tweak.apply(t).build()).run(), " threads=" + threads));
      if (round == 0) {
        ChainedOptionsBuilder u = options(include, quick).exclude("^(?!.*" + UNSIZED + "\\.).*$");
        if (quick) {
          u.param("size", "1048576").forks(1);
        }
        points.putAll(index(new Runner(tweak.apply(u).build()).run(), ""));
      }
      all.add(points);
    }
    return new Measured(all, threads);
  }
  /** Measured values of one benchmark at one parameter point. */
  record Point(double opsPerSecond, double bytesPerOp, double keyringCallsPerSecond) {}

  /** Results keyed "Class.method p1=v1 p2=v2" + {@code suffix}. */
  static Map<String, Point> index(Collection<RunResult> results, String suffix) {
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
          key.append(suffix).toString(),
          new Point(
              r.getPrimaryResult().getScore(),
              alloc == null ? Double.NaN : alloc.getScore(),
              calls == null ? Double.NaN : calls.getScore()));
    }
    return points;
  }

  /** The point of {@code benchmark} at {@code size} with {@code params}, one thread unless {@code threads} > 1. */
  static Point find(Map<String, Point> points, String benchmark, int size, String params, int threads) {
    for (Map.Entry<String, Point> e : points.entrySet()) {
      String key = e.getKey();
      boolean threaded = key.contains(" threads=");
      if (key.startsWith(benchmark + " ") && key.contains(" size=" + size)
          && (params.isEmpty() || key.contains(" " + params))
          && (threads > 1 ? key.endsWith(" threads=" + threads) : !threaded)) {
        return e.getValue();
      }
    }
    return null;
  }

  static Point find(Map<String, Point> points, String benchmark, int size, String params) {
    return find(points, benchmark, size, params, 1);
  }

  /** The median of some values with their range. */
  record Spread(double median, double min, double max, int n) {
    static Spread of(List<Double> values) {
      if (values.isEmpty()) {
        return null;
      }
      List<Double> sorted = new ArrayList<>(values);
      Collections.sort(sorted);
      int n = sorted.size();
      double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
      return new Spread(median, sorted.get(0), sorted.get(n - 1), n);
    }

    /** "2.31×" for one round, "2.31× (2.10–2.60)" for several. */
    String ratio() {
      return n == 1 ? Report.ratio(median) : Report.ratio(median) + " (" + fmt2(min) + "–" + fmt2(max) + ")";
    }
  }

  /** Median and spread, over rounds, of one measured value of one benchmark point. */
  static Spread value(Measured m, String benchmark, int size, String params, int threads, ToDoubleFunction<Point> f) {
    List<Double> values = new ArrayList<>();
    for (Map<String, Point> round : m.rounds()) {
      Point p = find(round, benchmark, size, params, threads);
      if (p != null && !Double.isNaN(f.applyAsDouble(p))) {
        values.add(f.applyAsDouble(p));
      }
    }
    return Spread.of(values);
  }

  /** Median and spread of the per-round ratio of two benchmark points' ops/s. */
  static Spread ratio(Measured m, String mine, String mineParams, String theirs, String theirParams, int size, int threads) {
    List<Double> values = new ArrayList<>();
    for (Map<String, Point> round : m.rounds()) {
      Point a = find(round, mine, size, mineParams, threads);
      Point b = find(round, theirs, size, theirParams, threads);
      if (a != null && b != null) {
        values.add(a.opsPerSecond() / b.opsPerSecond());
      }
    }
    return Spread.of(values);
  }

  static String render(Measured m, boolean quick) {
    StringBuilder md = new StringBuilder();
    md.append("# Benchmarks\n\n");
    if (quick) {
      md.append("**Smoke run (`--quick`): one 200 ms iteration, no warm-up. The numbers below only show that the benchmarks run.**\n\n");
    }
    md.append("Generated by `scripts/bench` (`dev.envelope.benchmarks.Report`). What limits the\n")
        .append("targets that are not met, with the profiles behind it: [performance.md](performance.md).\n\n");
    md.append("| | |\n|---|---|\n");
    md.append("| date | ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append(" |\n");
    md.append("| JDK | ").append(System.getProperty("java.vm.vendor")).append(' ')
        .append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.runtime.version")).append(" |\n");
    md.append("| machine | ").append(cpuModel()).append(", ").append(m.threads())
        .append(" cores, ").append(ManagementFactory.getOperatingSystemMXBean().getArch()).append(", ")
        .append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version")).append(" |\n");
    md.append("| method | JMH throughput mode, ").append(m.rounds().size())
        .append(" round(s); each round forks every benchmark once, the contenders of one payload size back to back;")
        .append(" allocation from `-prof gc` (`gc.alloc.rate.norm`) |\n\n");
    md.append("ops/s and B/op are medians over the rounds. A ratio is computed within each round (both sides measured")
        .append(" minutes apart, never across runs) and shown as the median with its range over the rounds,")
        .append(" `median× (min–max)`. *vs ESDK*: against the ESDK row of the same suite on the same providers")
        .append(" (cached against cached; Envelope on ACCP against the ESDK with ACCP installed). *vs floor*: against")
        .append(" `FloorBenchmarks`, only the primitives the suite mandates with the data key in hand, JDK providers;")
        .append(" Envelope's JDK rows sign with Bouncy Castle, so their 0x0578 floor does too.\n\n");
    md.append("| row | providers |\n|---|---|\n");
    for (Impl impl : IMPLS) {
      md.append("| ").append(impl.label()).append(" | ").append(impl.providers()).append(" |\n");
    }
    md.append('\n');
    for (int size : SIZES) {
      table(md, m, "## " + label(size) + " messages\n\n", size, 1);
    }
    table(md, m, "## 1 KiB messages, " + m.threads() + " threads (one per core)\n\n"
        + "Background work (such as prefetching signing keys) is free only while a core is idle; here none is.\n\n",
        1024, m.threads());
    Map<String, Point> first = m.rounds().isEmpty() ? Map.of() : m.rounds().get(0);
    renderCache(md, first);
    renderKeySources(md, first);
    renderEcdsa(md, first);
    Targets.render(md, m);
    return md.toString();
  }

  private static void table(StringBuilder md, Measured m, String heading, int size, int threads) {
    StringBuilder rows = new StringBuilder();
    for (Impl impl : IMPLS) {
      Spread enc = value(m, impl.encrypt(), size, impl.params(), threads, Point::opsPerSecond);
      Spread dec = value(m, impl.decrypt(), size, impl.params(), threads, Point::opsPerSecond);
      if (enc == null && dec == null) {
        continue;
      }
      Impl esdk = byLabel(impl.esdk());
      rows.append("| ").append(impl.label());
      cells(rows, m, impl, impl.encrypt(), esdk == null ? null : esdk.encrypt(), "FloorBenchmarks.encrypt", size, threads);
      cells(rows, m, impl, impl.decrypt(), esdk == null ? null : esdk.decrypt(), "FloorBenchmarks.decrypt", size, threads);
      rows.append(" |\n");
    }
    if (rows.length() == 0) {
      return;
    }
    md.append(heading);
    md.append("| implementation | encrypt ops/s | B/op | vs ESDK | vs floor | decrypt ops/s | B/op | vs ESDK | vs floor |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    md.append(rows).append('\n');
  }

  private static void cells(
      StringBuilder md, Measured m, Impl impl, String benchmark, String esdk, String floor, int size, int threads) {
    Spread ops = value(m, benchmark, size, impl.params(), threads, Point::opsPerSecond);
    Spread alloc = value(m, benchmark, size, impl.params(), threads, Point::bytesPerOp);
    md.append(" | ").append(ops == null ? "–" : fmt(ops.median()));
    md.append(" | ").append(alloc == null ? "–" : fmt(alloc.median()));
    Spread vsEsdk = esdk == null ? null : ratio(m, benchmark, impl.params(), esdk, "", size, threads);
    Spread vsFloor = impl.floor() == null ? null : ratio(m, benchmark, impl.params(), floor, "suite=" + impl.floor(), size, threads);
    md.append(" | ").append(vsEsdk == null ? "–" : vsEsdk.ratio());
    md.append(" | ").append(vsFloor == null ? "–" : vsFloor.ratio());
  }

  static Impl byLabel(String label) {
    for (Impl impl : IMPLS) {
      if (impl.label().equals(label)) {
        return impl;
      }
    }
    return null;
  }

  static void renderEcdsa(StringBuilder md, Map<String, Point> points) {
    StringBuilder rows = new StringBuilder();
    for (String curve : new String[] {"P384", "P256"}) {
      for (String engine : new String[] {"jdk", "bc", "accp"}) {
        String params = " curve=" + curve + " engine=" + engine;
        Point key = points.get("EcdsaBenchmarks.keyPair" + params);
        Point sign = points.get("EcdsaBenchmarks.sign" + params);
        Point verify = points.get("EcdsaBenchmarks.verify" + params);
        if (key != null && sign != null && verify != null) {
          rows.append("| ").append(curve).append(" | ").append(engine).append(" | ").append(fmt(key.opsPerSecond()))
              .append(" | ").append(fmt(sign.opsPerSecond())).append(" | ").append(fmt(verify.opsPerSecond())).append(" |\n");
        }
      }
    }
    if (rows.length() > 0) {
      md.append("## ECDSA engines\n\n`EcdsaBenchmarks`: µs per operation (1 KiB signed), one round; the engine rule in core's `Ecdsa` rests on these.\n\n");
      md.append("| curve | engine | key pair µs | sign µs | verify µs |\n|---|---|---:|---:|---:|\n").append(rows).append('\n');
    }
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

  static String ratio(double r) {
    return String.format(Locale.ROOT, "%.2f×", r);
  }

  static String fmt2(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
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
