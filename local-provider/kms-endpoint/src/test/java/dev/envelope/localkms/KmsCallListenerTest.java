package dev.envelope.localkms;

import static dev.envelope.localkms.KmsAssertions.assertKmsError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.localkms.junit.LocalKms;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;

/** The endpoint tells its call listener what each call was and how it ended, never its payload. */
class KmsCallListenerTest {
  private final List<KmsCall> calls = new CopyOnWriteArrayList<>();

  @Test
  void callListener_eachServedCall_operationKeyRegionAndOutcome() {
    try (LocalKms kms = LocalKms.start(LocalKmsServer.builder().callListener(calls::add))) {
      String keyArn = kms.createKey();
      byte[] secret = "plaintext-never-reported".getBytes(StandardCharsets.UTF_8);
      SdkBytes blob = kms.client()
          .encrypt(r -> r.keyId(keyArn).plaintext(SdkBytes.fromByteArray(secret))
              .encryptionContext(java.util.Map.of("tenant", "context-value-never-reported")))
          .ciphertextBlob();
      kms.client().generateDataKey(r -> r.keyId(keyArn).numberOfBytes(32));
      assertKmsError("NotFoundException",
          () -> kms.client().generateDataKey(r -> r.keyId("alias/missing").numberOfBytes(32)));

      assertEquals(4, calls.size(), () -> "calls: " + calls);
      assertEquals(KmsOperation.CREATE_KEY, calls.get(0).operation());
      assertEquals(Optional.empty(), calls.get(0).keyId());
      KmsCall encrypt = calls.get(1);
      assertEquals(KmsOperation.ENCRYPT, encrypt.operation());
      assertEquals(Optional.of(keyArn), encrypt.keyId());
      assertEquals(kms.region(), encrypt.region());
      assertTrue(encrypt.succeeded());
      assertEquals(200, encrypt.httpStatus());
      assertEquals(Optional.empty(), encrypt.errorType());
      assertEquals(KmsOperation.GENERATE_DATA_KEY, calls.get(2).operation());
      KmsCall missing = calls.get(3);
      assertFalse(missing.succeeded());
      assertEquals(400, missing.httpStatus());
      assertEquals(Optional.of("NotFoundException"), missing.errorType());
      assertEquals(Optional.of("alias/missing"), missing.keyId());
      String all = calls.toString();
      assertFalse(all.contains("never-reported"), all);
      assertFalse(all.contains(java.util.Base64.getEncoder().encodeToString(blob.asByteArray())), all);
    }
  }

  @Test
  void callListener_injectedFaultsAndThrowingListener_reportedAndIgnored() {
    try (LocalKms kms = LocalKms.start(LocalKmsServer.builder().callListener(call -> {
      calls.add(call);
      throw new IllegalStateException("a broken listener");
    }))) {
      String keyArn = kms.createKey();
      kms.server().faults().on(KmsOperation.GENERATE_DATA_KEY).throttleNext(1);
      assertKmsError("ThrottlingException",
          () -> kms.client().generateDataKey(r -> r.keyId(keyArn).numberOfBytes(32)));
      kms.client().generateDataKey(r -> r.keyId(keyArn).numberOfBytes(32));
      assertEquals(3, calls.size(), () -> "calls: " + calls);
      assertEquals(Optional.of("ThrottlingException"), calls.get(1).errorType());
      assertTrue(calls.get(2).succeeded(), "a throwing listener changes no answer");
    }
  }

  @Test
  void callListener_setTwice_refused() {
    LocalKmsServer.Builder builder = LocalKmsServer.builder().callListener(calls::add);
    assertThrows(IllegalStateException.class, () -> builder.callListener(calls::add));
  }
}
