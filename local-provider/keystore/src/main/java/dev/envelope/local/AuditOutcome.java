package dev.envelope.local;

/** How an audited operation ended. */
public enum AuditOutcome {
  /** It was performed. */
  SUCCESS,
  /** The key's policy or state refused it before any key was used. */
  DENIED,
  /** It was tried and failed: authentication failure, missing key version, I/O error. */
  FAILURE,
  /**
   * A change to the store is about to be saved (written before it, after every check passed); a
   * SUCCESS or FAILURE record for the same operation and key follows. An intent with neither
   * after it means the process died while saving: the key's current state says whether the change
   * was made.
   */
  INTENT
}
