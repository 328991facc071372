package dev.envelope.cli;

import dev.envelope.kms.KmsProviderException;

/**
 * Maps a {@link KmsProviderException} to an exit status and the one stderr line, which names the
 * KMS error code (or, when KMS did not answer, the kind of failure) and what to check. Part of
 * {@link Failures}, kept apart so that the KMS classes load only when a KMS call failed.
 *
 * <p>Statuses keep their meaning: 12 when a KMS key policy, IAM policy or grant refused the call
 * (AccessDeniedException: "a policy refused the operation"); 11 when KMS could not decrypt an
 * encrypted data key with the key and context given (as a raw key that does not open the message);
 * 13 for everything else the key provider failed or refused: credentials, a disabled, missing or
 * pending-deletion key, throttling, an unreachable or failing endpoint.
 */
final class KmsFailures {
  private KmsFailures() {}

  static CliFailure classify(KmsProviderException e) {
    String code = e.errorCode().orElse(null);
    String op = e.operation().orElse(null);
    String operation = op == null ? "" : " " + op;
    String forOperation = op == null ? "" : " for " + op;
    String message = e.getMessage();
    switch (e.reason()) {
      case ACCESS_DENIED:
        if ("AccessDeniedException".equals(code)) {
          return failure(ExitCode.POLICY, e, "AWS KMS denied" + operation + " [AccessDeniedException]: " + message
              + "; check the key policy, IAM policy or grant of these credentials for this key and context");
        }
        return failure(ExitCode.KEY_PROVIDER, e, "AWS KMS did not accept the credentials" + forOperation
            + " [" + (code == null ? "no usable credentials" : code) + "]: " + message
            + "; check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE), and that they are the"
            + " ones the endpoint expects");
      case INVALID_CIPHERTEXT:
      case INCORRECT_KEY:
        return failure(ExitCode.NO_MATCHING_KEY, e, "AWS KMS could not decrypt the data key" + forOperation
            + " [" + codeOr(code, e) + "]: " + message
            + "; check --context (the message may need pairs it does not store) and --kms-key, and that the"
            + " file was not altered");
      case UNREACHABLE:
      case TIMEOUT:
        return failure(ExitCode.KEY_PROVIDER, e, "AWS KMS could not be reached" + forOperation + " [" + codeOr(code, e)
            + "]: " + message + "; check --kms-endpoint (is 'envelope kms-server' running?), the region and the network");
      case KEY_DISABLED:
      case KEY_PENDING_DELETION:
      case KEY_INVALID_STATE:
      case KEY_NOT_FOUND:
        return failure(ExitCode.KEY_PROVIDER, e, "AWS KMS refused the key" + forOperation + " [" + codeOr(code, e)
            + "]: " + message + "; check the key's state and ARN ('aws kms describe-key --key-id ARN')");
      default:
        return failure(ExitCode.KEY_PROVIDER, e, "AWS KMS failed" + operation + " [" + codeOr(code, e) + "]: " + message);
    }
  }

  private static String codeOr(String code, KmsProviderException e) {
    return code != null ? code : e.reason().name();
  }

  private static CliFailure failure(ExitCode status, KmsProviderException e, String line) {
    return new CliFailure(status, line, e);
  }
}
