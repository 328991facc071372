package dev.envelope.localkms;

import dev.envelope.localkms.junit.LocalKms;
import dev.envelope.localkms.junit.LocalKmsExtension;

import static dev.envelope.localkms.KmsAssertions.assertKmsError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KmsException;

/** Injected throttling, internal errors, dropped connections and latency; call counts. */
@ExtendWith(LocalKmsExtension.class)
class KmsFaultsTest {
  private static String keyArn;

  @BeforeAll
  static void key(LocalKms kms) {
    keyArn = kms.createKey();
  }

  private static void gdk(LocalKms kms) {
    kms.client().generateDataKey(r -> r.keyId(keyArn).numberOfBytes(32));
  }

  @Test
  void throttleNext_throttlesThatManyCallsThenRecovers(LocalKms kms) {
    kms.server().faults().on(KmsOperation.GENERATE_DATA_KEY).throttleNext(2);
    for (int i = 0; i < 2; i++) {
      var e = assertKmsError("ThrottlingException", () -> gdk(kms));
      assertEquals("Rate exceeded", e.awsErrorDetails().errorMessage());
      assertTrue(e.isThrottlingException());
    }
    gdk(kms);
    assertEquals(3, kms.server().callCount(KmsOperation.GENERATE_DATA_KEY));
  }

  @Test
  void throttleNext_withSdkRetries_succeedsAfterRetrying(LocalKms kms) {
    kms.server().faults().on(KmsOperation.GENERATE_DATA_KEY).throttleNext(2);
    try (KmsClient retrying =
        kms.clientBuilder(kms.region(), kms.credentials())
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy()))
            .build()) {
      assertEquals(
          32,
          retrying
              .generateDataKey(r -> r.keyId(keyArn).numberOfBytes(32))
              .plaintext()
              .asByteArray()
              .length);
    }
    assertEquals(3, kms.server().callCount(KmsOperation.GENERATE_DATA_KEY));
  }

  @Test
  void throttleFraction_throttlesAboutThatShare(LocalKms kms) {
    kms.server().faults().seed(42).on(KmsOperation.ENCRYPT).throttle(0.5);
    int throttled = 0;
    for (int i = 0; i < 60; i++) {
      try {
        kms.client()
            .encrypt(
                r ->
                    r.keyId(keyArn)
                        .plaintext(software.amazon.awssdk.core.SdkBytes.fromUtf8String("x")));
      } catch (KmsException e) {
        assertEquals("ThrottlingException", e.awsErrorDetails().errorCode());
        throttled++;
      }
    }
    assertTrue(throttled > 10 && throttled < 50, "throttled " + throttled + " of 60");
    kms.server().faults().on(KmsOperation.ENCRYPT).throttle(1.0);
    assertKmsError(
        "ThrottlingException",
        () ->
            kms.client()
                .encrypt(
                    r ->
                        r.keyId(keyArn)
                            .plaintext(software.amazon.awssdk.core.SdkBytes.fromUtf8String("x"))));
  }

  @Test
  void internalErrorNext_answersKmsInternalExceptionWith500(LocalKms kms) {
    kms.server().faults().on(KmsOperation.GENERATE_DATA_KEY).internalErrorNext(1);
    assertKmsError("KMSInternalException", 500, () -> gdk(kms));
    gdk(kms);
  }

  @Test
  void dropConnectionNext_closesWithoutAResponse(LocalKms kms) {
    kms.server().faults().on(KmsOperation.GENERATE_DATA_KEY).dropConnectionNext(1);
    SdkClientException e = assertThrows(SdkClientException.class, () -> gdk(kms));
    Throwable cause = e;
    while (cause.getCause() != null && !(cause instanceof java.io.IOException)) {
      cause = cause.getCause();
    }
    assertTrue(cause instanceof java.io.IOException, "transport failure, not an answer: " + e);
    gdk(kms);
    assertEquals(2, kms.server().callCount(KmsOperation.GENERATE_DATA_KEY));
  }

  @Test
  void latency_delaysTheAnswer_andTripsClientTimeouts(LocalKms kms) {
    kms.server().faults().on(KmsOperation.GENERATE_DATA_KEY).latency(Duration.ofMillis(300));
    long start = System.nanoTime();
    gdk(kms);
    assertTrue(System.nanoTime() - start >= Duration.ofMillis(300).toNanos());
    try (KmsClient impatient =
        kms.clientBuilder(kms.region(), kms.credentials())
            .overrideConfiguration(
                o ->
                    o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(Duration.ofMillis(100)))
            .build()) {
      assertThrows(
          ApiCallAttemptTimeoutException.class,
          () -> impatient.generateDataKey(r -> r.keyId(keyArn).numberOfBytes(32)));
    }
  }

  @Test
  void faultOnOneOperation_leavesOthersAlone(LocalKms kms) {
    kms.server().faults().on(KmsOperation.DECRYPT).throttle(1.0);
    gdk(kms);
    kms.client().describeKey(r -> r.keyId(keyArn));
  }

  @Test
  void onAll_appliesToEveryOperation_andClearRemovesIt(LocalKms kms) {
    kms.server().faults().onAll().internalError(1.0);
    assertKmsError("KMSInternalException", 500, () -> gdk(kms));
    assertKmsError("KMSInternalException", 500, () -> kms.client().listKeys(r -> {}));
    kms.server().faults().clear();
    gdk(kms);
  }

  @Test
  void callCounts_countEachOperation_andReset(LocalKms kms) {
    gdk(kms);
    gdk(kms);
    kms.client().describeKey(r -> r.keyId(keyArn));
    assertKmsError("NotFoundException", () -> kms.client().describeKey(r -> r.keyId("alias/x")));
    assertEquals(
        Map.of(KmsOperation.GENERATE_DATA_KEY, 2L, KmsOperation.DESCRIBE_KEY, 2L),
        kms.server().callCounts());
    kms.server().resetCallCounts();
    assertEquals(0, kms.server().callCount(KmsOperation.GENERATE_DATA_KEY));
    assertTrue(kms.server().callCounts().isEmpty());
  }

  @Test
  void faultRules_rejectNonsense(LocalKms kms) {
    KmsFaults.Rule rule = kms.server().faults().on(KmsOperation.ENCRYPT);
    assertThrows(IllegalArgumentException.class, () -> rule.throttle(1.5));
    assertThrows(IllegalArgumentException.class, () -> rule.internalError(-0.1));
    assertThrows(IllegalArgumentException.class, () -> rule.dropConnectionNext(-1));
    assertThrows(IllegalArgumentException.class, () -> rule.latency(Duration.ofMillis(-1)));
    assertThrows(NullPointerException.class, () -> kms.server().faults().on(null));
  }
}
