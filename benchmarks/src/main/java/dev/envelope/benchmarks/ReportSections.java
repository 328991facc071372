package dev.envelope.benchmarks;

import static dev.envelope.benchmarks.Report.fmt;
import static dev.envelope.benchmarks.Report.ratio;

import dev.envelope.benchmarks.Report.Point;
import java.util.Map;

/**
 * The report's tables for benchmarks that run once per report rather than once per round (no
 * ESDK peer, no payload-size sweep): ECDSA engines, the data-key cache, local key sources, rewrap
 * and random access, observer overhead, key-store throughput. Each table is skipped when its benchmark did not run.
 */
final class ReportSections {
  private ReportSections() {}

  /** Appends every section whose benchmarks are in {@code points}. */
  static void renderAll(StringBuilder md, Map<String, Point> points) {
    renderCache(md, points);
    renderCacheHit(md, points);
    renderKeySources(md, points);
    renderRewrap(md, points);
    renderObserver(md, points);
    renderKeyStoreThroughput(md, points);
    renderEcdsa(md, points);
  }

  /** A cache hit against one raw AES keyring call (issue 17 item 2: a hit should cost less). */
  private static void renderCacheHit(StringBuilder md, Map<String, Point> points) {
    StringBuilder rows = new StringBuilder();
    String[][] pairs = {
      {"encrypt", "lookupEncryptHit", "keyringOnEncrypt"},
      {"decrypt", "lookupDecryptHit", "keyringOnDecrypt"},
      {"whole 1 KiB message, encrypt", "encryptCached", "encryptUncached"},
      {"whole 1 KiB message, decrypt", "decryptCached", "decryptUncached"},
    };
    for (String[] pair : pairs) {
      Point hit = first(points, "CacheHitBenchmarks." + pair[1] + " ");
      Point call = first(points, "CacheHitBenchmarks." + pair[2] + " ");
      if (hit != null && call != null) {
        rows.append("| ").append(pair[0]).append(" | ").append(fmt(hit.opsPerSecond())).append(" | ")
            .append(fmt(hit.bytesPerOp())).append(" | ").append(fmt(call.opsPerSecond())).append(" | ")
            .append(fmt(call.bytesPerOp())).append(" | ").append(ratio(hit.opsPerSecond() / call.opsPerSecond()))
            .append(" |\n");
      }
    }
    if (rows.length() == 0) {
      return;
    }
    md.append("## A cache hit against one keyring call\n\n");
    md.append("`CacheHitBenchmarks`, 0x0478, JDK provider, one fork: the materials lookup of a ")
        .append("`CachingMaterialsManager` that hits (an in-process key compared field by field, no digest) ")
        .append("against one raw AES keyring `onEncrypt`/`onDecrypt` (a GCM wrap or unwrap of the data key), ")
        .append("then whole 1 KiB messages, cached against uncached. The decrypt lookup reuses one request, ")
        .append("so it stops at the previous key's identity check; the whole-message rows parse each header.\n\n");
    md.append("| operation | hit or cached ops/s | B/op | keyring call or uncached ops/s | B/op | ratio |\n")
        .append("|---|---:|---:|---:|---:|---:|\n").append(rows).append('\n');
  }

  /** The point of the first key that starts with {@code prefix} (its one parameter point), or null. */
  private static Point first(Map<String, Point> points, String prefix) {
    for (Map.Entry<String, Point> e : points.entrySet()) {
      if (e.getKey().startsWith(prefix)) {
        return e.getValue();
      }
    }
    return null;
  }

  /** Key-store wrap and unwrap with 1, 4 and 16 clients, directory against PostgreSQL (issue 14 item 6). */
  private static void renderKeyStoreThroughput(StringBuilder md, Map<String, Point> points) {
    StringBuilder rows = new StringBuilder();
    for (String op : new String[] {"wrap", "unwrap"}) {
      for (int clients : new int[] {1, 4, 16}) {
        Point dir = points.get("KeyStoreThroughputBenchmarks." + op + clients + " home=directory");
        Point pg = points.get("KeyStoreThroughputBenchmarks." + op + clients + " home=postgresql");
        if (dir == null && pg == null) {
          continue;
        }
        rows.append("| ").append(op).append(" | ").append(clients)
            .append(" | ").append(dir == null ? "–" : fmt(dir.opsPerSecond()))
            .append(" | ").append(pg == null ? "not run" : fmt(pg.opsPerSecond()))
            .append(" | ").append(dir == null || pg == null ? "–" : ratio(pg.opsPerSecond() / dir.opsPerSecond()))
            .append(" |\n");
      }
    }
    if (rows.length() == 0) {
      return;
    }
    md.append("## Key-store throughput: directory and PostgreSQL\n\n");
    md.append("`KeyStoreThroughputBenchmarks`: a full key-store operation per call (lookup, state and policy ")
        .append("checks, the keyed audit record, AES-GCM under the key's version), one store instance shared by ")
        .append("N client threads on this 2-core machine. *wrap* seals a fresh 32-byte data key ")
        .append("(`generateDataKey`), *unwrap* opens one (`decrypt`). PostgreSQL is a throwaway local server ")
        .append("(initdb in a temporary directory, fsync off) over loopback TCP with a 17-connection pool; every ")
        .append("use is a database transaction, where the directory store appends to its audit file. ")
        .append("One fork per point.\n\n");
    md.append("| operation | clients | directory ops/s | PostgreSQL ops/s | PostgreSQL vs directory |\n")
        .append("|---|---:|---:|---:|---:|\n").append(rows).append('\n');
  }

