package dev.envelope.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.DecryptionMaterials;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionContext;
import dev.envelope.EncryptionMaterials;
import dev.envelope.Envelope;
import dev.envelope.KeyProviderException;
import dev.envelope.Keyring;
import dev.envelope.MalformedMessageException;
import dev.envelope.kms.KmsProviderException;
import dev.envelope.keyring.RawAesKeyring;
import dev.envelope.testkit.arbitraries.Tampering;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The checks fail when they must: a message that decrypts, or an exception that is not a rejection. */
class EnvelopeAssertionsTest {
  private static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme");

  @Test
  void assertRoundTrip_workingEnvelope_returnsTheMessage() {
    Envelope envelope = Envelope.builder().keyring(TestKeyrings.randomAes()).build();
    byte[] message = EnvelopeAssertions.assertRoundTrip(envelope, new byte[] {9, 8, 7}, CONTEXT);
    assertArrayEquals(new byte[] {9, 8, 7}, envelope.decrypt(message, CONTEXT).plaintext());
  }

  @Test
  void assertRejected_messageThatDecrypts_failsSayingSo() {
    Envelope envelope = Envelope.builder().keyring(TestKeyrings.randomAes()).build();
    byte[] message = envelope.encrypt(new byte[5], CONTEXT);
    AssertionFailedError e = assertThrows(AssertionFailedError.class,
        () -> EnvelopeAssertions.assertRejected(envelope, message, CONTEXT, "an untouched message"));
    assertTrue(e.getMessage().contains("an untouched message, decrypted: decrypted, but must be rejected"), e.getMessage());
  }

  @Test
  void assertTamperingRejected_keyringThatFailsWithAProgrammingError_failsNamingTheException() {
    RawAesKeyring real = TestKeyrings.randomAes();
    Keyring broken = new Keyring() {
      @Override
      public EncryptionMaterials onEncrypt(EncryptionMaterials materials) {
        return real.onEncrypt(materials);
      }

      @Override
      public DecryptionMaterials onDecrypt(DecryptionMaterials materials, List<EncryptedDataKey> keys) {
        throw new IllegalStateException("bug in the keyring");
      }
    };
    Envelope envelope = Envelope.builder().keyring(broken).build();
    byte[] message = envelope.encrypt(new byte[5], CONTEXT);
    int lastBit = message.length * 8 - 1;
    AssertionFailedError e = assertThrows(AssertionFailedError.class,
        () -> EnvelopeAssertions.assertTamperingRejected(envelope, message, Tampering.bitFlip(lastBit), CONTEXT));
    assertTrue(e.getMessage().contains("threw java.lang.IllegalStateException"), e.getMessage());
    assertTrue(e.getMessage().contains("flip bit " + lastBit), e.getMessage());
  }

  @Test
  void assertWrongContextRejected_changedValue_passes() {
    Envelope envelope = Envelope.builder().keyring(TestKeyrings.randomAes()).build();
    byte[] message = envelope.encrypt(new byte[5], CONTEXT);
    EnvelopeAssertions.assertWrongContextRejected(envelope, message, EncryptionContext.of("tenant", "other"));
    EnvelopeAssertions.assertWrongContextRejected(envelope, message, CONTEXT.with("extra", "pair"));
  }

  @Test
  void isRejection_kmsRefusingTheDataKey_countsButOtherKmsFailuresDoNot() {
    assertTrue(EnvelopeAssertions.isRejection(kms(KmsProviderException.Reason.INVALID_CIPHERTEXT)));
    assertTrue(EnvelopeAssertions.isRejection(kms(KmsProviderException.Reason.INCORRECT_KEY)));
    assertTrue(EnvelopeAssertions.isRejection(kms(KmsProviderException.Reason.KEY_NOT_FOUND)));
    assertFalse(EnvelopeAssertions.isRejection(kms(KmsProviderException.Reason.THROTTLED)));
    assertFalse(EnvelopeAssertions.isRejection(kms(KmsProviderException.Reason.ACCESS_DENIED)));
    assertFalse(EnvelopeAssertions.isRejection(kms(KmsProviderException.Reason.UNREACHABLE)));
    assertFalse(EnvelopeAssertions.isRejection(new KeyProviderException("transport failure")));
    assertFalse(EnvelopeAssertions.isRejection(new IllegalStateException("bug")));
    assertTrue(EnvelopeAssertions.isRejection(new MalformedMessageException("truncated")));
  }

  private static KmsProviderException kms(KmsProviderException.Reason reason) {
    return new KmsProviderException(reason, "KMS said no", "Decrypt", "arn:aws:kms:us-east-1:111122223333:key/k", null, null, null);
  }
}
