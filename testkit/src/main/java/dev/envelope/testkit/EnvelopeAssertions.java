package dev.envelope.testkit;

import dev.envelope.AuthenticationFailedException;
import dev.envelope.Decrypted;
import dev.envelope.DecryptingStream;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.EnvelopeException;
import dev.envelope.MalformedMessageException;
import dev.envelope.NoMatchingKeyException;
import dev.envelope.PolicyViolationException;
import dev.envelope.kms.KmsProviderException;
import dev.envelope.testkit.arbitraries.Tampering;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.opentest4j.AssertionFailedError;

/**
 * The checks behind {@link EnvelopeContract}, for any test: a round trip returns the plaintext,
 * a tampered message and a wrong context are rejected, through {@link Envelope#decrypt} and
 * through {@link Envelope#decryptingStream}. Failures are {@link AssertionFailedError}s that say
 * what was tried, never plaintext or context values.
 */
public final class EnvelopeAssertions {
  /**
   * What a tampered message or a wrong context may fail with: not a message (malformed), does not
   * verify (authentication failed, context mismatch included), no keyring can open its data key
   * (a changed encrypted data key), or the commitment policy refuses it (a changed suite id).
   * A KMS keyring's {@link KmsProviderException} counts too when KMS itself refused the encrypted
   * data key: {@link KmsProviderException.Reason#INVALID_CIPHERTEXT} (altered, or bound to another
   * context), {@link KmsProviderException.Reason#INCORRECT_KEY} (it names another key) or {@link
   * KmsProviderException.Reason#KEY_NOT_FOUND} (an altered ciphertext blob that names a key that
   * does not exist; the local KMS endpoint answers so where AWS KMS answers one of the others).
   * Anything else, success, other KMS failures (throttling, access denied, an unreachable
   * endpoint) and programming errors included, fails the check.
   */
  public static final List<Class<? extends EnvelopeException>> REJECTIONS = List.of(
      MalformedMessageException.class,
      AuthenticationFailedException.class,
      NoMatchingKeyException.class,
      PolicyViolationException.class);

  /** The reasons of a {@link KmsProviderException} that mean KMS refused a tampered data key. */
  private static final Set<KmsProviderException.Reason> KMS_REJECTIONS =
      EnumSet.of(KmsProviderException.Reason.INVALID_CIPHERTEXT, KmsProviderException.Reason.INCORRECT_KEY,
          KmsProviderException.Reason.KEY_NOT_FOUND);

  private EnvelopeAssertions() {}

  /** Whether {@code thrown} is a rejection of a tampered message or wrong context (see {@link #REJECTIONS}). */
  public static boolean isRejection(Throwable thrown) {
    if (thrown instanceof KmsProviderException kms) {
      return KMS_REJECTIONS.contains(kms.reason());
    }
    return REJECTIONS.stream().anyMatch(type -> type.isInstance(thrown));
  }

  /**
   * Encrypts {@code plaintext} under {@code context}, then asserts that decrypting the message
   * with the same context, in memory and through a decrypting stream, returns the plaintext and the
   * context's pairs.
   *
   * @return the message
   */
  public static byte[] assertRoundTrip(Envelope envelope, byte[] plaintext, EncryptionContext context) {
    Objects.requireNonNull(envelope, "envelope");
    Objects.requireNonNull(plaintext, "plaintext");
    Objects.requireNonNull(context, "context");
    byte[] message = envelope.encrypt(plaintext, context);
    String what = "a " + plaintext.length + "-byte plaintext with context keys " + context.keys();
    Decrypted decrypted = envelope.decrypt(message, context);
    assertPlaintext(what + ", decrypted", plaintext, decrypted.plaintext());
    assertContains(what + ", decrypted", context, decrypted.encryptionContext());
    assertPlaintext(what + ", decrypted as a stream", plaintext, readStream(envelope, message, context));
    return message;
  }

  /**
   * Asserts that {@code tampering} of {@code message} fails to decrypt, with {@code context}, in
   * memory and as a stream, with one of {@link #REJECTIONS}.
   */
  public static void assertTamperingRejected(
      Envelope envelope, byte[] message, Tampering tampering, EncryptionContext context) {
    Objects.requireNonNull(tampering, "tampering");
    assertRejected(envelope, tampering.apply(message), context, "a message after " + tampering);
  }

  /**
   * Asserts that decrypting {@code message} expecting {@code wrongContext} fails, in memory and
   * as a stream, with one of {@link #REJECTIONS}.
   */
  public static void assertWrongContextRejected(Envelope envelope, byte[] message, EncryptionContext wrongContext) {
    Objects.requireNonNull(wrongContext, "wrongContext");
    assertRejected(envelope, message, wrongContext, "a message expected with a wrong context (keys " + wrongContext.keys() + ")");
  }

  /**
   * Asserts that {@code message} fails to decrypt with {@code context}, in memory and as a stream,
   * with one of {@link #REJECTIONS}.
   *
   * @param what the message in failure messages, e.g. "a message after flip bit 3"
   */
  public static void assertRejected(Envelope envelope, byte[] message, EncryptionContext context, String what) {
    Objects.requireNonNull(envelope, "envelope");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(context, "context");
    expectRejection(what + ", decrypted", () -> envelope.decrypt(message, context));
    expectRejection(what + ", decrypted as a stream", () -> readStream(envelope, message, context));
  }

  private static void expectRejection(String what, Runnable action) {
    Throwable thrown;
    try {
      action.run();
      throw new AssertionFailedError(what + ": decrypted, but must be rejected");
    } catch (AssertionFailedError e) {
      throw e;
    } catch (Throwable t) {
      thrown = t;
    }
    if (isRejection(thrown)) {
      return;
    }
    throw new AssertionFailedError(what + ": threw " + thrown.getClass().getName() + " (" + thrown.getMessage()
        + "), but must be rejected with one of " + REJECTIONS.stream().map(Class::getSimpleName).toList()
        + " or KMS's refusal of the encrypted data key", thrown);
  }

  private static byte[] readStream(Envelope envelope, byte[] message, EncryptionContext context) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DecryptingStream in = envelope.decryptingStream(new ByteArrayInputStream(message), context)) {
      in.transferTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void assertPlaintext(String what, byte[] expected, byte[] actual) {
    if (!Arrays.equals(expected, actual)) {
      throw new AssertionFailedError(what + ": returned " + actual.length + " bytes that differ from the "
          + expected.length + " encrypted (first difference at byte " + Arrays.mismatch(expected, actual) + ")");
    }
  }

  private static void assertContains(String what, EncryptionContext expected, EncryptionContext actual) {
    for (String key : expected.keys()) {
      if (!expected.get(key).equals(actual.get(key))) {
        throw new AssertionFailedError(what + ": the message's context lacks or changed the pair of key " + key);
      }
    }
  }
}
