package dev.envelope.cli;

import dev.envelope.local.AuditLog;
import dev.envelope.local.AuditVerification;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code envelope keys audit}: verifies the hash chain of a key store's audit log and prints its
 * records. Needs no passphrase: the log holds no secrets (context values only for keys a policy
 * marks loggable).
 */
@Command(name = "audit", sortOptions = false, mixinStandardHelpOptions = true,
    header = "Verify the key store's audit log (a hash chain) and print its records.",
    description = {
        "Verifies that no record of the audit log (<keystore>/audit-000001.log, audit-000002.log, ...: one"
            + " chain across its segments) was edited, deleted or reordered (each record holds the SHA-256 of"
            + " the one before it), that no segment is missing, renamed or swapped, and that segments deleted by"
            + " 'envelope keys audit-prune' are covered by its retention anchor; then prints the records and an"
            + " anchor: the record"
            + " count and the hash of the last record. A chain alone cannot reveal that its tail was cut off"
            + " or rewritten: keep the anchor somewhere the log's writers cannot change, and pass it back"
            + " with --anchor to check that the log still starts with what you saw.",
        "",
        "With --keystore postgresql://HOST[:PORT]/DATABASE the records are the store's audit table.",
        "",
        "Needs no passphrase, but then it checks only the hash chain, which anyone who can write the log can"
            + " recompute. With --keyed it also checks every record's MAC under the store's audit key (derived"
            + " from its KEK and bound to its id), which needs the passphrase (" + KeyStores.PASSPHRASE_VARIABLE
            + " or --passphrase-file): that detects a record edited, dropped or re-chained by someone without the"
            + " passphrase, and a log taken from another store.",
        "",
        "Exits 9 when the chain (or, with --keyed, a MAC) is broken, 13 for a wrong passphrase.",
        ""
    })
final class AuditCommand implements Callable<Integer> {
  private static final Pattern ANCHOR = Pattern.compile("([0-9]{1,18}):([0-9a-f]{64})");

  private final Io io;

  @Option(names = "--keystore", required = true, paramLabel = "DIR", order = 1,
      description = "The key store directory, or postgresql://HOST[:PORT]/DATABASE for a store in PostgreSQL"
          + " (its audit table, read with the PGUSER/PGPASSWORD... credentials).")
  String keystore;

  @Option(names = "--anchor", paramLabel = "RECORDS:HASH", order = 2,
      description = "An anchor printed by an earlier run: the log must still start with those records.")
  String anchor;

  @Option(names = "--summary", order = 3,
      description = "Print only the verification line, not the records.")
  boolean summary;

  @Option(names = "--keyed", order = 4,
      description = "Also verify each record's MAC under the store's audit key (needs the passphrase).")
  boolean keyed;

  @Option(names = "--passphrase-file", paramLabel = "FILE", order = 5,
      description = "With --keyed: file holding the key store passphrase (UTF-8; one trailing line break is"
          + " ignored); wins over " + KeyStores.PASSPHRASE_VARIABLE + ".")
  Path passphraseFile;

  @Mixin
  JsonOption format;

  AuditCommand(Io io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    if (passphraseFile != null && !keyed) {
      throw new CliFailure(ExitCode.USAGE, "--passphrase-file is read only with --keyed (the hash chain needs no"
          + " passphrase)");
    }
    AuditVerification expected = anchor == null ? null : parseAnchor(anchor);
    if (KeyStores.isAddress(keystore)) {
      // The trail's rows are the lines of a directory store's log: copied to a private file, they
      // are verified and read by the same code.
      Path copy = PostgresKeyStores.exportAuditLog(keystore, io);
      try {
        return report(copy, expected);
      } finally {
        PostgresKeyStores.deleteExport(copy);
      }
    }
    Path directory = KeyStores.directory(keystore);
    KeyStores.requireStore(directory);
    return report(directory, expected);
  }

  /** {@code log}: a directory store's directory (its segments), or one exported file. */
  private int report(Path log, AuditVerification expected) {
    AuditVerification v;
    boolean segmented = java.nio.file.Files.isDirectory(log);
    try {
      v = segmented ? (expected == null ? AuditLog.verifyStore(log) : AuditLog.verifyStore(log, expected))
          : expected == null ? AuditLog.verify(log) : AuditLog.verify(log, expected);
    } catch (java.io.UncheckedIOException e) {
      throw Failures.reading(ExitCode.KEY_FILE, "the audit log '" + log + "'", e.getCause());
    }
    if (!v.isValid()) {
      throw new CliFailure(ExitCode.AUTHENTICATION, "the audit log '" + log + "' does not verify: broken at line "
          + v.firstBadLine().getAsLong() + " after " + v.records() + " good records: " + v.problem()
          + "; it was edited, cut or reordered: keep the file as evidence and investigate");
    }
    if (keyed) {
      KeyedAudit.verify(keystore, passphraseFile, io);
    }
    List<AuditTrail.Entry> entries = summary ? List.of() : AuditTrail.read(log, v, segmented);
    String anchorText = v.records() + ":" + v.lastHash();
    if (format.json) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("valid", true);
      out.put("records", v.records());
      out.put("lastHash", v.lastHash());
      out.put("anchor", anchorText);
      out.put("anchorChecked", expected != null);
      if (keyed) {
        out.put("macsChecked", true);
      }
      if (!summary) {
        List<Object> list = new ArrayList<>();
        entries.forEach(e -> list.add(e.json()));
        out.put("entries", list);
      }
      Stdout.print(io, Json.write(out));
    } else {
      StringBuilder text = new StringBuilder();
      if (!entries.isEmpty()) {
        Table t = new Table("SEQ", "TIME", "OPERATION", "OUTCOME", "KEY", "VERSION", "CALLER", "CONTEXT KEYS", "DETAIL");
        for (AuditTrail.Entry e : entries) {
          t.row(e.seq(), e.time(), e.operation(), e.outcome(), e.keyId() == null ? "-" : e.keyId(),
              e.keyVersion() > 0 ? "v" + e.keyVersion() : "-", e.caller(),
              e.contextKeys().isEmpty() ? "-" : String.join(",", e.contextKeys()), e.detail());
        }
        text.append(t.render());
      }
      text.append(keyed ? "hash chain and MACs verified: " : "hash chain verified: ").append(v.records()).append(v.records() == 1 ? " record" : " records")
          .append(expected != null ? ", starting with the anchored " + expected.records() : "")
          .append("; anchor ").append(anchorText).append('\n');
      Stdout.print(io, text.toString());
    }
    return ExitCode.OK.code();
  }

  private static AuditVerification parseAnchor(String text) {
    Matcher m = ANCHOR.matcher(text);
    if (!m.matches()) {
      throw new CliFailure(ExitCode.USAGE,
          "--anchor takes RECORDS:HASH as printed by 'envelope keys audit', e.g. 12:<64 hex digits>");
    }
    return AuditVerification.intact(Long.parseLong(m.group(1)), m.group(2));
  }
}
