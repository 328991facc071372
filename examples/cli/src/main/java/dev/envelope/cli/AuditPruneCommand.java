package dev.envelope.cli;

import dev.envelope.local.AuditPruneResult;
import dev.envelope.local.KeyStoreIntegrityException;
import dev.envelope.local.LocalKeyStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code envelope keys audit-prune}: deletes whole old segments of a key store's audit log
 * ({@link LocalKeyStore#pruneAuditLogBeforeSegment}, {@link LocalKeyStore#pruneAuditLogOlderThan}).
 * Needs the passphrase: the prune is recorded in the log and in a retention anchor MAC'd under the
 * store's audit key, so that what is kept still verifies and a segment deleted otherwise does not.
 */
@Command(name = "audit-prune", sortOptions = false, mixinStandardHelpOptions = true,
    header = "Delete old segments of the key store's audit log (never the one being written).",
    description = {
        "The audit log is kept in segments (<keystore>/audit-000001.log, audit-000002.log, ...). This deletes"
            + " the segments before segment N (--before-segment), or the oldest segments whose last record is"
            + " more than DAYS days old (--older-than), never the segment being written. It first verifies the"
            + " whole log and deletes nothing if it does not verify (exit status 9). The prune is recorded in"
            + " the log and in <keystore>/audit-retention.json, so 'envelope keys audit' still verifies what is"
            + " kept and reports a segment deleted any other way. Archive the segments first if you must keep"
            + " them: the deleted records cannot be checked any more.",
        "",
        "Only for a key store directory; a store in PostgreSQL keeps its trail in a table (exit status 2).",
        ""
    })
final class AuditPruneCommand implements Callable<Integer> {
  private final Io io;

  @Mixin
  KeyStoreAccess store;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Which which;

  /** Exactly one of the two ways to say what to delete. */
  static final class Which {
    @Option(names = "--before-segment", required = true, paramLabel = "N", order = 5,
        description = "Delete the segments numbered below N ('envelope keys audit' shows the segments).")
    Long beforeSegment;

    @Option(names = "--older-than", required = true, paramLabel = "DAYS", order = 6,
        description = "Delete the oldest segments whose last record is more than DAYS days old.")
    Integer olderThanDays;
  }

  @Mixin
  JsonOption format;

  AuditPruneCommand(Io io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    if (which.beforeSegment != null && which.beforeSegment < 1) {
      throw new CliFailure(ExitCode.USAGE, "--before-segment must be at least 1, not " + which.beforeSegment);
    }
    if (which.olderThanDays != null && which.olderThanDays < 0) {
      throw new CliFailure(ExitCode.USAGE, "--older-than must be 0 days or more, not " + which.olderThanDays);
    }
    if (KeyStores.isAddress(store.location)) {
      throw new CliFailure(ExitCode.USAGE, "audit-prune deletes segments of a key store directory's audit log; a key"
          + " store in PostgreSQL keeps its trail in a table, which is not pruned: archive it with your database tools");
    }
    AuditPruneResult result;
    try (LocalKeyStore opened = store.open(io)) {
      try {
        result = which.beforeSegment != null ? opened.pruneAuditLogBeforeSegment(which.beforeSegment)
            : opened.pruneAuditLogOlderThan(Duration.ofDays(which.olderThanDays));
      } catch (KeyStoreIntegrityException e) {
        throw new CliFailure(ExitCode.AUTHENTICATION, "nothing was deleted: " + e.getMessage(), e);
      }
    }
    if (format.json) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("directory", store.describe());
      out.put("deleted", result.deletedAny());
      out.put("segmentsDeleted", result.segmentsDeleted());
      out.put("firstDeletedSegment", result.deletedAny() ? result.firstDeletedSegment() : null);
      out.put("lastDeletedSegment", result.deletedAny() ? result.lastDeletedSegment() : null);
      out.put("recordsDeleted", result.recordsDeleted());
      out.put("firstKeptSegment", result.firstKeptSegment());
      out.put("firstKeptRecord", result.firstKeptRecord());
      Stdout.print(io, Json.write(out));
    } else if (result.deletedAny()) {
      Stdout.print(io, "deleted audit log segment" + (result.segmentsDeleted() == 1
          ? " " + result.firstDeletedSegment() : "s " + result.firstDeletedSegment() + " to " + result.lastDeletedSegment())
          + " (" + result.recordsDeleted() + (result.recordsDeleted() == 1 ? " record" : " records")
          + "); the log now starts at segment " + result.firstKeptSegment() + ", record " + result.firstKeptRecord()
          + "\n");
    } else {
      Stdout.print(io, "nothing to delete; the log starts at segment " + result.firstKeptSegment() + ", record "
          + result.firstKeptRecord() + "\n");
    }
    return ExitCode.OK.code();
  }
}
