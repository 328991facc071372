package dev.envelope.local.postgresql;

import dev.envelope.local.AuditEvent;
import dev.envelope.local.AuditVerification;
import dev.envelope.local.internal.AuditChain;
import dev.envelope.local.internal.AuditStore;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The keyed audit chain in the {@code audit} table: one row per record, the record's line exactly
 * as {@link AuditChain} writes it to a file (hash-chained, with the manifest generation and a MAC
 * under the store's audit key). Appends take a transaction-level advisory lock, so records from
 * every process form one chain; an append made while the store lock is held joins that
 * transaction, so a change and its audit records commit together.
 */
final class PostgresAudit implements AuditStore {
  private final PostgresHome home;
  private final byte[] macKey;
  private final String storeId;
  private final LongSupplier generation;
  private final String table;

  PostgresAudit(PostgresHome home, byte[] macKey, String storeId, LongSupplier generation) {
    this.home = home;
    this.macKey = Objects.requireNonNull(macKey, "macKey").clone();
    this.storeId = Objects.requireNonNull(storeId, "storeId");
    this.generation = generation;
    this.table = home.schema() + ".audit";
  }

  @Override
  public void onAuditEvent(AuditEvent event) {
    home.runLocked("append to the audit trail", Schema.AUDIT_LOCK, c -> {
      long seq = 0;
      String prev = AuditChain.ZERO_HASH;
      long lastGen = 0;
      try (PreparedStatement s = c.prepareStatement("SELECT seq, line, gen FROM " + table + " ORDER BY seq DESC LIMIT 1");
          ResultSet r = s.executeQuery()) {
        if (r.next()) {
          seq = r.getLong(1);
          prev = AuditChain.chainHash(PostgresHome.utf8(r.getString(2)));
          lastGen = r.getLong(3);
        }
      }
      long gen = Math.max(generation.getAsLong(), lastGen);
      String line = AuditChain.keyedLine(event, seq + 1, prev, gen, macKey, storeId);
      try (PreparedStatement s = c.prepareStatement("INSERT INTO " + table + " (seq, line, gen) VALUES (?, ?, ?)")) {
        s.setLong(1, seq + 1);
        s.setString(2, line);
        s.setLong(3, gen);
        s.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public long lastGeneration() {
    return home.run("read the audit trail", c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT gen FROM " + table + " ORDER BY seq DESC LIMIT 1");
          ResultSet r = s.executeQuery()) {
        return r.next() ? r.getLong(1) : 0L;
      }
    });
  }

  @Override
  public AuditVerification verify(AuditVerification anchor) {
    // A cursor (fetch size, no autocommit) streams the trail instead of loading it whole.
    return home.runLocked("read the audit trail", Schema.AUDIT_LOCK, c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT line FROM " + table + " ORDER BY seq")) {
        s.setFetchSize(512);
        try (ResultSet r = s.executeQuery();
            InputStream in = new BufferedInputStream(new Lines(r), 1 << 16)) {
          return AuditChain.verify(in, anchor, macKey, storeId);
        } catch (IOException e) {
          if (e.getCause() instanceof SQLException) {
            throw (SQLException) e.getCause();
          }
          throw new UncheckedIOException(e);
        }
      }
    });
  }

  /** Copies the trail of {@code home}'s store to {@code file}, as lines; see {@code PostgresKeyStore.exportAuditLog}. */
  static long export(PostgresHome home, Path file) {
    String table = home.schema() + ".audit";
    return home.runLocked("read the audit trail", Schema.AUDIT_LOCK, c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT line FROM " + table + " ORDER BY seq")) {
        s.setFetchSize(512);
        long[] count = new long[1];
        try (ResultSet r = s.executeQuery();
            OutputStream out = Files.newOutputStream(ownerOnly(file))) {
          byte[] buffer = new byte[1 << 16];
          try (InputStream in = new Lines(r) {
            @Override
            void onLine() {
              count[0]++;
            }
          }) {
            for (int n; (n = in.read(buffer)) > 0; ) {
              out.write(buffer, 0, n);
            }
          }
        } catch (IOException e) {
          if (e.getCause() instanceof SQLException) {
            throw (SQLException) e.getCause();
          }
          throw new UncheckedIOException("could not write " + file + ": " + e.getMessage(), e);
        }
        return count[0];
      }
    });
  }

  /** {@code file}, emptied, or created readable and writable by its owner only where POSIX allows. */
  private static Path ownerOnly(Path file) throws IOException {
    Files.deleteIfExists(file);
    try {
      return Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      return Files.createFile(file);
    }
  }

  /** The rows of a result set as newline-terminated lines. */
  private static class Lines extends InputStream {
    private final ResultSet rows;
    private byte[] current = new byte[0];
    private int at;

    Lines(ResultSet rows) {
      this.rows = rows;
    }

    /** Called once per row read. */
    void onLine() {}

    private boolean fill() throws IOException {
      while (at >= current.length) {
        try {
          if (!rows.next()) {
            return false;
          }
          byte[] line = PostgresHome.utf8(rows.getString(1));
          current = java.util.Arrays.copyOf(line, line.length + 1);
          current[line.length] = '\n';
          at = 0;
          onLine();
        } catch (SQLException e) {
          throw new IOException(e);
        }
      }
      return true;
    }

    @Override
    public int read() throws IOException {
      return fill() ? current[at++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (!fill()) {
        return -1;
      }
      int n = Math.min(len, current.length - at);
      System.arraycopy(current, at, b, off, n);
      at += n;
      return n;
    }
  }

  @Override
  public void close() {
    java.util.Arrays.fill(macKey, (byte) 0);
  }

  /** For messages. */
  @Override
  public String toString() {
    return "PostgresAudit[" + table + "]";
  }
}
