package dev.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.keyring.MultiKeyring;
import dev.envelope.keyring.RawAesKeyring;
import dev.envelope.materials.RequiredContextMaterialsManager;
import dev.envelope.testing.Messages;
import dev.envelope.testing.StaticKeyring;
import dev.envelope.testing.TestKeys;
import dev.envelope.testing.TrickleInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Policies and limits of {@link Envelope} that the property tests deliberately configure away. */
class EnvelopeTest {
  private static final byte[] PLAINTEXT = Messages.plaintext(100);

  /** The default cap (64) is checked on the count field, before any key is read or unwrapped. */
  @Test
  void decrypt_encryptedDataKeyCountAboveDefaultCap_throwsPolicyViolation() {
    Envelope envelope =
        Envelope.builder()
            .keyring(TestKeys.aes256Keyring())
            .algorithmSuite(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY)
            .build();
    byte[] message = envelope.encrypt(PLAINTEXT, EncryptionContext.empty());
    // Version 2, unsigned, empty context: the EDK count sits at offset 1 + 2 + 32 + 2 = 37.
    assertEquals(1, ((message[37] & 0xFF) << 8) | (message[38] & 0xFF));
    message[38] = 65;
    PolicyViolationException e =
        assertThrows(PolicyViolationException.class, () -> envelope.decrypt(message, EncryptionContext.empty()));
    assertTrue(e.getMessage().contains("maxEncryptedDataKeys"), e.getMessage());
    // Raised to the format's maximum, the same bytes are simply malformed (65 keys are not there).
    Envelope permissive =
        Envelope.builder().keyring(TestKeys.aes256Keyring()).maxEncryptedDataKeys(0xFFFF).build();
    assertThrows(MalformedMessageException.class, () -> permissive.decrypt(message, EncryptionContext.empty()));
  }

  @Test
  void encrypt_moreEncryptedDataKeysThanCap_throwsPolicyViolation() {
    List<Keyring> children = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      children.add(
          RawAesKeyring.builder().keyNamespace("ns").keyName("k" + i).wrappingKey(TestKeys.sequentialKey(32)).build());
    }
    Keyring multi = MultiKeyring.builder().generator(TestKeys.aes256Keyring()).children(children).build();
    Envelope capped = Envelope.builder().keyring(multi).maxEncryptedDataKeys(3).build();
    assertThrows(PolicyViolationException.class, () -> capped.encrypt(PLAINTEXT, EncryptionContext.empty()));
    Envelope enough = Envelope.builder().keyring(multi).maxEncryptedDataKeys(4).build();
    byte[] message = enough.encrypt(PLAINTEXT, EncryptionContext.empty());
    assertEquals(4, Envelope.inspectUnauthenticated(message).encryptedDataKeys().size());
    assertThrows(PolicyViolationException.class, () -> capped.decrypt(message, EncryptionContext.empty()));
  }

  @Test
  void decrypt_versionOneMessageUnderDefaultPolicy_throwsPolicyViolation() {
    AlgorithmSuite legacy = AlgorithmSuite.AES_256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384;
    byte[] message = Messages.envelope(TestKeys.aes256Keyring(), legacy, 64).encrypt(PLAINTEXT, EncryptionContext.empty());
    Envelope strict = Envelope.builder().keyring(TestKeys.aes256Keyring()).build();
    assertEquals(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT, strict.commitmentPolicy());
    assertThrows(PolicyViolationException.class, () -> strict.decrypt(message, EncryptionContext.empty()));
  }

  @Test
  void encrypt_defaults_writeSuite0578FramedAtTheDefaultFrameSize() {
    byte[] message = Envelope.builder().keyring(TestKeys.aes256Keyring()).build().encrypt(PLAINTEXT, EncryptionContext.empty());
    UnauthenticatedHeader header = Envelope.inspectUnauthenticated(message);
    assertEquals(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384, header.algorithmSuite());
    assertEquals(Envelope.DEFAULT_FRAME_SIZE, header.frameLength());
    assertTrue(header.storedContext().containsKey(EncryptionContext.PUBLIC_KEY_FIELD));
  }

  /** Required (authenticate-only) pairs are not stored, and decrypting needs them. */
  @Test
  void decrypt_requiredContextMissingOrWrong_throwsContextMismatch() {
    MaterialsManager manager = RequiredContextMaterialsManager.of(TestKeys.aes256Keyring(), Set.of("tenant"));
    Envelope envelope = Envelope.builder().materialsManager(manager).build();
    EncryptionContext context = EncryptionContext.of("tenant", "acme", "purpose", "backup");
    byte[] message = envelope.encrypt(PLAINTEXT, context);
    assertTrue(Envelope.inspectUnauthenticated(message).storedContext().containsKey("purpose"));
    assertTrue(!Envelope.inspectUnauthenticated(message).storedContext().containsKey("tenant"));

    assertArrayEquals(PLAINTEXT, envelope.decrypt(message, EncryptionContext.of("tenant", "acme")).plaintext());
    assertThrows(ContextMismatchException.class, () -> envelope.decrypt(message, EncryptionContext.empty()));
    ContextMismatchException wrong =
        assertThrows(
            ContextMismatchException.class, () -> envelope.decrypt(message, EncryptionContext.of("tenant", "other")));
    assertEquals(List.of("tenant"), wrong.keys());
    // A plain envelope (no required-context manager) still needs the pair: without it the raw AES
    // keyring cannot unwrap (the pair is part of its wrapping AAD), and the message says so.
    Envelope plain = Envelope.builder().keyring(TestKeys.aes256Keyring()).build();
    NoMatchingKeyException missing =
        assertThrows(NoMatchingKeyException.class, () -> plain.decrypt(message, EncryptionContext.empty()));
    assertTrue(missing.getMessage().contains("encryption context"), missing.getMessage());
    assertArrayEquals(PLAINTEXT, plain.decrypt(message, EncryptionContext.of("tenant", "acme")).plaintext());
  }

  @Test
  void decrypt_wrongKey_throwsNoMatchingKey() {
    byte[] message = Envelope.builder().keyring(TestKeys.aes256Keyring()).build().encrypt(PLAINTEXT, EncryptionContext.empty());
    Envelope other =
        Envelope.builder()
            .keyring(RawAesKeyring.builder().keyNamespace(TestKeys.NAMESPACE).keyName("aes-256").wrappingKey(new byte[32]).build())
            .build();
    assertThrows(NoMatchingKeyException.class, () -> other.decrypt(message, EncryptionContext.empty()));
    Envelope stranger = Envelope.builder().keyring(StaticKeyring.of(new byte[32])).build();
    assertThrows(NoMatchingKeyException.class, () -> stranger.decrypt(message, EncryptionContext.empty()));
  }

  /** The stream variant reads the header and not one byte more, so the caller can go on reading. */
  @Test
  void inspectUnauthenticated_stream_consumesExactlyTheHeader() {
    Envelope envelope = Envelope.builder().keyring(TestKeys.aes256Keyring()).build();
    byte[] message = envelope.encrypt(PLAINTEXT, EncryptionContext.of("k", "v"));
    TrickleInputStream in = new TrickleInputStream(message);
    UnauthenticatedHeader header = Envelope.inspectUnauthenticated(in);
    assertEquals(header.headerLength(), in.position());
    assertEquals(Envelope.inspectUnauthenticated(message).headerLength(), header.headerLength());
    assertEquals("v", header.storedContext().get("k").orElseThrow());
    byte[] id = header.messageId();
    id[0] ^= 1;
    assertTrue(header.messageId()[0] != id[0], "messageId() returns a copy");
  }
}
