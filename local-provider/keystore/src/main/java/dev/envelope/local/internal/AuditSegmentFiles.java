package dev.envelope.local.internal;

import dev.envelope.local.AuditVerification;
import java.nio.file.Path;

/** The public face of a directory store's segmented audit log, for {@code AuditLog} (unkeyed). */
public final class AuditSegmentFiles {
  private AuditSegmentFiles() {}

  public static String name(long number) {
    return AuditSegments.segment(Path.of("."), number).getFileName().toString();
  }

  /** The newest segment of the log in {@code dir} (the first one if there is none yet). */
  public static Path newest(Path dir) {
    java.util.NavigableMap<Long, Path> segments = AuditSegments.list(dir);
    return segments.isEmpty() ? AuditSegments.segment(dir, 1) : segments.lastEntry().getValue();
  }

  public static AuditVerification verify(Path dir, AuditVerification anchor) {
    return AuditSegmentVerifier.verify(dir, anchor, null, null);
  }

  public static void read(Path dir, AuditVerification verified, AuditChain.RecordSink sink) {
    AuditSegmentVerifier.read(dir, verified, sink);
  }
}
