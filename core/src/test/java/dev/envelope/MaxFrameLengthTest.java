package dev.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.keyring.RawAesKeyring;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A decrypting stream must hold a whole frame (or a non-framed body) before it can verify and
 * release it, so the frame length a message declares decides how much memory the stream needs.
 * {@code maxFrameLength} bounds it; in-memory decryption is bounded by the message itself.
 */
class MaxFrameLengthTest {
  private static final EncryptionContext CONTEXT = EncryptionContext.of("purpose", "max-frame-length");
  private final AtomicInteger keyringCalls = new AtomicInteger();
  private final RawAesKeyring raw =
      RawAesKeyring.builder().keyNamespace("ns").keyName("frames").wrappingKey(new byte[32]).build();
  private final Keyring counting =
      new Keyring() {
        @Override
        public EncryptionMaterials onEncrypt(EncryptionMaterials materials) {
          return raw.onEncrypt(materials);
        }

        @Override
        public DecryptionMaterials onDecrypt(DecryptionMaterials materials, List<EncryptedDataKey> keys) {
          keyringCalls.incrementAndGet();
          return raw.onDecrypt(materials, keys);
        }
      };

  private Envelope writer(int frameSize, boolean framed) {
    return Envelope.builder()
        .keyring(raw)
        .algorithmSuite(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY)
        .frameSize(frameSize)
        .framed(framed)
        .build();
  }

  private Envelope reader(int maxFrameLength) {
    return Envelope.builder().keyring(counting).maxFrameLength(maxFrameLength).build();
  }

  @Test
  void decryptingStream_framesLargerThanMax_refusedBeforeAnyKeyringCall() {
    byte[] message = writer(1 << 20, true).encrypt(new byte[100], CONTEXT);

    PolicyViolationException e =
        assertThrows(
            PolicyViolationException.class,
            () -> reader(64 * 1024).decryptingStream(new ByteArrayInputStream(message), CONTEXT));

    assertTrue(e.getMessage().contains("1048576"), e.getMessage());
    assertTrue(e.getMessage().contains("maxFrameLength"), e.getMessage());
    assertEquals(0, keyringCalls.get(), "the keyring must not be asked before the limit is checked");
  }

  @Test
  void decryptingStream_framesAtMax_decrypt() throws Exception {
    byte[] plaintext = new byte[200_000];
    byte[] message = writer(64 * 1024, true).encrypt(plaintext, CONTEXT);

    try (DecryptingStream in = reader(64 * 1024).decryptingStream(new ByteArrayInputStream(message), CONTEXT)) {
      assertArrayEquals(plaintext, in.readAllBytes());
    }
  }

  @Test
  void decryptingStream_nonFramedBodyLargerThanMax_refused_butInMemoryDecryptWorks() {
    byte[] plaintext = new byte[100_000];
    byte[] message = writer(4096, false).encrypt(plaintext, CONTEXT);

    PolicyViolationException e =
        assertThrows(
            PolicyViolationException.class,
            () -> {
              try (DecryptingStream in = reader(64 * 1024).decryptingStream(new ByteArrayInputStream(message), CONTEXT)) {
                in.readAllBytes();
              }
            });
    assertTrue(e.getMessage().contains("100000"), e.getMessage());

    assertArrayEquals(plaintext, reader(64 * 1024).decrypt(message, CONTEXT).plaintext());
  }

  @Test
  void build_frameSizeAboveMaxFrameLength_refused() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> Envelope.builder().keyring(raw).frameSize(1 << 20).maxFrameLength(1 << 16).build());
    assertTrue(e.getMessage().contains("maxFrameLength"), e.getMessage());
  }

  @Test
  void maxFrameLength_outOfRangeOrSetTwice_refused() {
    assertThrows(IllegalArgumentException.class, () -> Envelope.builder().maxFrameLength(0));
    assertThrows(IllegalStateException.class, () -> Envelope.builder().maxFrameLength(10).maxFrameLength(20));
  }
}
