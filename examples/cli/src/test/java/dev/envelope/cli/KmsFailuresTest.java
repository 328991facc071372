package dev.envelope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.KeyProviderException.Reason;
import dev.envelope.kms.KmsProviderException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every {@link Reason} of a KMS failure maps to an exit status that keeps the table's meaning, and
 * to one line naming the KMS error code (or the reason when KMS did not answer).
 */
class KmsFailuresTest {
  /** The status of each reason, when KMS answered with its usual error code. */
  static final Map<Reason, ExitCode> STATUS = Map.ofEntries(
      Map.entry(Reason.ACCESS_DENIED, ExitCode.POLICY),
      Map.entry(Reason.THROTTLED, ExitCode.KEY_PROVIDER),
      Map.entry(Reason.KEY_DISABLED, ExitCode.KEY_PROVIDER),
      Map.entry(Reason.KEY_PENDING_DELETION, ExitCode.KEY_PROVIDER),
      Map.entry(Reason.KEY_INVALID_STATE, ExitCode.KEY_PROVIDER),
      Map.entry(Reason.KEY_NOT_FOUND, ExitCode.KEY_PROVIDER),
      Map.entry(Reason.INVALID_CIPHERTEXT, ExitCode.NO_MATCHING_KEY),
      Map.entry(Reason.INCORRECT_KEY, ExitCode.NO_MATCHING_KEY),
      Map.entry(Reason.WRONG_REGION, ExitCode.KEY_PROVIDER),
      Map.entry(Reason.UNREACHABLE, ExitCode.KEY_PROVIDER),
      Map.entry(Reason.TIMEOUT, ExitCode.KEY_PROVIDER),
      Map.entry(Reason.SERVICE_ERROR, ExitCode.KEY_PROVIDER),
      Map.entry(Reason.INVALID_REQUEST, ExitCode.KEY_PROVIDER),
      Map.entry(Reason.INVALID_RESPONSE, ExitCode.KEY_PROVIDER),
      Map.entry(Reason.OTHER, ExitCode.KEY_PROVIDER));

  static final Map<Reason, String> CODE = Map.of(
      Reason.ACCESS_DENIED, "AccessDeniedException",
      Reason.THROTTLED, "ThrottlingException",
      Reason.KEY_DISABLED, "DisabledException",
      Reason.KEY_PENDING_DELETION, "KMSInvalidStateException",
      Reason.KEY_INVALID_STATE, "KMSInvalidStateException",
      Reason.KEY_NOT_FOUND, "NotFoundException",
      Reason.INVALID_CIPHERTEXT, "InvalidCiphertextException",
      Reason.INCORRECT_KEY, "IncorrectKeyException",
      Reason.SERVICE_ERROR, "KMSInternalException",
      Reason.INVALID_REQUEST, "InvalidKeyUsageException");

  static KmsProviderException failure(Reason reason, String code) {
    return new KmsProviderException(reason, "KMS Decrypt with key arn:aws:kms:us-east-1:111122223333:key/k failed\nsee",
        "Decrypt", "arn:aws:kms:us-east-1:111122223333:key/k", code, code == null ? null : "req-1", null);
  }

  /** Each reason KmsErrors produces (core's vocabulary has more, for other providers). */
  @ParameterizedTest
  @EnumSource(
      value = Reason.class,
      names = {"ACCESS_DENIED", "THROTTLED", "KEY_DISABLED", "KEY_PENDING_DELETION", "KEY_INVALID_STATE",
        "KEY_NOT_FOUND", "INVALID_CIPHERTEXT", "INCORRECT_KEY", "WRONG_REGION", "UNREACHABLE", "TIMEOUT",
        "SERVICE_ERROR", "INVALID_REQUEST", "INVALID_RESPONSE", "OTHER"})
  void classify_eachReason_keepsTheTablesMeaningAndNamesTheCode(Reason reason) {
    String code = CODE.get(reason);
    KmsProviderException e = failure(reason, code);

    CliFailure f = Failures.classify(e);

    assertEquals(STATUS.get(reason), f.exitCode(), reason::name);
    assertTrue(f.getMessage().startsWith("AWS KMS "), f::getMessage);
    assertTrue(f.getMessage().contains("[" + (code != null ? code : reason.name()) + "]"), f::getMessage);
    assertTrue(f.getMessage().contains("Decrypt"), f::getMessage);
    assertSame(e, f.getCause());
    assertTrue(Failures.oneLine(f.getMessage()).indexOf('\n') < 0);
  }

  @Test
  void classify_credentialsRejected_isKeyProviderNotPolicy() {
    for (String code : new String[] {"UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException"}) {
      CliFailure f = Failures.classify(failure(Reason.ACCESS_DENIED, code));
      assertEquals(ExitCode.KEY_PROVIDER, f.exitCode(), code);
      assertTrue(f.getMessage().contains("did not accept the credentials") && f.getMessage().contains(code), f::getMessage);
    }
    CliFailure none = Failures.classify(failure(Reason.ACCESS_DENIED, null));
    assertEquals(ExitCode.KEY_PROVIDER, none.exitCode());
    assertTrue(none.getMessage().contains("[no usable credentials]"), none::getMessage);
  }
}
