package dev.envelope.localkms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.services.kms.model.KmsException;

/** Asserts the exact KMS error an SDK call fails with. */
final class KmsAssertions {
  private KmsAssertions() {}

  /** The call fails with this KMS error code and HTTP 400. */
  static KmsException assertKmsError(String errorCode, Executable call) {
    return assertKmsError(errorCode, 400, call);
  }

  static KmsException assertKmsError(String errorCode, int status, Executable call) {
    KmsException e = assertThrows(KmsException.class, call);
    assertEquals(errorCode, e.awsErrorDetails().errorCode(), () -> "error: " + e);
    assertEquals(status, e.statusCode(), () -> "status of " + e);
    return e;
  }
}
