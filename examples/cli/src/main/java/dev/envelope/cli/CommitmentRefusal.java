package dev.envelope.cli;

import dev.envelope.CommitmentPolicy;
import dev.envelope.PolicyViolationException;

/**
 * The one stderr line for a message refused because it does not commit to its key, shared by
 * {@code decrypt} and {@code rewrap} so both name the flag that reads old messages in the same
 * words (and exit with {@link ExitCode#POLICY}). Other policy failures pass unchanged, for {@link
 * Failures} to report.
 */
final class CommitmentRefusal {
  private CommitmentRefusal() {}

  /**
   * What to throw for {@code e} under {@code policy}; {@code isDefault} says whether {@code policy}
   * is the command's default (decrypt's), so the line does not call it the default where it is not.
   */
  static RuntimeException of(CommitmentPolicy policy, boolean isDefault, PolicyViolationException e) {
    if (policy != CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT
        || !e.getMessage().contains("does not commit to its key")) {
      return e;
    }
    String message = e.getMessage();
    int end = message.indexOf(", and commitment policy");
    return new CliFailure(ExitCode.POLICY, "refused by policy: "
        + (end > 0 ? message.substring(0, end) : "the message does not commit to its key")
        + "; --commitment-policy require-encrypt-require-decrypt" + (isDefault ? " (the default)" : "")
        + " reads only messages that commit to their key; to read a message written without key"
        + " commitment (by an older ESDK, or with --suite 0x0014 to 0x0378), add --commitment-policy"
        + " require-encrypt-allow-decrypt", e);
  }
}
