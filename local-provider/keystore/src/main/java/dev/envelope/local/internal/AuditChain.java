package dev.envelope.local.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonWriter;
import dev.envelope.KeyProviderException;
import dev.envelope.local.AuditEvent;
import dev.envelope.local.AuditLog;
import dev.envelope.local.AuditOutcome;
import dev.envelope.local.AuditVerification;
import dev.envelope.local.KeyOperation;
import dev.envelope.local.KeyStoreIntegrityException;
import java.io.ByteArrayOutputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The hash-chained JSON-lines audit log (format in {@link AuditLog}): the writer, which is an
 * {@link dev.envelope.local.AuditListener}, the verifier and the reader.
 *
 * <p>A keyed chain (the key store's) also ends every record with {@code "gen":N,"mac":hex}: N is
 * the store's manifest generation when the record was written, and the MAC is HMAC-SHA256 under a
 * key derived from the store's KEK-sealed secret ({@link StoreSecrets}) over {@code
 * "envelope-local-audit/1" 00 storeId 00} and the line's bytes up to {@code ,"mac":}. Only a
 * holder of the KEK can extend it; an edited, dropped or re-chained record, or a log from another
 * store, fails {@link #verify(AuditVerification)}.
 *
 * <p>Appends are serialized between threads and processes by a lock file next to the log; each
 * record is written with one positional write at the end of the file as it is while the lock is
 * held, so a killed process never leaves half a record (a power loss can: the next append drops
 * such a torn line and says so in its {@code repair} field). Lifecycle events are fsynced; key-use
 * events are handed to the OS (durable across a process crash) and fsynced on {@link #close()}.
 */
@SuppressWarnings("try") // the lock holder is a try-with-resources guard
public final class AuditChain implements AuditStore {
  public static final String ZERO_HASH = "0".repeat(64);
  static final int MAX_LINE = 1 << 20;
  static final String MAC_FIELD = ",\"mac\":\"";
  private static final String MAC_DOMAIN = "envelope-local-audit/1";

  private final Path file;
  private final byte[] macKey; // null: unkeyed
  private final String storeId;
  private final LongSupplier generation;
  private final DirectoryLock lock;
  private final Object channelGuard = new Object();
  private FileChannel channel; // guarded by lock
  private Tail cached; // guarded by lock

  /** Where the chain ends: the file size, the last seq, the hash and generation of the last line. */
  static final class Tail {
    final long end;
    final long seq;
    final String hash;
    final long gen;

    Tail(long end, long seq, String hash, long gen) {
      this.end = end;
      this.seq = seq;
      this.hash = hash;
      this.gen = gen;
    }
  }

  /** An unkeyed chain (the PKCS#11 key manager's). */
  public AuditChain(Path file) {
    this(file, null, null, () -> 0);
  }

  /** A keyed chain: see the class comment. */
  public AuditChain(Path file, byte[] macKey, String storeId, LongSupplier generation) {
    this.file = file;
    this.macKey = macKey == null ? null : macKey.clone();
    this.storeId = storeId;
    this.generation = generation;
    this.lock = new DirectoryLock(file.resolveSibling("." + file.getFileName() + ".lock"));
  }

  @Override
  public void onAuditEvent(AuditEvent event) {
    try (DirectoryLock.Held held = lock.acquire()) {
      FileChannel ch = channel();
      long size = ch.size();
      String repair = null;
      Tail tail = cached;
      if (tail == null || tail.end != size) {
        long[] dropped = new long[1];
        tail = readTail(ch, size, dropped);
        if (dropped[0] > 0) {
          repair = "dropped an incomplete last line of " + dropped[0] + " bytes (torn write)";
          size = tail.end;
        }
      }
      long seq = tail.seq + 1;
      String text = format(event, seq, tail.hash, repair);
      long gen = 0;
      if (macKey != null) {
        gen = Math.max(generation.getAsLong(), tail.gen);
        text = text.substring(0, text.length() - 1) + ",\"gen\":" + gen;
        text = text + MAC_FIELD + mac(macKey, storeId, text.getBytes(StandardCharsets.UTF_8)) + "\"}";
      }
      byte[] line = text.getBytes(StandardCharsets.UTF_8);
      ByteBuffer buf = ByteBuffer.allocate(line.length + 1).put(line).put((byte) '\n').flip();
      long pos = size;
      while (buf.hasRemaining()) {
        pos += ch.write(buf, pos);
      }
      if (!event.operation().isKeyUse()) {
        ch.force(false);
      }
      cached = new Tail(pos, seq, sha256Hex(line, 0, line.length), gen);
    } catch (IOException e) {
      cached = null;
      throw new KeyProviderException("could not append to the audit log " + file + ": " + e.getMessage(), e);
    }
  }

  private FileChannel channel() throws IOException {
    synchronized (channelGuard) {
      // FileChannel is interruptible: a thread interrupted mid-write closes it for everyone, so
      // reopen a closed channel instead of failing every later append.
      if (channel == null || !channel.isOpen()) {
        channel = OwnerOnly.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      }
      return channel;
    }
  }

  /** Finds the last complete line; truncates a torn one (reporting its length in dropped[0]). */
  static Tail readTail(FileChannel ch, long size, long[] dropped) throws IOException {
    if (size == 0) {
      return new Tail(0, 0, ZERO_HASH, 0);
    }
    long lastNewline = findNewlineBefore(ch, size);
    if (lastNewline != size - 1) {
      long keep = lastNewline + 1;
      dropped[0] = size - keep;
      ch.truncate(keep);
      ch.force(false);
      size = keep;
      if (size == 0) {
        return new Tail(0, 0, ZERO_HASH, 0);
      }
    }
    long start = findNewlineBefore(ch, size - 1) + 1;
    int length = (int) Math.min(MAX_LINE, size - 1 - start);
    ByteBuffer buf = ByteBuffer.allocate(length);
    while (buf.hasRemaining()) {
      if (ch.read(buf, start + buf.position()) < 0) {
        break;
      }
    }
    byte[] line = buf.array();
    long seq;
    long gen;
    try {
      JsonObject o = JsonParser.parseString(new String(line, StandardCharsets.UTF_8)).getAsJsonObject();
      seq = o.get("seq").getAsLong();
      gen = o.has("gen") ? o.get("gen").getAsLong() : 0;
    } catch (RuntimeException e) {
      throw new IOException("its last line is not an audit record; run AuditLog.verify on it and move it aside", e);
    }
    return new Tail(size, seq, sha256Hex(line, 0, line.length), gen);
  }

  /** The offset of the last '\n' strictly before {@code end}, or -1. */
  static long findNewlineBefore(FileChannel ch, long end) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(8192);
    long pos = end;
    while (pos > 0) {
      int n = (int) Math.min(buf.capacity(), pos);
      buf.clear().limit(n);
      long from = pos - n;
      while (buf.hasRemaining()) {
        if (ch.read(buf, from + buf.position()) < 0) {
          throw new IOException("the audit log shrank while being read");
        }
      }
      for (int i = n - 1; i >= 0; i--) {
        if (buf.get(i) == '\n') {
          return from + i;
        }
      }
      pos = from;
    }
    return -1;
  }

  /**
   * One keyed record as {@link #onAuditEvent} writes it (without the newline): {@code event} as
   * record {@code seq} after a record hashing to {@code prev}, at manifest generation {@code gen},
   * with its MAC under {@code macKey} bound to {@code storeId}. For trails kept elsewhere than in
   * a file.
   */
  public static String keyedLine(AuditEvent event, long seq, String prev, long gen, byte[] macKey, String storeId) {
    String text = format(event, seq, prev, null);
    text = text.substring(0, text.length() - 1) + ",\"gen\":" + gen;
    return text + MAC_FIELD + mac(macKey, storeId, text.getBytes(StandardCharsets.UTF_8)) + "\"}";
  }

  /** The chain hash of a record: SHA-256 of its bytes, as hex; {@link #ZERO_HASH} precedes the first. */
  public static String chainHash(byte[] line) {
    return sha256Hex(line, 0, line.length);
  }

  static String format(AuditEvent e, long seq, String prev, String repair) {
    StringWriter out = new StringWriter(256);
    try (JsonWriter w = new JsonWriter(out)) {
      w.setHtmlSafe(false);
      w.beginObject();
      w.name("seq").value(seq);
      w.name("prev").value(prev);
      w.name("time").value(e.time().toString());
      w.name("operation").value(e.operation().name());
      w.name("outcome").value(e.outcome().name());
      if (e.keyId().isPresent()) {
        w.name("keyId").value(e.keyId().get());
      }
      if (e.keyVersion().isPresent()) {
        w.name("keyVersion").value(e.keyVersion().getAsInt());
      }
      w.name("caller").value(e.caller());
      w.name("contextKeys").beginArray();
      for (String k : e.contextKeys()) {
        w.value(k);
      }
      w.endArray();
      w.name("context").beginObject();
      for (Map.Entry<String, String> p : e.loggedContext().entrySet()) {
        w.name(p.getKey()).value(p.getValue());
      }
      w.endObject();
      w.name("detail").value(e.detail());
      if (repair != null) {
        w.name("repair").value(repair);
      }
      w.endObject();
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
    return out.toString();
  }

  @Override
  public long lastGeneration() {
    try (DirectoryLock.Held held = lock.acquire()) {
      if (!Files.exists(file)) {
        return 0;
      }
      FileChannel ch = channel();
      long size = ch.size();
      if (size == 0) {
        return 0;
      }
      // The last complete line; a torn one is left for the next append to drop and report.
      long end = findNewlineBefore(ch, size) + 1;
      if (end == 0) {
        return 0;
      }
      Tail tail = readTail(ch, end, new long[1]);
      return tail.gen;
    } catch (IOException e) {
      throw new KeyProviderException("could not read the audit log " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public AuditVerification verify(AuditVerification anchor) {
    return verify(file, anchor, macKey, storeId);
  }

  /** HMAC-SHA256 of {@code line} under {@code key}, bound to {@code storeId}, as hex. */
  static String mac(byte[] key, String storeId, byte[] line) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update((MAC_DOMAIN + "\0" + storeId + "\0").getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(mac.doFinal(line));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  @Override
  public void close() {
    synchronized (channelGuard) {
      if (channel != null) {
        try {
          channel.force(false);
          channel.close();
        } catch (IOException ignored) {
          // Best effort: every record was already handed to the OS.
        }
        channel = null;
      }
    }
  }

  // ---------------------------------------------------------------------------------- verify

  /** See {@link AuditLog#verify(Path, AuditVerification)}; {@code anchor} may be null. */
  public static AuditVerification verify(Path file, AuditVerification anchor) {
    return verify(file, anchor, null, null);
  }

  /** As {@link #verify(Path, AuditVerification)}, and checks every record's MAC if {@code macKey} is set. */
  static AuditVerification verify(Path file, AuditVerification anchor, byte[] macKey, String storeId) {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      return verify(in, anchor, macKey, storeId);
    } catch (NoSuchFileException e) {
      return verifyEmpty(anchor);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the audit log " + file, e);
    }
  }

  private static AuditVerification verifyEmpty(AuditVerification anchor) {
    try {
      return verify(InputStream.nullInputStream(), anchor, null, null);
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
  }

  /**
   * As {@link #verify(Path, AuditVerification)} over a chain given as newline-terminated lines
   * (a trail kept elsewhere than in a file, e.g. database rows), checking MACs if {@code macKey}
   * is set.
   */
  public static AuditVerification verify(InputStream in, AuditVerification anchor, byte[] macKey, String storeId)
      throws IOException {
    long line = 0;
    String prevHash = ZERO_HASH;
    ByteArrayOutputStream current = new ByteArrayOutputStream(512);
    boolean tooLong = false;
    int b;
    while (true) {
      b = in.read();
      if (b == -1) {
        if (current.size() > 0 || tooLong) {
          return AuditVerification.broken(line, line + 1,
              "line " + (line + 1) + " is incomplete (no final newline): a torn write or a truncated file", prevHash);
        }
        break;
      }
      if (b != '\n') {
        if (current.size() < MAX_LINE) {
          current.write(b);
        } else {
          tooLong = true;
        }
        continue;
      }
      line++;
      if (tooLong) {
        return AuditVerification.broken(line - 1, line, "line " + line + " is longer than " + MAX_LINE + " bytes", prevHash);
      }
      byte[] bytes = current.toByteArray();
      current.reset();
      ChainChecks.Problem problem = ChainChecks.checkRecord(bytes, line, prevHash);
      if (problem == null && macKey != null) {
        problem = ChainChecks.checkMac(bytes, line, macKey, storeId);
      }
      if (problem != null) {
        return AuditVerification.broken(problem.line - 1, problem.line, problem.text, prevHash);
      }
      prevHash = sha256Hex(bytes, 0, bytes.length);
      if (anchor != null && line == anchor.records() && !prevHash.equals(anchor.lastHash())) {
        return AuditVerification.broken(line - 1, line,
            "line " + line + " differs from the anchored record " + anchor.records()
                + " (the log was rewritten from there on)", prevHash);
      }
    }
    if (anchor != null && line < anchor.records()) {
      return AuditVerification.broken(line, line + 1,
          "the log has " + line + " records but the anchor saw " + anchor.records()
              + ": records were removed from the end", prevHash);
    }
    return AuditVerification.intact(line, prevHash);
  }

  // ---------------------------------------------------------------------------------- read

  /** Receives the records {@link #read} parses, in log order. */
  @FunctionalInterface
  public interface RecordSink {
    void accept(long seq, AuditEvent event, String repair);
  }

  /**
   * Reads the first {@code verified.records()} records of the log at {@code file}, checking the
   * chain again on the way, so what is read is exactly what {@code verified} covered: each line
   * must follow the one before it, and the last must hash to {@code verified.lastHash()}.
   *
   * @throws KeyStoreIntegrityException if the log no longer starts with the verified records, or
   *     a record is not in the store's format
   * @throws UncheckedIOException if the file cannot be read
   */
  public static void read(Path file, AuditVerification verified, RecordSink sink) {
    long wanted = verified.records();
    if (wanted == 0) {
      return;
    }
    long line = 0;
    String prevHash = ZERO_HASH;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      ByteArrayOutputStream current = new ByteArrayOutputStream(512);
      int b;
      while (line < wanted && (b = in.read()) != -1) {
        if (b != '\n') {
          if (current.size() >= MAX_LINE) {
            throw changed(file, "line " + (line + 1) + " is longer than " + MAX_LINE + " bytes");
          }
          current.write(b);
          continue;
        }
        line++;
        byte[] bytes = current.toByteArray();
        current.reset();
        ChainChecks.Problem problem = ChainChecks.checkRecord(bytes, line, prevHash);
        if (problem != null) {
          throw changed(file, problem.text);
        }
        prevHash = sha256Hex(bytes, 0, bytes.length);
        parse(bytes, line, file, sink);
      }
    } catch (NoSuchFileException e) {
      throw changed(file, "the file is gone");
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the audit log " + file, e);
    }
    if (line < wanted) {
      throw changed(file, "it has " + line + " complete records, not the " + wanted + " verified");
    }
    if (!MessageDigest.isEqual(prevHash.getBytes(StandardCharsets.US_ASCII),
        verified.lastHash().getBytes(StandardCharsets.US_ASCII))) {
      throw changed(file, "record " + wanted + " differs from the verified one");
    }
  }

  private static KeyStoreIntegrityException changed(Path file, String why) {
    return new KeyStoreIntegrityException("the audit log " + file + " no longer starts with the records that"
        + " were verified (" + why + "): it was rewritten meanwhile; verify it again and investigate");
  }

  static void parse(byte[] bytes, long line, Path file, RecordSink sink) {
    String field = "seq";
    try {
      JsonObject o = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8)).getAsJsonObject();
      long seq = o.get(field).getAsLong();
      AuditEvent.Builder event = AuditEvent.builder();
      field = "time";
      event.time(Instant.parse(o.get(field).getAsString()));
      field = "operation";
      event.operation(KeyOperation.valueOf(o.get(field).getAsString()));
      field = "outcome";
      event.outcome(AuditOutcome.valueOf(o.get(field).getAsString()));
      field = "keyId";
      if (o.has(field)) {
        event.keyId(o.get(field).getAsString());
      }
      field = "keyVersion";
      if (o.has(field)) {
        event.keyVersion(o.get(field).getAsInt());
      }
      field = "caller";
      event.caller(o.get(field).getAsString());
      field = "contextKeys";
      List<String> contextKeys = new ArrayList<>();
      o.getAsJsonArray(field).forEach(k -> contextKeys.add(k.getAsString()));
      event.contextKeys(contextKeys);
      field = "context";
      Map<String, String> context = new LinkedHashMap<>();
      for (Map.Entry<String, JsonElement> e : o.getAsJsonObject(field).entrySet()) {
        context.put(e.getKey(), e.getValue().getAsString());
      }
      event.loggedContext(context);
      field = "detail";
      event.detail(o.get(field).getAsString());
      field = "repair";
      String repair = o.has(field) ? o.get(field).getAsString() : null;
      sink.accept(seq, event.build(), repair);
    } catch (RuntimeException e) {
      throw new KeyStoreIntegrityException("record " + line + " of the audit log " + file + " is not in the"
          + " key store's format (field '" + field + "'): it was written by something else; investigate", e);
    }
  }

  static String sha256Hex(byte[] b, int off, int len) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(b, off, len);
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }
}
