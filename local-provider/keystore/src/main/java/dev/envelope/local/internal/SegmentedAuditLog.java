package dev.envelope.local.internal;

import com.google.gson.JsonObject;
import dev.envelope.KeyProviderException;
import dev.envelope.local.AuditEvent;
import dev.envelope.local.AuditOutcome;
import dev.envelope.local.AuditPruneResult;
import dev.envelope.local.AuditVerification;
import dev.envelope.local.KeyOperation;
import dev.envelope.local.KeyStoreIntegrityException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.function.LongSupplier;

/**
 * A directory store's keyed audit log, kept in segments ({@link AuditSegments}): records as
 * {@link AuditChain} writes them, one chain across all segments.
 *
 * <p>Under the log's lock, an append first checks whether the segment being written is full
 * ({@code maxBytes}) or old (its first record is {@code maxAge} older than the new one); if so it
 * creates the next segment, atomically, holding one {@link KeyOperation#AUDIT_SEGMENT} record
 * chained (and MAC'd) to the last record of the previous segment, with a {@code "segment":N} field
 * naming its own number. {@link #prune} deletes whole old segments under the same lock, after
 * recording itself and a retention anchor; {@link AuditSegmentVerifier} checks it all.
 */
@SuppressWarnings("try") // the lock holder is a try-with-resources guard
final class SegmentedAuditLog implements AuditStore {
  private final Path dir;
  private final byte[] macKey; // null: unkeyed
  private final String storeId;
  private final LongSupplier generation;
  private final long maxBytes;
  private final Duration maxAge; // null: no age limit
  private final DirectoryLock lock;
  private FileChannel channel; // guarded by lock
  private long segment; // the number of the segment channel writes; guarded by lock
  private Instant segmentStart; // its first record's time, when maxAge is set; guarded by lock
  private AuditChain.Tail cached; // guarded by lock

  SegmentedAuditLog(Path dir, byte[] macKey, String storeId, LongSupplier generation, long maxBytes, Duration maxAge) {
    this.dir = dir;
    this.macKey = macKey == null ? null : macKey.clone();
    this.storeId = storeId;
    this.generation = generation;
    this.maxBytes = maxBytes;
    this.maxAge = maxAge;
    this.lock = new DirectoryLock(dir.resolve(AuditSegments.LOCK_FILE));
  }

