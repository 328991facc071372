package dev.envelope.local;

/** How an audited operation ended. */
public enum AuditOutcome {
  /** It was performed. */
  SUCCESS,
  /** The key's policy or state refused it before any key was used. */
  DENIED,
  /** It was tried and failed: authentication failure, missing key version, I/O error. */
  FAILURE
}
