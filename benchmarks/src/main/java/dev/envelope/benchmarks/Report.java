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
import java.util.Arrays;
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
 * scripts/bench --short         # 3 + 3 iterations of 1 s per fork, one fork per unsized point
 * scripts/bench --sizes 1024,1048576   # only these payload sizes (default 1 KiB, 64 KiB, 1 MiB)
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
      "(FrameSizeBenchmarks|CacheBenchmarks|KeySourceBenchmarks|EcdsaBenchmarks|RewrapBenchmarks"
          + "|ObserverOverheadBenchmarks|KeyStoreThroughputBenchmarks|CacheHitBenchmarks)";
  /** Unsized benchmarks whose ratios compare their own forks: they keep their forks under --short. */
  static final String SEVERAL_FORKS = "(ObserverOverheadBenchmarks)";
  /** Benchmarks with a one-thread-per-core variant at 1 KiB. */
  static final String THREADED = "(EnvelopeBenchmarks|EsdkBenchmarks|FloorBenchmarks)";
  static final int[] SIZES = {1024, 65536, 1048576};

  private Report() {}

  public static void main(String[] args) throws RunnerException, IOException {
    boolean quick = false;
    boolean brief = false;
    int[] sizes = SIZES;
    int rounds = 3;
    String include = "dev.envelope.benchmarks.*";
    Path out = Paths.get("docs/benchmarks.md");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick":
          quick = true;
          break;
        case "--short":
          brief = true;
          break;
        case "--sizes":
          sizes = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
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
              "unknown option " + args[i] + " (--quick, --short, --sizes N,N, --include REGEX, --rounds N, --out FILE)");
      }
    }
    UnaryOperator<ChainedOptionsBuilder> tweak = brief ? Report::brief : UnaryOperator.identity();
    Measured measured = measure(include, quick ? 1 : rounds, quick, tweak, sizes, brief);
    String markdown = render(measured, quick);
    if (brief) {
      markdown = markdown.replace("JMH throughput mode, ",
          "JMH throughput mode (`--short`: 3 × 1 s warm-up and 3 × 1 s measured iterations per fork; "
              + "the tables without a payload size one fork per point, but the observer overhead), ");
    }
    if (!quick && include.equals("dev.envelope.benchmarks.*")) {
      markdown = markdown.replace(Targets.HEADING, fleet() + Targets.HEADING);
    }
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.write(out, markdown.getBytes(StandardCharsets.UTF_8));
    System.out.println("wrote " + out.toAbsolutePath());
  }

  /** The PostgreSQL fleet's propagation section, or why it was not measured (no server binaries). */
  private static String fleet() {
    try {
      return FleetPropagation.markdown(200);
    } catch (Exception | LinkageError e) {
      return "## A state change reaching another process (PostgreSQL key store)\n\nNot measured in this run: "
          + e.getClass().getSimpleName() + " (`scripts/bench-fleet` needs the PostgreSQL server binaries).\n\n";
    }
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

  /**
   * {@code --short}: 3 warm-up and 3 measured iterations of 1 s per fork instead of each
   * benchmark's own (typically 5 × 2 s and 5 × 1 s), for a full report in about a third of the
   * time; the report says so in its method line.
   */
  static ChainedOptionsBuilder brief(ChainedOptionsBuilder o) {
    return o.warmupIterations(3).warmupTime(TimeValue.seconds(1)).measurementIterations(3)
        .measurementTime(TimeValue.seconds(1));
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
    return measure(include, rounds, quick, tweak, SIZES);
  }

  /** As above, over the payload sizes given ({@code --sizes}); tables of sizes not run are left out. */
  static Measured measure(
      String include, int rounds, boolean quick, UnaryOperator<ChainedOptionsBuilder> tweak, int[] sizes)
      throws RunnerException {
    return measure(include, rounds, quick, tweak, sizes, false);
  }

  /**
   * As above; with {@code oneForkUnsized} ({@code --short}) the benchmarks without a size run one
   * fork each, but for {@link #SEVERAL_FORKS}.
   */
  static Measured measure(
      String include, int rounds, boolean quick, UnaryOperator<ChainedOptionsBuilder> tweak, int[] sizes,
      boolean oneForkUnsized)
      throws RunnerException {
    int threads = Runtime.getRuntime().availableProcessors();
    List<Map<String, Point>> all = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      Map<String, Point> points = new LinkedHashMap<>();
      for (int size : quick ? new int[] {1024} : sizes) {
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
        } else if (oneForkUnsized) {
          // --short: the supplementary tables (ECDSA engines alone are 54 forks) once each, except
          // the overhead ratios, which compare forks of one benchmark and need several.
          u.exclude(SEVERAL_FORKS).forks(1);
          ChainedOptionsBuilder f = options(include, quick).exclude("^(?!.*" + SEVERAL_FORKS + "\\.).*$");
          points.putAll(index(new Runner(tweak.apply(f).build()).run(), ""));
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
    ReportSections.renderAll(md, first);
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
    md.append("| implementation | encrypt ops/s | MB/s | B/op | vs ESDK | vs floor | decrypt ops/s | MB/s | B/op | vs ESDK | vs floor |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    md.append(rows).append('\n');
  }

  private static void cells(
      StringBuilder md, Measured m, Impl impl, String benchmark, String esdk, String floor, int size, int threads) {
    Spread ops = value(m, benchmark, size, impl.params(), threads, Point::opsPerSecond);
    Spread alloc = value(m, benchmark, size, impl.params(), threads, Point::bytesPerOp);
    md.append(" | ").append(ops == null ? "–" : fmt(ops.median()));
    md.append(" | ").append(ops == null ? "–" : fmt(ops.median() * size / 1e6)); // payload MB (10^6 B) per second
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
