package dev.envelope.local.internal;

import com.google.gson.JsonObject;
import dev.envelope.local.AuditVerification;
import dev.envelope.local.KeyOperation;
import dev.envelope.local.KeyStoreIntegrityException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Map;
import java.util.NavigableMap;

/**
 * Verifies and reads a directory store's segmented audit log ({@link AuditSegments}) as one
 * chain. Record numbers ("line N" in problems, {@link AuditVerification#records()}) are sequence
 * numbers counted from the log's first record ever, pruned ones included.
 *
 * <p>What is checked, besides each record's chain link (and MAC, when keyed):
 *
 * <ul>
 *   <li>the segments are numbered without a gap, and every segment after the first starts with its
 *       {@link KeyOperation#AUDIT_SEGMENT} record naming that number (a renamed, dropped,
 *       reordered or foreign segment breaks the chain there);
 *   <li>a log whose oldest segment is not segment 1 has a retention anchor that covers the missing
 *       ones (its MAC checked when keyed), and the anchor's first segment starts with the record
 *       and chain hash the anchor names; a deleted or rolled-back anchor, or segments deleted
 *       beyond it, are reported.
 * </ul>
 */
final class AuditSegmentVerifier {
  private AuditSegmentVerifier() {}

  /** Receives each verified record. */
  interface Sink {
    void accept(long seq, byte[] line, Path segment);

    /** The scan starts over: forget what was accepted. */
    default void restart() {}
  }

  /** Thrown inside the scan to stop it at a problem. */
  private static final class Broken extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient AuditVerification result;

