package dev.envelope.internal.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.AlgorithmSuite;
import dev.envelope.AuthenticationFailedException;
import dev.envelope.CommitmentPolicy;
import dev.envelope.DataKey;
import dev.envelope.Decrypted;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.MalformedMessageException;
import dev.envelope.internal.crypto.MessageKeys;
import dev.envelope.testing.StaticKeyring;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The worked header examples of message-format.md §8 parsed field by field, re-serialized byte for
 * byte, and authenticated with their known content keys.
 */
class HeaderCodecTest {
  private static final HexFormat HEX = HexFormat.of();

  /** Example A: version 1, suite 0x0178, the Python {@code null} key provider (206 bytes). */
  static final byte[] EXAMPLE_A =
      HEX.parseHex(
          "01800178731a270c473c816af6b86829f9a1c4c4001a000200046b657931000476616c3100046b6579320004"
              + "76616c32000100046e756c6c00046e756c6c000002000000000c0000100000000000000000000000000013"
              + "604ded59cf6d88a27cd13804d8c987ffffffff000000010000000000000000000000010000004"
              + "0fdf38956f219848a4ca80312153ca9ab40348affc88c17a6aa2e49ac9a6303619cecb5536389e412a4fc07"
              + "820e0060c5b46e7f05b29e722a3ce0c64a95c57273c00f9148c5250cb8e9287723a3052741");

  /** Example B: version 2, suite 0x0478, commitment test #1 (237 bytes). */
  static final byte[] EXAMPLE_B =
      HEX.parseHex(
          "0204784dfbd1314d9d55925b817232c5e36d6e3e5e230f018930e2c2c1f243f67dc17900000001000c5072"
              + "6f76696465724e616d6500194b65794964000000800000000cf8e6c737703bc967b0f83f7b0030a13b77"
              + "fc3cce242dd82d2a1eccb542ed84daaf76788184fe42e717f634d371cabd3c71ef1bf666ff3762e39dc0"
              + "730be5020000100017cf08f733db51049f3a5ccb5effae218dbe9bf13a8f63ccb1b81e1d51ff2f4c0ba9"
              + "0958fb908bd33df19cd38c21969effffffff000000010000000000000000000000010000000e49904a1c"
              + "74694f05ce15341519aa575e3e42c1704ca2e041dae71a209566");

  private static MessageHeader parse(byte[] message) {
    return HeaderCodec.parse(MessageInput.of(message, 0, message.length), 64);
  }

  @Test
  void parse_exampleA_readsEveryField() {
    assertEquals(206, EXAMPLE_A.length);
    MessageHeader h = parse(EXAMPLE_A);
    assertEquals(1, h.version());
    assertEquals(AlgorithmSuite.AES_256_GCM_IV12_TAG16_HKDF_SHA256, h.suite());
    assertArrayEquals(HEX.parseHex("731a270c473c816af6b86829f9a1c4c4"), h.messageId());
    assertEquals(EncryptionContext.of("key1", "val1", "key2", "val2"), h.storedContext());
    assertEquals(List.of("key1", "key2"), List.copyOf(h.storedContext().keys()));
    assertEquals(1, h.encryptedDataKeys().size());
    EncryptedDataKey edk = h.encryptedDataKeys().get(0);
    assertEquals("null", edk.providerId());
    assertEquals("null", edk.providerInfoUtf8());
    assertEquals(0, edk.ciphertextLength());
    assertTrue(h.framed());
    assertEquals(4096, h.frameLength());
    assertNull(h.commitKey());
    assertArrayEquals(new byte[12], h.headerIv());
    assertArrayEquals(HEX.parseHex("13604ded59cf6d88a27cd13804d8c987"), h.headerTag());
    assertEquals(74, h.bodyLength(), "version, type, suite, id, 2+26 AAD, EDKs, 1+4+1+4");
    assertEquals(74 + 12 + 16, h.length());
    assertArrayEquals(Arrays.copyOf(EXAMPLE_A, h.length()), h.headerBytes());
    // Raw offsets, as in the spec's listing.
    assertEquals(0x001A, Bytes.getU16(EXAMPLE_A, 20), "AAD length");
    assertEquals(2, Bytes.getU16(EXAMPLE_A, 22), "pair count");
    assertEquals(1, Bytes.getU16(EXAMPLE_A, 48), "EDK count");
    assertEquals(0x02, EXAMPLE_A[64], "content type");
    assertEquals(0, Bytes.getU32(EXAMPLE_A, 65), "reserved");
    assertEquals(12, EXAMPLE_A[69], "IV length");
    assertEquals(4096, Bytes.getU32(EXAMPLE_A, 70), "frame length");
  }

  @Test
  void parse_exampleB_readsEveryField() {
    assertEquals(237, EXAMPLE_B.length);
    MessageHeader h = parse(EXAMPLE_B);
    assertEquals(2, h.version());
    assertEquals(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY, h.suite());
    assertArrayEquals(
        HEX.parseHex("4dfbd1314d9d55925b817232c5e36d6e3e5e230f018930e2c2c1f243f67dc179"), h.messageId());
    assertTrue(h.storedContext().isEmpty());
    assertEquals(0, Bytes.getU16(EXAMPLE_B, 35), "AAD length 0: no pair count");
    EncryptedDataKey edk = h.encryptedDataKeys().get(0);
    assertEquals(1, h.encryptedDataKeys().size());
    assertEquals("ProviderName", edk.providerId());
    assertArrayEquals(
        HEX.parseHex("4b65794964" + "00000080" + "0000000c" + "f8e6c737703bc967b0f83f7b"), edk.providerInfo());
    assertEquals(48, edk.ciphertextLength());
    assertArrayEquals(Arrays.copyOfRange(EXAMPLE_B, 82, 130), edk.ciphertext());
    assertTrue(h.framed());
    assertEquals(4096, h.frameLength());
    assertArrayEquals(
        HEX.parseHex("17cf08f733db51049f3a5ccb5effae218dbe9bf13a8f63ccb1b81e1d51ff2f4c"), h.commitKey());
    assertNull(h.headerIv(), "version 2 has no header IV field");
    assertArrayEquals(HEX.parseHex("0ba90958fb908bd33df19cd38c21969e"), h.headerTag());
    assertEquals(167, h.bodyLength());
    assertEquals(183, h.length());
  }