  @Override
  public void onAuditEvent(AuditEvent event) {
    try (DirectoryLock.Held held = lock.acquire()) {
      append(event);
    } catch (IOException e) {
      dropChannel();
      throw new KeyProviderException("could not append to the audit log in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Appends {@code event}, starting a new segment first if one is due. */
  private void append(AuditEvent event) throws IOException {
    FileChannel ch = current();
    long size = ch.size();
    String repair = null;
    AuditChain.Tail tail = cached;
    if (tail == null || tail.end != size) {
      long[] dropped = new long[1];
      tail = AuditChain.readTail(ch, size, dropped);
      if (dropped[0] > 0) {
        repair = "dropped an incomplete last line of " + dropped[0] + " bytes (torn write)";
      }
    }
    if (tail.end > 0 && rotationDue(tail, event.time())) {
      tail = rotate(event, tail);
      ch = channel;
    }
    long gen = macKey == null ? 0 : Math.max(generation.getAsLong(), tail.gen);
    byte[] line = line(event, tail.seq + 1, tail.hash, gen, null, repair).getBytes(StandardCharsets.UTF_8);
    ByteBuffer buf = ByteBuffer.allocate(line.length + 1).put(line).put((byte) '\n').flip();
    long pos = tail.end;
    while (buf.hasRemaining()) {
      pos += ch.write(buf, pos);
    }
    if (!event.operation().isKeyUse()) {
      ch.force(false);
    }
    cached = new AuditChain.Tail(pos, tail.seq + 1, AuditChain.chainHash(line), gen);
    if (segmentStart == null && maxAge != null) {
      segmentStart = event.time();
    }
  }

  private boolean rotationDue(AuditChain.Tail tail, Instant now) throws IOException {
    if (tail.end >= maxBytes) {
      return true;
    }
    if (maxAge == null) {
      return false;
    }
    if (segmentStart == null) {
      segmentStart = recordTime(AuditSegments.firstLine(AuditSegments.segment(dir, segment)));
    }
    return segmentStart != null && !now.isBefore(segmentStart.plus(maxAge));
  }

  /** Starts segment {@code segment + 1} with its segment record; returns its tail. */
  private AuditChain.Tail rotate(AuditEvent cause, AuditChain.Tail tail) throws IOException {
    long next = segment + 1;
    AuditEvent start = AuditEvent.builder().time(cause.time()).operation(KeyOperation.AUDIT_SEGMENT)
        .outcome(AuditOutcome.SUCCESS).caller(cause.caller())
        .detail("segment " + next + " continues the audit log after record " + tail.seq + " of segment " + segment)
        .build();
    long gen = macKey == null ? 0 : Math.max(generation.getAsLong(), tail.gen);
    byte[] line = line(start, tail.seq + 1, tail.hash, gen, next, null).getBytes(StandardCharsets.UTF_8);
    byte[] content = new byte[line.length + 1];
    System.arraycopy(line, 0, content, 0, line.length);
    content[line.length] = '\n';
    Path file = AuditSegments.segment(dir, next);
    if (Files.exists(file)) {
      throw new IOException(file + " exists already, though " + AuditSegments.segment(dir, segment).getFileName()
          + " was the newest segment: investigate");
    }
    channel.force(false);
    AuditSegments.create(dir, next, content);
    open(next);
    segmentStart = cause.time();
    return new AuditChain.Tail(content.length, tail.seq + 1, AuditChain.chainHash(line), gen);
  }

  private String line(AuditEvent event, long seq, String prev, long gen, Long segmentField, String repair) {
    return line(event, seq, prev, gen, segmentField, repair, macKey, storeId);
  }

  private static String line(AuditEvent event, long seq, String prev, long gen, Long segmentField, String repair,
      byte[] key, String storeId) {
    String text = AuditChain.format(event, seq, prev, repair);
    text = text.substring(0, text.length() - 1);
    if (segmentField != null) {
      text += ",\"segment\":" + segmentField;
    }
    if (key == null) {
      return text + "}";
    }
    text += ",\"gen\":" + gen;
    return text + AuditChain.MAC_FIELD + AuditChain.mac(key, storeId, text.getBytes(StandardCharsets.UTF_8)) + "\"}";
  }

  /** The channel of the newest segment, following rotations by other processes; migrates a legacy log. */
  private FileChannel current() throws IOException {
    if (channel == null || !channel.isOpen()) {
      AuditSegments.migrateLegacy(dir);
      AuditSegments.deletePartials(dir);
      NavigableMap<Long, Path> segments = AuditSegments.numbered(dir);
      open(segments.isEmpty() ? 1 : segments.lastKey());
    }
    if (Files.exists(AuditSegments.segment(dir, segment + 1))) {
      NavigableMap<Long, Path> segments = AuditSegments.numbered(dir);
      open(segments.lastKey());
    }
    return channel;
  }

  private void open(long number) throws IOException {
    dropChannel();
    channel = OwnerOnly.open(AuditSegments.segment(dir, number), StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    segment = number;
    segmentStart = null;
  }

  private void dropChannel() {
    cached = null;
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Every record was handed to the OS (and lifecycle records forced) already.
      }
      channel = null;
    }
  }

  private static Instant recordTime(byte[] line) {
    JsonObject o = line == null ? null : AuditSegments.json(line);
    try {
      return o == null ? null : Instant.parse(o.get("time").getAsString());
    } catch (RuntimeException e) {
      return null;
    }
  }

  @Override
  public long lastGeneration() {
    try (DirectoryLock.Held held = lock.acquire()) {
      NavigableMap<Long, Path> segments = AuditSegments.list(dir);
      if (segments.isEmpty()) {
        return 0;
      }
      byte[] last = AuditSegments.lastLine(segments.lastEntry().getValue());
      JsonObject o = last == null ? null : AuditSegments.json(last);
      if (last != null && o == null) {
        throw new IOException("its last line is not an audit record; verify the log and investigate");
      }
      return o == null || !o.has("gen") ? 0 : o.get("gen").getAsLong();
    } catch (IOException | RuntimeException e) {
      if (e instanceof KeyStoreIntegrityException) {
        throw (KeyStoreIntegrityException) e;
      }
      throw new KeyProviderException("could not read the audit log in " + dir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public AuditVerification verify(AuditVerification anchor) {
    return AuditSegmentVerifier.verify(dir, anchor, macKey, storeId);
  }

  // ---------------------------------------------------------------------------------- prune

  @Override
  public AuditPruneResult prune(long beforeSegment, Instant lastRecordBefore, Instant now, String caller) {
    try (DirectoryLock.Held held = lock.acquire()) {
      current();
      NavigableMap<Long, Path> segments = AuditSegments.numbered(dir);
      long oldest = segments.firstKey();
      long keep = oldest;
      if (beforeSegment > 0) {
        keep = Math.max(oldest, Math.min(beforeSegment, segment));
      } else {
        for (Map.Entry<Long, Path> e : segments.headMap(segment, false).entrySet()) {
          Instant last = recordTime(AuditSegments.lastLine(e.getValue()));
          if (last == null || !last.isBefore(lastRecordBefore)) {
            break;
          }
          keep = e.getKey() + 1;
        }
      }
      byte[] first = AuditSegments.firstLine(AuditSegments.segment(dir, keep));
      JsonObject start = first == null ? null : AuditSegments.json(first);
      if (start == null && keep == oldest && keep == segment) {
        return AuditPruneResult.nothing(keep, cached == null ? 1 : cached.seq + 1); // an empty log
      }
      if (start == null) {
        throw new KeyStoreIntegrityException("audit log segment " + keep + " in " + dir + " does not start with a"
            + " record; verify the log and investigate");
      }
      long startSeq = start.get("seq").getAsLong();
      if (keep == oldest) {
        return AuditPruneResult.nothing(keep, startSeq);
      }
      AuditVerification v = verify(null);
      if (!v.isValid()) {
        throw new KeyStoreIntegrityException("the audit log in " + dir + " does not verify, so none of it is deleted"
            + " (it is evidence): line " + v.firstBadLine().getAsLong() + ": " + v.problem());
      }
      byte[] oldestFirst = AuditSegments.firstLine(segments.firstEntry().getValue());
      long firstDeleted = AuditSegments.json(oldestFirst).get("seq").getAsLong();
      AuditPruneResult result = AuditPruneResult.deleted(oldest, keep - 1, firstDeleted, startSeq);
      AuditEvent record = AuditEvent.builder().time(now).operation(KeyOperation.AUDIT_PRUNE)
          .outcome(AuditOutcome.SUCCESS).caller(caller)
          .detail("deleting audit log segments " + oldest + " to " + (keep - 1) + " (records " + firstDeleted + " to "
              + (startSeq - 1) + "); the log now starts at segment " + keep + ", record " + startSeq)
          .build();
      append(record);
      channel.force(false);
      AuditSegments.writeRetention(dir, new AuditSegments.Retention(keep, startSeq, start.get("prev").getAsString(),
          now, null).signed(macKey, storeId));
      for (Path p : List.copyOf(segments.headMap(keep, false).values())) {
        Files.deleteIfExists(p);
      }
      AtomicFiles.fsyncDirectory(dir);
      return result;
    } catch (IOException e) {
      dropChannel();
      throw new KeyProviderException("could not prune the audit log in " + dir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try (DirectoryLock.Held held = lock.acquire()) {
      if (channel != null) {
        try {
          channel.force(false);
        } catch (IOException ignored) {
          // Best effort: every record was already handed to the OS.
        }
      }
      dropChannel();
    } catch (RuntimeException lockGone) {
      // The directory (and its lock file) may be gone already: close what this instance holds.
      dropChannel();
    }
  }
}