    Broken(AuditVerification result) {
      super(null, null, false, false);
      this.result = result;
    }
  }

  /** How often a scan starts again when a prune deleted a segment under it. */
  private static final int ATTEMPTS = 5;

  /** Verifies the whole log in {@code dir}; {@code anchor}, {@code macKey} may be null. */
  static AuditVerification verify(Path dir, AuditVerification anchor, byte[] macKey, String storeId) {
    return scan(dir, anchor, macKey, storeId, Long.MAX_VALUE, null);
  }

  /**
   * Scans without the log's lock: a prune running meanwhile may delete a listed segment, and then
   * the scan starts over (the listing is read before the retention anchor, so a scan sees the
   * segments as they were before a prune's anchor, or after it).
   */
  private static AuditVerification scan(Path dir, AuditVerification anchor, byte[] macKey, String storeId,
      long stopAt, Sink sink) {
    AuditVerification result = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      State st = new State();
      if (sink != null) {
        sink.restart();
      }
      result = scan(dir, anchor, macKey, storeId, stopAt, sink, st);
      if (!st.vanished) {
        return result;
      }
    }
    return result;
  }

  /**
   * Reads the records {@code verified} covered, checking the chain again on the way.
   *
   * @throws KeyStoreIntegrityException if the log no longer holds them
   */
  static void read(Path dir, AuditVerification verified, AuditChain.RecordSink sink) {
    java.util.List<Object[]> lines = new java.util.ArrayList<>();
    AuditVerification again = scan(dir, null, null, null, verified.records(), new Sink() {
      @Override
      public void accept(long seq, byte[] line, Path segment) {
        lines.add(new Object[] {seq, line, segment});
      }

      @Override
      public void restart() {
        lines.clear();
      }
    });
    if (again.isValid() && lines.isEmpty() && again.records() > verified.records()) {
      return; // a prune deleted every verified record since: none of them is kept
    }
    if (!again.isValid() || again.records() != verified.records()
        || !MessageDigest.isEqual(again.lastHash().getBytes(StandardCharsets.US_ASCII),
            verified.lastHash().getBytes(StandardCharsets.US_ASCII))) {
      throw new KeyStoreIntegrityException("the audit log in " + dir + " no longer holds the records that were"
          + " verified (" + (again.isValid() ? "record " + verified.records() + " differs" : again.problem())
          + "): it was rewritten meanwhile; verify it again and investigate");
    }
    for (Object[] l : lines) {
      AuditChain.parse((byte[]) l[1], (Long) l[0], (Path) l[2], sink);
    }
  }

  private static AuditVerification scan(Path dir, AuditVerification anchor, byte[] macKey, String storeId,
      long stopAt, Sink sink, State st) {
    try {
      NavigableMap<Long, Path> segments = AuditSegments.list(dir);
      AuditSegments.Retention retention = AuditSegments.readRetention(dir);
      if (retention != null && macKey != null && !retention.macMatches(macKey, storeId)) {
        st.fail(1, "the retention anchor " + AuditSegments.RETENTION_FILE + " fails its MAC: it was edited, or comes"
            + " from another key store");
      }
      if (segments.isEmpty()) {
        if (retention != null) {
          st.fail(retention.startSeq, "every audit log segment is gone, though the retention anchor keeps segment "
              + retention.firstSegment + " on: they were deleted");
        }
      } else {
        start(segments.firstKey(), retention, st);
        long expected = segments.firstKey();
        for (Map.Entry<Long, Path> e : segments.entrySet()) {
          if (e.getKey() != expected) {
            st.fail(st.seq + 1, "audit log segment " + expected + " is missing (the next is " + e.getKey()
                + "): it was deleted");
          }
          boolean last = e.getKey().equals(segments.lastKey());
          if (!segment(e.getKey(), e.getValue(), last, retention, anchor, macKey, storeId, stopAt, sink, st)) {
            break;
          }
          expected++;
        }
      }
      if (anchor != null && st.seq < anchor.records()) {
        st.fail(st.seq + 1, "the log has " + st.seq + " records but the anchor saw " + anchor.records()
            + ": records were removed from the end");
      }
      return AuditVerification.intact(st.seq, st.hash);
    } catch (Broken b) {
      return b.result;
    } catch (KeyStoreIntegrityException e) {
      return AuditVerification.broken(st.seq, st.seq + 1, e.getMessage(), st.hash);
    }
  }

  /** Where the chain stands: the last good record's number and hash. */
  private static final class State {
    long seq;
    String hash = AuditChain.ZERO_HASH;
    boolean startTrusted = true; // false: the oldest segment's first link cannot be checked
    boolean vanished; // a listed segment was deleted during the scan

    void fail(long line, String problem) {
      throw new Broken(AuditVerification.broken(seq, line, problem, hash));
    }
  }

  private static void start(long oldest, AuditSegments.Retention retention, State st) {
    if (oldest == 1) {
      return;
    }
    if (retention == null) {
      st.fail(1, "the oldest audit log segment is " + oldest + " and there is no retention anchor ("
          + AuditSegments.RETENTION_FILE + "): segments 1 to " + (oldest - 1) + " were deleted outside a prune, or"
          + " the anchor was deleted");
    }
    if (retention.firstSegment < oldest) {
      st.fail(retention.startSeq, "audit log segments " + retention.firstSegment + " to " + (oldest - 1)
          + " were deleted though the retention anchor keeps them (or the anchor was rolled back)");
    }
    if (retention.firstSegment == oldest) {
      st.seq = retention.startSeq - 1;
      st.hash = retention.startPrev;
    } else {
      // A prune that crashed after writing the anchor left older segments: they lead up to it.
      st.startTrusted = false;
    }
  }

  private static boolean segment(long number, Path file, boolean last, AuditSegments.Retention retention,
      AuditVerification anchor, byte[] macKey, String storeId, long stopAt, Sink sink, State st) {
    String name = file.getFileName().toString();
    boolean first = true;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      ByteArrayOutputStream current = new ByteArrayOutputStream(512);
      int b;
      while (true) {
        if (st.seq >= stopAt) {
          return false;
        }
        b = in.read();
        if (b == -1) {
          break;
        }
        if (b != '\n') {
          if (current.size() >= AuditChain.MAX_LINE) {
            st.fail(st.seq + 1, "record " + (st.seq + 1) + " (in " + name + ") is longer than " + AuditChain.MAX_LINE
                + " bytes");
          }
          current.write(b);
          continue;
        }
        byte[] line = current.toByteArray();
        current.reset();
        record(number, name, line, first, retention, macKey, storeId, st);
        first = false;
        if (anchor != null && st.seq == anchor.records() && !st.hash.equals(anchor.lastHash())) {
          st.fail(st.seq, "line " + st.seq + " differs from the anchored record " + anchor.records()
              + " (the log was rewritten from there on)");
        }
        if (sink != null) {
          sink.accept(st.seq, line, file);
        }
      }
      if (current.size() > 0) {
        st.fail(st.seq + 1, "line " + (st.seq + 1) + " (in " + name + ") is incomplete (no final newline): a torn"
            + " write or a truncated file");
      }
      if (first && !last) {
        st.fail(st.seq + 1, "audit log segment " + name + " is empty: it was truncated");
      }
    } catch (NoSuchFileException e) {
      st.vanished = true;
      st.fail(st.seq + 1, "audit log segment " + name + " disappeared while being read (pruned meanwhile?);"
          + " verify again");
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the audit log segment " + file, e);
    }
    return true;
  }

  private static void record(long number, String name, byte[] line, boolean first, AuditSegments.Retention retention,
      byte[] macKey, String storeId, State st) {
    long n = st.seq + 1;
    if (first && !st.startTrusted) {
      // The oldest of the segments a crashed prune left: its own first link is unchecked.
      JsonObject o = AuditSegments.json(line);
      try {
        st.seq = o.get("seq").getAsLong() - 1;
        st.hash = o.get("prev").getAsString();
        n = st.seq + 1;
      } catch (RuntimeException e) {
        st.fail(n, "the first record of " + name + " is not a well-formed audit record");
      }
      st.startTrusted = true;
    }
    ChainChecks.Problem problem = ChainChecks.checkRecord(line, n, st.hash);
    if (problem == null && macKey != null) {
      problem = ChainChecks.checkMac(line, n, macKey, storeId);
    }
    if (problem != null) {
      st.fail(problem.line, problem.text + " (in " + name + ")");
    }
    JsonObject o = AuditSegments.json(line);
    boolean segmentRecord = KeyOperation.AUDIT_SEGMENT.name().equals(string(o, "operation"));
    if (first && number > 1) {
      if (!segmentRecord || !String.valueOf(number).equals(string(o, "segment"))) {
        st.fail(n, "audit log segment " + name + " does not start with its own segment record: it was renamed,"
            + " reordered or comes from elsewhere");
      }
    } else if (segmentRecord) {
      st.fail(n, "record " + n + " (in " + name + ") starts a segment in the middle of one: segments were"
          + " concatenated or edited");
    }
    if (first && retention != null && number == retention.firstSegment
        && (n != retention.startSeq || !MessageDigest.isEqual(st.hash.getBytes(StandardCharsets.US_ASCII),
            retention.startPrev.getBytes(StandardCharsets.US_ASCII)))) {
      st.fail(n, "audit log segment " + name + " does not start where the retention anchor says (record "
          + retention.startSeq + "): the segment or the anchor was replaced");
    }
    st.seq = n;
    st.hash = AuditChain.chainHash(line);
  }

  private static String string(JsonObject o, String field) {
    try {
      return o == null || !o.has(field) ? null : o.get(field).getAsString();
    } catch (RuntimeException e) {
      return null;
    }
  }
}
