package dev.envelope.rewrap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.AlgorithmSuite;
import dev.envelope.AuthenticationFailedException;
import dev.envelope.CommitmentPolicy;
import dev.envelope.ContextMismatchException;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.Keyring;
import dev.envelope.MalformedMessageException;
import dev.envelope.NoMatchingKeyException;
import dev.envelope.PolicyViolationException;
import dev.envelope.RewrapRequest;
import dev.envelope.UnauthenticatedHeader;
import dev.envelope.keyring.RawAesKeyring;
import dev.envelope.materials.RequiredContextMaterialsManager;
import dev.envelope.testing.Messages;
import dev.envelope.testing.TestKeys;
import dev.envelope.testing.TrickleInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link Envelope#rewrap}: new encrypted data keys, same data key, message id, context and body. */
class RewrapTest {
  static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme", "purpose", "test");
  static final byte[] PLAINTEXT = Messages.plaintext(1000);

  static Keyring keyring(String name, int seed) {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) seed);
    return RawAesKeyring.builder().keyNamespace("rewrap-test").keyName(name).wrappingKey(key).build();
  }

  static final Keyring OLD = keyring("old", 1);
  static final Keyring NEW = keyring("new", 2);

  static Envelope envelope(Keyring keyring, AlgorithmSuite suite) {
    return Messages.envelope(keyring, suite, 128);
  }

  static void assertEq(Object expected, Object actual) {
    if (expected instanceof byte[]) {
      assertArrayEquals((byte[]) expected, (byte[]) actual);
    } else {
      assertEquals(expected, actual);
    }
  }

  static byte[] body(byte[] message) {
    return Arrays.copyOfRange(message, Envelope.inspectUnauthenticated(message).headerLength(), message.length);
  }

  /** The version-1 header IV: the 12 bytes before the header tag. */
  static byte[] headerIv(byte[] message) {
    int end = Envelope.inspectUnauthenticated(message).headerLength();
    return Arrays.copyOfRange(message, end - 28, end - 16);
  }

  static byte[] rewrapStream(Envelope envelope, byte[] message, EncryptionContext expected, RewrapRequest request) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    envelope.rewrap(new TrickleInputStream(message), out, expected, request);
    return out.toByteArray();
  }

  @ParameterizedTest
  @EnumSource(AlgorithmSuite.class)
  void rewrap_unsignedVersion1Suite_decryptsWithNewKeyOnly(AlgorithmSuite suite) {
    if (suite.isSigned() || suite.messageFormatVersion() != 1) {
      return;
    }
    byte[] message = envelope(OLD, suite).encrypt(PLAINTEXT, CONTEXT);
    byte[] rewrapped = envelope(OLD, suite).rewrap(message, CONTEXT, RewrapRequest.to(NEW).build());

    assertEq(PLAINTEXT, envelope(NEW, suite).decrypt(rewrapped, CONTEXT).plaintext());
    assertThrows(NoMatchingKeyException.class, () -> envelope(OLD, suite).decrypt(rewrapped, CONTEXT));
    byte[] streamed = rewrapStream(envelope(OLD, suite), message, CONTEXT, RewrapRequest.to(NEW).build());
    assertEq(PLAINTEXT, envelope(NEW, suite).decrypt(streamed, CONTEXT).plaintext());
    assertEq(body(message), body(streamed));
    assertEq(body(message), body(rewrapped));
  }

  @Test
  void rewrap_keepsEverythingButTheEncryptedDataKeys() {
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_IV12_TAG16_HKDF_SHA256;
    byte[] message = envelope(OLD, suite).encrypt(PLAINTEXT, CONTEXT);
    byte[] rewrapped = envelope(OLD, suite).rewrap(message, CONTEXT, RewrapRequest.to(NEW).build());

    UnauthenticatedHeader before = Envelope.inspectUnauthenticated(message);
    UnauthenticatedHeader after = Envelope.inspectUnauthenticated(rewrapped);
    assertEq(before.algorithmSuite(), after.algorithmSuite());
    assertEq(before.messageId(), after.messageId());
    assertEq(before.storedContext(), after.storedContext());
    assertEq(before.frameLength(), after.frameLength());
    assertEquals(1, after.encryptedDataKeys().size());
    assertFalse(Arrays.equals(
        before.encryptedDataKeys().get(0).providerInfo(), after.encryptedDataKeys().get(0).providerInfo()));
    assertEq(Arrays.copyOfRange(message, before.headerLength(), message.length),
        Arrays.copyOfRange(rewrapped, after.headerLength(), rewrapped.length));
  }

  @Test
  void rewrap_keepExistingKeys_eitherKeyDecrypts() {
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_IV12_TAG16_HKDF_SHA256;
    byte[] message = envelope(OLD, suite).encrypt(PLAINTEXT, CONTEXT);
    RewrapRequest request = RewrapRequest.to(NEW).keepExistingKeys().build();
    byte[] rewrapped = envelope(OLD, suite).rewrap(message, CONTEXT, request);

    assertEquals(2, Envelope.inspectUnauthenticated(rewrapped).encryptedDataKeys().size());
    assertEq(PLAINTEXT, envelope(OLD, suite).decrypt(rewrapped, CONTEXT).plaintext());
    assertEq(PLAINTEXT, envelope(NEW, suite).decrypt(rewrapped, CONTEXT).plaintext());
  }

  @Test
  void rewrap_moreKeysThanTheMaximum_throwsPolicyViolation() {
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_IV12_TAG16_HKDF_SHA256;
    byte[] message = envelope(OLD, suite).encrypt(PLAINTEXT, CONTEXT);
    Envelope strict = Envelope.builder().keyring(OLD).maxEncryptedDataKeys(1)
        .commitmentPolicy(CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT).build();

    {
      var e = assertThrows(PolicyViolationException.class, () -> strict.rewrap(message, CONTEXT, RewrapRequest.to(NEW).keepExistingKeys().build()));
      assertTrue(e.getMessage().contains("maxEncryptedDataKeys"), e.getMessage());
    }
  }

  @Test
  void rewrap_signedSuite_isRefusedWithoutReencrypt() {
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384;
    byte[] message = envelope(OLD, suite).encrypt(PLAINTEXT, CONTEXT);

    {
      var e = assertThrows(IllegalArgumentException.class, () -> envelope(OLD, suite).rewrap(message, CONTEXT, RewrapRequest.to(NEW).build()));
      assertTrue(e.getMessage().contains("signing suite 0x0578"), e.getMessage());
      assertTrue(e.getMessage().contains("reencrypt"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> rewrapStream(envelope(OLD, suite), message, CONTEXT, RewrapRequest.to(NEW).build()));
  }

  @ParameterizedTest
  @EnumSource(value = AlgorithmSuite.class, names = {
      "AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384", "AES_256_GCM_HKDF_SHA512_COMMIT_KEY"})
  void rewrap_reencrypt_newMessageIdSameContextDecryptsWithNewKey(AlgorithmSuite suite) {
    byte[] message = envelope(OLD, suite).encrypt(PLAINTEXT, CONTEXT);
    RewrapRequest request = RewrapRequest.to(NEW).reencrypt().build();
    for (byte[] reencrypted : new byte[][] {
        envelope(OLD, suite).rewrap(message, CONTEXT, request),
        rewrapStream(envelope(OLD, suite), message, CONTEXT, request)}) {
      UnauthenticatedHeader header = Envelope.inspectUnauthenticated(reencrypted);
      assertFalse(Arrays.equals(Envelope.inspectUnauthenticated(message).messageId(), header.messageId()));
      assertEq(suite, header.algorithmSuite());
      assertEq(128, header.frameLength());
      var decrypted = envelope(NEW, suite).decrypt(reencrypted, CONTEXT);
      assertEq(PLAINTEXT, decrypted.plaintext());
      assertEq(CONTEXT, decrypted.encryptionContext().removeKeys(Set.of(EncryptionContext.PUBLIC_KEY_FIELD)));
      assertThrows(NoMatchingKeyException.class, () -> envelope(OLD, suite).decrypt(reencrypted, CONTEXT));
    }
  }

  @Test
  void rewrap_reencryptTamperedSignedMessage_failsAndWritesNoFinalFrame() {
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384;
    byte[] message = envelope(OLD, suite).encrypt(PLAINTEXT, CONTEXT);
    byte[] tampered = Messages.flipBit(message, (message.length - 5) * 8);
    RewrapRequest request = RewrapRequest.to(NEW).reencrypt().build();

    assertThrows(AuthenticationFailedException.class, () -> envelope(OLD, suite).rewrap(tampered, CONTEXT, request));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThrows(AuthenticationFailedException.class, () -> envelope(OLD, suite).rewrap(new ByteArrayInputStream(tampered), out, CONTEXT, request));
    assertThrows(MalformedMessageException.class, () -> envelope(NEW, suite).decrypt(out.toByteArray(), CONTEXT));
  }

  @ParameterizedTest
  @EnumSource(value = AlgorithmSuite.class, names = {"AES_256_GCM_HKDF_SHA512_COMMIT_KEY"})
  void rewrap_version2Message_isRefusedWithoutReencrypt(AlgorithmSuite suite) {
    byte[] message = envelope(OLD, suite).encrypt(PLAINTEXT, CONTEXT);
    var e = assertThrows(IllegalArgumentException.class,
        () -> envelope(OLD, suite).rewrap(message, CONTEXT, RewrapRequest.to(NEW).build()));
    assertTrue(e.getMessage().contains("fixed IV"), e.getMessage());
    assertTrue(e.getMessage().contains("reencrypt"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> rewrapStream(envelope(OLD, suite), message, CONTEXT, RewrapRequest.to(NEW).build()));
  }

  /**
   * The content key survives a rewrap, so the new header tag must use a new IV: an AES-GCM tag
   * under the key and IV of the old one (zero) or of a frame (8 zero bytes ‖ sequence number) would
   * give away GCM's authentication key to whoever holds both messages.
   */
  @Test
  void rewrap_version1_newHeaderIvIsFreshAndNeverAFrameIv() {
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_IV12_TAG16_HKDF_SHA256;
    byte[] message = envelope(OLD, suite).encrypt(PLAINTEXT, CONTEXT);
    byte[] first = envelope(OLD, suite).rewrap(message, CONTEXT, RewrapRequest.to(NEW).build());
    byte[] second = envelope(NEW, suite).rewrap(first, CONTEXT, RewrapRequest.to(OLD).build());

    assertEq(new byte[12], headerIv(message));
    assertFalse(Arrays.equals(new byte[8], Arrays.copyOf(headerIv(first), 8)));
    assertFalse(Arrays.equals(new byte[8], Arrays.copyOf(headerIv(second), 8)));
    assertFalse(Arrays.equals(headerIv(first), headerIv(second)));
    assertEq(PLAINTEXT, envelope(OLD, suite).decrypt(second, CONTEXT).plaintext());
  }

  @Test
  void rewrapRequest_keepExistingWithReencrypt_throws() {
    {
      var e = assertThrows(IllegalStateException.class, () -> RewrapRequest.to(NEW).keepExistingKeys().reencrypt().build());
      assertTrue(e.getMessage().contains("new data key"), e.getMessage());
    }
  }

  @Test
  void rewrap_wrongExpectedContext_throwsContextMismatch() {
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_IV12_TAG16_HKDF_SHA256;
    byte[] message = envelope(OLD, suite).encrypt(PLAINTEXT, CONTEXT);

    assertThrows(ContextMismatchException.class, () -> envelope(OLD, suite).rewrap(
            message, EncryptionContext.of("tenant", "other"), RewrapRequest.to(NEW).build()));
  }

  @Test
  void rewrap_sourceKeyringHasNoKey_throwsNoMatchingKey() {
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_IV12_TAG16_HKDF_SHA256;
    byte[] message = envelope(OLD, suite).encrypt(PLAINTEXT, CONTEXT);

    assertThrows(NoMatchingKeyException.class, () -> envelope(NEW, suite).rewrap(message, CONTEXT, RewrapRequest.to(OLD).build()));
  }

  @Test
  void rewrap_nonCommittingMessageUnderRequirePolicy_throwsPolicyViolation() {
    byte[] message = envelope(OLD, AlgorithmSuite.AES_256_GCM_IV12_TAG16_HKDF_SHA256).encrypt(PLAINTEXT, CONTEXT);
    Envelope strict = Envelope.builder().keyring(OLD)
        .commitmentPolicy(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT).build();

    assertThrows(PolicyViolationException.class, () -> strict.rewrap(message, CONTEXT, RewrapRequest.to(NEW).build()));
  }

  @Test
  void rewrap_tamperedFrame_failsInMemoryAndStreamCopiesIt() {
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_IV12_TAG16_HKDF_SHA256;
    byte[] message = envelope(OLD, suite).encrypt(PLAINTEXT, CONTEXT);
    byte[] tampered = Messages.flipBit(message, (Messages.regularFrameOffset(message, 1) + 20) * 8);

    {
      var e = assertThrows(AuthenticationFailedException.class, () -> envelope(OLD, suite).rewrap(tampered, CONTEXT, RewrapRequest.to(NEW).build()));
      assertTrue(e.getMessage().contains("frame 2"), e.getMessage());
    }
    // The stream form copies frames without decrypting them: the reader of the result catches it.
    byte[] copied = rewrapStream(envelope(OLD, suite), tampered, CONTEXT, RewrapRequest.to(NEW).build());
    assertThrows(AuthenticationFailedException.class, () -> envelope(NEW, suite).decrypt(copied, CONTEXT));
  }

  @Test
  void rewrap_streamTruncatedOrExtended_throwsMalformed() {
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_IV12_TAG16_HKDF_SHA256;
    byte[] message = envelope(OLD, suite).encrypt(PLAINTEXT, CONTEXT);
    RewrapRequest request = RewrapRequest.to(NEW).build();

    assertThrows(MalformedMessageException.class, () -> rewrapStream(envelope(OLD, suite), Arrays.copyOf(message, message.length - 1), CONTEXT, request));
    {
      var e = assertThrows(MalformedMessageException.class, () -> rewrapStream(envelope(OLD, suite), Messages.append(message, (byte) 0), CONTEXT, request));
      assertTrue(e.getMessage().contains("follow the end"), e.getMessage());
    }
    byte[] dropped = new byte[message.length - (128 + 32)];
    int second = Messages.regularFrameOffset(message, 1);
    System.arraycopy(message, 0, dropped, 0, second);
    System.arraycopy(message, second + 128 + 32, dropped, second, message.length - second - 128 - 32);
    {
      var e = assertThrows(MalformedMessageException.class, () -> rewrapStream(envelope(OLD, suite), dropped, CONTEXT, request));
      assertTrue(e.getMessage().contains("sequence number 3"), e.getMessage());
    }
  }

  @Test
  void rewrap_requiredContext_isKeptAuthenticatedAndNotStored() {
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_IV12_TAG16_HKDF_SHA256;
    Envelope writer = Envelope.builder()
        .materialsManager(RequiredContextMaterialsManager.of(OLD, Set.of("tenant")))
        .commitmentPolicy(CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT).algorithmSuite(suite).build();
    byte[] message = writer.encrypt(PLAINTEXT, CONTEXT);
    byte[] rewrapped = envelope(OLD, suite).rewrap(message, CONTEXT, RewrapRequest.to(NEW).build());

    assertFalse(Envelope.inspectUnauthenticated(rewrapped).storedContext().containsKey("tenant"));
    assertEq(PLAINTEXT, envelope(NEW, suite).decrypt(rewrapped, CONTEXT).plaintext());
    // The new encrypted data key is bound to the required pair too.
    assertThrows(NoMatchingKeyException.class, () -> envelope(NEW, suite).decrypt(rewrapped, EncryptionContext.of("purpose", "test")));
  }
}