  private static void renderEcdsa(StringBuilder md, Map<String, Point> points) {
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

  private static void renderCache(StringBuilder md, Map<String, Point> points) {
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

  private static void renderKeySources(StringBuilder md, Map<String, Point> points) {
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

  /** Rewrap and range reads against the work they replace, per message size. */
  private static void renderRewrap(StringBuilder md, Map<String, Point> points) {
    StringBuilder rows = new StringBuilder();
    for (int size : new int[] {1 << 20, 100 << 20}) {
      String p = " size=" + size;
      Point baseline = points.get("RewrapBenchmarks.decryptThenEncrypt" + p);
      Point full = points.get("RewrapBenchmarks.fullDecrypt" + p);
      if (baseline == null || full == null) {
        continue;
      }
      row(rows, size, "decrypt + encrypt (0x0178)", baseline, baseline);
      row(rows, size, "rewrap, in memory (0x0178, every frame authenticated)", points.get("RewrapBenchmarks.rewrapInMemory" + p), baseline);
      row(rows, size, "rewrap, stream (0x0178, body copied)", points.get("RewrapBenchmarks.rewrapStream" + p), baseline);
      row(rows, size, "rewrap with re-encryption (0x0478)", points.get("RewrapBenchmarks.reencrypt" + p), baseline);
      row(rows, size, "full decrypt (0x0478)", full, full);
      row(rows, size, "4 KiB range through a plaintext channel (0x0478)", points.get("RewrapBenchmarks.rangeRead4KiB" + p), full);
    }
    if (rows.length() == 0) {
      return;
    }
    md.append("## Rewrap and random access\n\n");
    md.append("`RewrapBenchmarks`, JDK provider, 64 KiB frames, one round. A rewrap row's ratio is against ")
        .append("decrypting and re-encrypting the same message; the range row's against decrypting it whole.\n\n");
    md.append("| size | operation | ops/s | MB/s | B/op | ratio |\n|---|---|---:|---:|---:|---:|\n").append(rows).append('\n');
  }

  private static void row(StringBuilder rows, int bytes, String what, Point p, Point baseline) {
    if (p == null) {
      return;
    }
    rows.append("| ").append(Report.label(bytes)).append(" | ").append(what).append(" | ").append(fmt(p.opsPerSecond()))
        .append(" | ").append(fmt(p.opsPerSecond() * bytes / 1e6)).append(" | ").append(fmt(p.bytesPerOp()))
        .append(" | ").append(p == baseline ? "1×" : ratio(p.opsPerSecond() / baseline.opsPerSecond())).append(" |\n");
  }

  /** Envelope with no observer, a no-op one, a counting one and the adapters (issue 15: nothing measurable when none). */
  private static void renderObserver(StringBuilder md, Map<String, Point> points) {
    StringBuilder rows = new StringBuilder();
    for (String op : new String[] {"encrypt", "decrypt"}) {
      Point none = points.get("ObserverOverheadBenchmarks." + op + "1KiB observer=none");
      if (none == null) {
        continue;
      }
      for (String observer : new String[] {"none", "noop", "counting", "micrometer", "opentelemetry"}) {
        Point p = points.get("ObserverOverheadBenchmarks." + op + "1KiB observer=" + observer);
        if (p != null) {
          rows.append("| ").append(op).append(" | ").append(observer).append(" | ").append(fmt(p.opsPerSecond()))
              .append(" | ").append(fmt(p.bytesPerOp())).append(" | ")
              .append(ratio(p.opsPerSecond() / none.opsPerSecond())).append(" |\n");
        }
      }
    }
    if (rows.length() == 0) {
      return;
    }
    md.append("## Observer overhead\n\n");
    md.append("`ObserverOverheadBenchmarks`: 1 KiB 0x0478 with a raw AES keyring, JDK provider, 3 forks; ")
        .append("no observer, an observer that ignores everything, one that counts every event, and the ")
        .append("Micrometer and OpenTelemetry adapters on in-memory registries. ")
        .append("The ratio is against no observer in the same run.\n\n");
    md.append("| operation | observer | ops/s | B/op | vs none |\n|---|---|---:|---:|---:|\n").append(rows).append('\n');
  }
}
