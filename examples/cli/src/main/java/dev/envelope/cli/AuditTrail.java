package dev.envelope.cli;

import dev.envelope.local.AuditEvent;
import dev.envelope.local.AuditLog;
import dev.envelope.local.AuditOutcome;
import dev.envelope.local.AuditRecord;
import dev.envelope.local.AuditVerification;
import dev.envelope.local.KeyStoreIntegrityException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The records of a key store's audit log, as {@code keys audit} and the demo show them. Read with
 * {@link AuditLog#read(Path, AuditVerification)}: exactly the records a verification found intact.
 */
final class AuditTrail {
  private AuditTrail() {}

  /** One audit record: what was done to which key, by whom, with which outcome. */
  record Entry(long seq, String time, String operation, String outcome, String keyId, int keyVersion,
      String caller, List<String> contextKeys, Map<String, String> context, String detail) {

    static Entry of(AuditRecord record) {
      AuditEvent e = record.event();
      return new Entry(record.seq(), e.time().toString(), e.operation().name(), e.outcome().name(),
          e.keyId().orElse(null), e.keyVersion().orElse(0), e.caller(), e.contextKeys(), e.loggedContext(),
          e.detail());
    }

    /** E.g. {@code decrypt v1}, {@code generate v1 denied}: operation, version, outcome unless success. */
    String summary() {
      return operation.toLowerCase(Locale.ROOT).replace('_', '-')
          + (keyVersion > 0 ? " v" + keyVersion : "")
          + (AuditOutcome.SUCCESS.name().equals(outcome) ? "" : " " + outcome.toLowerCase(Locale.ROOT));
    }

    Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("seq", seq);
      m.put("time", time);
      m.put("operation", operation);
      m.put("outcome", outcome);
      m.put("keyId", keyId);
      m.put("keyVersion", keyVersion > 0 ? keyVersion : null);
      m.put("caller", caller);
      m.put("contextKeys", new ArrayList<Object>(contextKeys));
      m.put("context", new LinkedHashMap<String, Object>(context));
      m.put("detail", detail);
      return m;
    }
  }

  /**
   * The records of the log at {@code file} that {@code verified} covered.
   *
   * @throws CliFailure {@link ExitCode#KEY_FILE} if it cannot be read, {@link ExitCode#AUTHENTICATION}
   *     if it changed since the verification or a record is not in the store's format
   */
  static List<Entry> read(Path file, AuditVerification verified) {
    return read(file, verified, false);
  }

  /** As {@link #read(Path, AuditVerification)}; {@code segmented}: {@code file} is a key store directory. */
  static List<Entry> read(Path file, AuditVerification verified, boolean segmented) {
    List<AuditRecord> records;
    try {
      records = segmented ? AuditLog.readStore(file, verified) : AuditLog.read(file, verified);
    } catch (UncheckedIOException e) {
      throw Failures.reading(ExitCode.KEY_FILE, "the audit log '" + file + "'", e.getCause());
    } catch (KeyStoreIntegrityException e) {
      throw new CliFailure(ExitCode.AUTHENTICATION, e.getMessage(), e);
    }
    List<Entry> entries = new ArrayList<>(records.size());
    records.forEach(r -> entries.add(Entry.of(r)));
    return entries;
  }
}
