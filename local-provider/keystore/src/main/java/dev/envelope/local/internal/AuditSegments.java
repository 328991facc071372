package dev.envelope.local.internal;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.envelope.local.AuditLog;
import dev.envelope.local.KeyStoreIntegrityException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files of a directory store's segmented audit log: the segments {@code audit-000001.log},
 * {@code audit-000002.log}, ... (an older store's single {@code audit.log} is segment 1 until the
 * first append renames it), and the retention anchor {@code audit-retention.json} that {@link
 * SegmentedAuditLog#prune} writes.
 *
 * <p>The retention anchor, owner-only, holds the first segment kept, the sequence number of its
 * first record and the chain hash that record continues from, with a MAC under the store's audit
 * key over {@code "audit-retention/1" 00 firstSegment 00 startSeq 00 startPrev 00 prunedAt}
 * (domain-separated from records, which start with {@code {"seq":}).
 */
final class AuditSegments {
  static final String RETENTION_FILE = "audit-retention.json";
  static final String LOCK_FILE = "." + AuditLog.FILE_NAME + ".lock";
  private static final Pattern SEGMENT = Pattern.compile("audit-([0-9]{6,18})\\.log");
  private static final int MAX_RETENTION_BYTES = 4096;
  static final String PARTIAL = ".partial";

  private AuditSegments() {}

  static Path segment(Path dir, long number) {
    return dir.resolve(String.format(Locale.ROOT, "audit-%06d.log", number));
  }

  /** Whether {@code name} is a file of the audit log (a segment, the legacy log, the anchor, the lock). */
  static boolean isAuditFile(String name) {
    return name.equals(AuditLog.FILE_NAME) || name.equals(RETENTION_FILE) || name.equals(LOCK_FILE)
        || SEGMENT.matcher(name).matches();
  }

  /** The numbered segments present, by number; the legacy {@code audit.log} is not among them. */
  static NavigableMap<Long, Path> numbered(Path dir) {
    NavigableMap<Long, Path> out = new TreeMap<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "audit-*.log")) {
      for (Path p : files) {
        Matcher m = SEGMENT.matcher(p.getFileName().toString());
        if (m.matches()) {
          out.put(Long.parseLong(m.group(1)), p);
        }
      }
    } catch (NoSuchFileException e) {
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("could not list the audit log segments in " + dir, e);
    }
    return out;
  }

  /**
   * The segments to read: the numbered ones, or the legacy {@code audit.log} as segment 1.
   *
   * @throws KeyStoreIntegrityException if both exist (an older Envelope wrote {@code audit.log}
   *     after the log was segmented)
   */
  static NavigableMap<Long, Path> list(Path dir) {
    NavigableMap<Long, Path> out = numbered(dir);
    Path legacy = dir.resolve(AuditLog.FILE_NAME);
    if (Files.exists(legacy)) {
      if (!out.isEmpty()) {
        throw new KeyStoreIntegrityException("the key store at " + dir + " has both " + AuditLog.FILE_NAME
            + " and audit log segments (audit-NNNNNN.log): an older release of Envelope appended to "
            + AuditLog.FILE_NAME + " after the log was segmented; keep it as evidence, move it aside and"
            + " upgrade every process that opens this store");
      }
      out.put(1L, legacy);
    }
    return out;
  }

  /** Renames a legacy {@code audit.log} to segment 1; call with the log's lock held. */
  static void migrateLegacy(Path dir) throws IOException {
    Path legacy = dir.resolve(AuditLog.FILE_NAME);
    if (Files.exists(legacy) && numbered(dir).isEmpty()) {
      Files.move(legacy, segment(dir, 1), StandardCopyOption.ATOMIC_MOVE);
      AtomicFiles.fsyncDirectory(dir);
    }
  }

  /**
   * Creates segment {@code number} holding {@code content}, atomically: a temp file, fsynced, then
   * renamed (never over an existing segment). The temp file's name ends in {@value #PARTIAL}, not
   * in the {@code .tmp} a store's tidy deletes: rotation holds only the log's lock, not the store
   * lock tidy runs under. Call with the log's lock held.
   */
  static void create(Path dir, long number, byte[] content) throws IOException {
    Path target = segment(dir, number);
    Path temp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + PARTIAL);
    try {
      try (FileChannel ch = OwnerOnly.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.createLink(target, temp); // fails if the segment exists
      AtomicFiles.fsyncDirectory(dir);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Deletes what a rotation killed mid-way left; call with the log's lock held. */
  static void deletePartials(Path dir) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, ".audit-*" + PARTIAL)) {
      for (Path p : files) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** The first line of a segment (without its newline), or null if it has none. */
  static byte[] firstLine(Path file) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 4096)) {
      ByteArrayOutputStream line = new ByteArrayOutputStream(512);
      int b;
      while ((b = in.read()) != -1) {
        if (b == '\n') {
          return line.toByteArray();
        }
        if (line.size() >= AuditChain.MAX_LINE) {
          return null;
        }
        line.write(b);
      }
      return null;
    }
  }

  /** The last complete line of a segment, or null if it has none. */
  static byte[] lastLine(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      long end = AuditChain.findNewlineBefore(ch, size) + 1;
      if (end == 0) {
        return null;
      }
      long start = AuditChain.findNewlineBefore(ch, end - 1) + 1;
      int length = (int) Math.min(AuditChain.MAX_LINE, end - 1 - start);
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(length);
      while (buf.hasRemaining() && ch.read(buf, start + buf.position()) >= 0) {
        // read on
      }
      return buf.array();
    }
  }

  /** A record's JSON, or null if it is not an object. */
  static JsonObject json(byte[] line) {
    try {
      return JsonParser.parseString(new String(line, StandardCharsets.UTF_8)).getAsJsonObject();
    } catch (RuntimeException e) {
      return null;
    }
  }

  // ------------------------------------------------------------------------- retention anchor

  /** Where the kept log starts after a prune. */
  static final class Retention {
    final long firstSegment;
    final long startSeq;
    final String startPrev;
    final Instant prunedAt;
    final String mac; // null when unkeyed

    Retention(long firstSegment, long startSeq, String startPrev, Instant prunedAt, String mac) {
      this.firstSegment = firstSegment;
      this.startSeq = startSeq;
      this.startPrev = startPrev;
      this.prunedAt = prunedAt;
      this.mac = mac;
    }

    private byte[] macInput() {
      return ("audit-retention/1\0" + firstSegment + "\0" + startSeq + "\0" + startPrev + "\0" + prunedAt)
          .getBytes(StandardCharsets.UTF_8);
    }

    /** Whether the MAC is right for {@code key} and {@code storeId}. */
    boolean macMatches(byte[] key, String storeId) {
      if (mac == null) {
        return false;
      }
      String expected = AuditChain.mac(key, storeId, macInput());
      return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), mac.getBytes(StandardCharsets.US_ASCII));
    }

    Retention signed(byte[] key, String storeId) {
      return new Retention(firstSegment, startSeq, startPrev, prunedAt,
          key == null ? null : AuditChain.mac(key, storeId, macInput()));
    }
  }

  /**
   * The retention anchor, or null if there is none.
   *
   * @throws KeyStoreIntegrityException if it is malformed
   */
  static Retention readRetention(Path dir) {
    Path file = dir.resolve(RETENTION_FILE);
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_RETENTION_BYTES) {
        throw new KeyStoreIntegrityException(file + " is larger than a retention anchor can be: it was replaced;"
            + " investigate");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file, e);
    }
    try {
      JsonObject o = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8)).getAsJsonObject();
      String prev = o.get("startPrev").getAsString();
      if (!prev.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("startPrev");
      }
      return new Retention(o.get("firstSegment").getAsLong(), o.get("startSeq").getAsLong(), prev,
          Instant.parse(o.get("prunedAt").getAsString()), o.has("mac") ? o.get("mac").getAsString() : null);
    } catch (RuntimeException e) {
      throw new KeyStoreIntegrityException(file + " is not a retention anchor (damaged or replaced); investigate", e);
    }
  }

  static void writeRetention(Path dir, Retention r) throws IOException {
    JsonObject o = new JsonObject();
    o.addProperty("version", 1);
    o.addProperty("firstSegment", r.firstSegment);
    o.addProperty("startSeq", r.startSeq);
    o.addProperty("startPrev", r.startPrev);
    o.addProperty("prunedAt", r.prunedAt.toString());
    if (r.mac != null) {
      o.addProperty("mac", r.mac);
    }
    AtomicFiles.write(dir.resolve(RETENTION_FILE), o.toString().getBytes(StandardCharsets.UTF_8));
  }
}
