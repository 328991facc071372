package dev.envelope.regressions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.envelope.AlgorithmSuite;
import dev.envelope.AuthenticationFailedException;
import dev.envelope.ContextMismatchException;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.MaterialsManager;
import dev.envelope.materials.RequiredContextMaterialsManager;
import dev.envelope.testing.Messages;
import dev.envelope.testing.TestKeys;
import java.io.ByteArrayInputStream;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Regression: a message encrypted with required (authenticate-only) context, decrypted with the
 * right required pairs, but with a corrupted frame or signature, was reported by {@code decrypt}
 * as a {@link ContextMismatchException} telling the caller to leave the (correct) pairs out,
 * while {@code decryptingStream} reported the same bytes as a plain authentication failure.
 *
 * <p>The header had verified with the caller's pairs, so the context was right: only failures up
 * to and including the header check may be explained as a context mismatch. A failure in the
 * body is an {@link AuthenticationFailedException} through both entry points.
 */
class CorruptBodyWithRequiredContextTest {
  private static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme", "purpose", "backup");
  private static final EncryptionContext REQUIRED = EncryptionContext.of("tenant", "acme");

  @ParameterizedTest
  @EnumSource(
      value = AlgorithmSuite.class,
      names = {"AES_256_GCM_HKDF_SHA512_COMMIT_KEY", "AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384"})
  void decrypt_requiredContextRightButBodyCorrupt_throwsAuthenticationFailedNotContextMismatch(AlgorithmSuite suite) {
    MaterialsManager manager = RequiredContextMaterialsManager.of(TestKeys.aes256Keyring(), Set.of("tenant"));
    Envelope envelope =
        Envelope.builder().materialsManager(manager).algorithmSuite(suite).frameSize(64).build();
    byte[] message = envelope.encrypt(Messages.plaintext(200), CONTEXT);
    // The last byte: the final frame's tag (unsigned) or the signature (signed).
    byte[] corrupt = message.clone();
    corrupt[corrupt.length - 1] ^= 0x01;

    AuthenticationFailedException array =
        assertThrows(AuthenticationFailedException.class, () -> envelope.decrypt(corrupt, REQUIRED));
    assertEquals(AuthenticationFailedException.class, array.getClass(), array.toString());
    AuthenticationFailedException stream =
        assertThrows(
            AuthenticationFailedException.class,
            () -> Messages.decryptStreaming(envelope, new ByteArrayInputStream(corrupt), REQUIRED));
    assertEquals(AuthenticationFailedException.class, stream.getClass(), stream.toString());

    // A wrong required value is still diagnosed as a context mismatch.
    assertThrows(
        ContextMismatchException.class, () -> envelope.decrypt(message, EncryptionContext.of("tenant", "other")));
  }
}