  /** Serializing the parsed fields again gives the original header body, byte for byte. */
  @Test
  void writeBody_parsedExamples_reproducesTheBytes() {
    for (byte[] example : List.of(EXAMPLE_A, EXAMPLE_B)) {
      MessageHeader h = parse(example);
      byte[] body =
          HeaderCodec.writeBody(
              h.suite(),
              h.messageId(),
              h.storedContext().toCanonicalBytes(),
              h.encryptedDataKeys(),
              h.framed(),
              h.frameLength(),
              h.commitKey());
      assertArrayEquals(Arrays.copyOf(example, h.bodyLength()), body);
    }
  }

  /** The header tags verify under the known content keys, and a changed tag does not. */
  @Test
  void verifyHeader_examplesWithKnownKeys_verifiesAndRejectsChangedTag() {
    verify(EXAMPLE_A, new byte[32]);
    verify(EXAMPLE_B, HEX.parseHex("fa9ebec213d5c3d90ead82d914c4412769fa5658ba4ffed39230e8b92fb6e6cd"));
  }

  private static void verify(byte[] example, byte[] dataKey) {
    MessageHeader h = parse(example);
    try (DataKey key = DataKey.copyOf(dataKey);
        MessageKeys keys = MessageKeys.derive(h.suite(), key, h.messageId())) {
      FrameCodec codec = new FrameCodec(keys.contentKey(), h.messageId(), h.frameLength());
      codec.verifyHeader(h, new byte[0]);
      assertArrayEquals(h.headerTag(), codec.headerTag(h.headerBytes(), h.bodyLength(), new byte[0]));
      assertThrows(AuthenticationFailedException.class, () -> codec.verifyHeader(h, new byte[] {0, 0}));
      byte[] changed = example.clone();
      changed[h.length() - 1] ^= 1;
      assertThrows(AuthenticationFailedException.class, () -> codec.verifyHeader(parse(changed), new byte[0]));
    }
  }

  @Test
  void parse_versionMismatchingSuite_throwsMalformed() {
    byte[] changed = EXAMPLE_A.clone();
    changed[0] = 2; // version 2 with a version-1 suite
    assertThrows(MalformedMessageException.class, () -> parse(changed));
  }

  @Test
  void parse_nonZeroReservedField_throwsMalformed() {
    byte[] changed = EXAMPLE_A.clone();
    changed[68] = 1;
    assertThrows(MalformedMessageException.class, () -> parse(changed));
  }

  @Test
  void parse_base64Text_hintsAtDecoding() {
    byte[] text = java.util.Base64.getEncoder().encode(EXAMPLE_A);
    MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> parse(text));
    assertTrue(e.getMessage().contains("Base64"), e.getMessage());
  }

  /**
   * Old encoders wrote an empty context as AAD length 2 and pair count 0 ({@code 00 02 00 00}).
   * Readers must accept it as an empty context; the header tag covers the bytes as written.
   */
  @Test
  void decrypt_legacyEmptyContextEncoding_decryptsWithEmptyContext() {
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
    byte[] dataKey = new byte[32];
    byte[] messageId = new byte[32];
    Arrays.fill(messageId, (byte) 7);
    byte[] plaintext = "legacy empty context".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] message;
    try (DataKey key = DataKey.copyOf(dataKey);
        MessageKeys keys = MessageKeys.derive(suite, key, messageId)) {
      List<EncryptedDataKey> edks =
          List.of(EncryptedDataKey.of(StaticKeyring.DEFAULT_PROVIDER_ID, "static", new byte[0]));
      byte[] body = HeaderCodec.writeBody(suite, messageId, new byte[] {0, 0}, edks, true, 64, keys.commitKey());
      assertEquals(2, Bytes.getU16(body, 35), "AAD length 2");
      FrameCodec codec = new FrameCodec(keys.contentKey(), messageId, 64);
      byte[] tag = codec.headerTag(body, body.length, new byte[0]);
      message = new byte[body.length + 16 + FrameCodec.FINAL_OVERHEAD + plaintext.length];
      System.arraycopy(body, 0, message, 0, body.length);
      System.arraycopy(tag, 0, message, body.length, 16);
      int end = codec.encryptFinal(1, plaintext, 0, plaintext.length, message, body.length + 16);
      assertEquals(message.length, end);
    }
    Envelope envelope =
        Envelope.builder()
            .keyring(StaticKeyring.of(dataKey))
            .commitmentPolicy(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)
            .build();
    Decrypted decrypted = envelope.decrypt(message, EncryptionContext.empty());
    assertArrayEquals(plaintext, decrypted.plaintext());
    assertTrue(decrypted.encryptionContext().isEmpty());
    assertTrue(Envelope.inspectUnauthenticated(message).storedContext().isEmpty());
  }
}
