package dev.envelope.internal.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.AlgorithmSuite;
import dev.envelope.CommitmentPolicy;
import dev.envelope.DataKey;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.MalformedMessageException;
import dev.envelope.internal.crypto.EcKeys;
import dev.envelope.internal.crypto.MessageKeys;
import dev.envelope.testing.Messages;
import dev.envelope.testing.StaticKeyring;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import org.junit.jupiter.api.Test;

/**
 * Messages built field by field with the internal codecs, for layouts the writer never produces
 * but readers must handle (message-format.md §2–4): an empty final frame after full frames, a
 * non-zero version-1 header IV, and the public-key rules of signing suites.
 */
class CraftedMessagesTest {
  private static final byte[] KEY = new byte[32];
  private static final Envelope READER =
      Envelope.builder()
          .keyring(StaticKeyring.of(KEY))
          .commitmentPolicy(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT)
          .build();
  private static final List<EncryptedDataKey> EDKS =
      List.of(EncryptedDataKey.of(StaticKeyring.DEFAULT_PROVIDER_ID, "static", new byte[0]));

  /** Builds header ‖ regular frames ‖ final frame for an unsigned suite. */
  private static byte[] framed(
      AlgorithmSuite suite, EncryptionContext stored, int frameLength, byte[] plaintext, int regularFrames, byte[] headerIv)
      throws Exception {
    byte[] messageId = new byte[suite.messageIdLength()];
    Arrays.fill(messageId, (byte) 0x5A);
    try (DataKey key = DataKey.copyOf(Arrays.copyOf(KEY, suite.dataKeyLength()));
        MessageKeys keys = MessageKeys.derive(suite, key, messageId)) {
      byte[] body =
          HeaderCodec.writeBody(suite, messageId, stored.toCanonicalBytes(), EDKS, true, frameLength, keys.commitKey());
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(body);
      if (suite.messageFormatVersion() == 1) {
        // Header tag with the given IV, computed directly (the writer always uses zeros).
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.ENCRYPT_MODE, keys.contentKey(), new GCMParameterSpec(128, headerIv));
        gcm.updateAAD(body);
        out.writeBytes(headerIv);
        out.writeBytes(gcm.doFinal());
      } else {
        out.writeBytes(new FrameCodec(keys.contentKey(), messageId, frameLength).headerTag(body, body.length, new byte[0]));
      }
      FrameCodec codec = new FrameCodec(keys.contentKey(), messageId, frameLength);
      byte[] frame = new byte[frameLength + FrameCodec.FINAL_OVERHEAD];
      for (int i = 0; i < regularFrames; i++) {
        int end = codec.encryptRegular(i + 1, plaintext, i * frameLength, frame, 0);
        out.write(frame, 0, end);
      }
      int rest = plaintext.length - regularFrames * frameLength;
      int end = codec.encryptFinal(regularFrames + 1, plaintext, regularFrames * frameLength, rest, frame, 0);
      out.write(frame, 0, end);
      return out.toByteArray();
    }
  }

  /** Plaintext an exact multiple of the frame: an empty final frame after full ones is valid too. */
  @Test
  void decrypt_emptyFinalFrameAfterFullFrames_decrypts() throws Exception {
    byte[] plaintext = Messages.plaintext(3 * 32);
    byte[] message =
        framed(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY, EncryptionContext.empty(), 32, plaintext, 3, null);
    assertArrayEquals(plaintext, READER.decrypt(message, EncryptionContext.empty()).plaintext());
    assertArrayEquals(
        plaintext, Messages.decryptStreaming(READER, new ByteArrayInputStream(message), EncryptionContext.empty()));
  }

  /** The writer itself puts the last full frame into the final frame (the spec's SHOULD). */
  @Test
  void encrypt_exactMultipleOfFrame_writesFullFinalFrame() {
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
    byte[] message = Messages.envelope(StaticKeyring.of(KEY), suite, 32).encrypt(new byte[64], EncryptionContext.empty());
    int header = Messages.headerLength(message);
    assertEquals(header + (32 + 32) + (40 + 32), message.length, "one regular frame and a full final frame");
    assertEquals(0xFFFFFFFFL, Bytes.getU32(message, header + 32 + 32), "final-frame marker");
  }

  /** Version 1: the header IV is read as serialized (old writers did not always use zeros). */
  @Test
  void decrypt_versionOneNonZeroHeaderIv_usesTheSerializedIv() throws Exception {
    byte[] iv = new byte[12];
    Arrays.fill(iv, (byte) 0x33);
    byte[] plaintext = Messages.plaintext(50);
    byte[] message =
        framed(AlgorithmSuite.AES_256_GCM_IV12_TAG16_HKDF_SHA256, EncryptionContext.of("a", "b"), 20, plaintext, 2, iv);
    assertArrayEquals(plaintext, READER.decrypt(message, EncryptionContext.empty()).plaintext());
  }

  @Test
  void decrypt_finalFrameLongerThanFrameLength_throwsMalformed() throws Exception {
    byte[] message =
        framed(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY, EncryptionContext.empty(), 32, new byte[10], 0, null);
    int lengthField = Messages.headerLength(message) + 4 + 4 + 12;
    Bytes.putU32(message, lengthField, 33);
    MalformedMessageException e =
        assertThrows(MalformedMessageException.class, () -> READER.decrypt(message, EncryptionContext.empty()));
    assertTrue(e.getMessage().contains("final frame"), e.getMessage());
    assertThrows(
        MalformedMessageException.class,
        () -> Messages.decryptStreaming(READER, new ByteArrayInputStream(message), EncryptionContext.empty()));
  }

  /** A signing suite whose context lacks the public key cannot be verified: malformed. */
  @Test
  void decrypt_signedSuiteWithoutPublicKey_throwsMalformed() throws Exception {
    byte[] message =
        framed(
            AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384,
            EncryptionContext.of("a", "b"),
            32,
            new byte[10],
            0,
            null);
    MalformedMessageException e =
        assertThrows(MalformedMessageException.class, () -> READER.decrypt(message, EncryptionContext.empty()));
    assertTrue(e.getMessage().contains(EncryptionContext.PUBLIC_KEY_FIELD), e.getMessage());
  }

  /** A non-signing suite that carries a public key is refused, not silently left unverified. */
  @Test
  void decrypt_unsignedSuiteWithPublicKey_throwsMalformed() throws Exception {
    AlgorithmSuite signed = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384;
    String publicKey =
        EcKeys.encodePublicKey((ECPublicKey) EcKeys.generate(signed.signing()).getPublic(), signed.signing());
    byte[] message =
        framed(
            AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY,
            EncryptionContext.builder().put(EncryptionContext.PUBLIC_KEY_FIELD, publicKey).build(),
            32,
            new byte[10],
            0,
            null);
    assertThrows(MalformedMessageException.class, () -> READER.decrypt(message, EncryptionContext.empty()));
  }
}
