package dev.envelope.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.amazonaws.encryptionsdk.CryptoResult;
import com.amazonaws.encryptionsdk.MasterKeyProvider;
import com.amazonaws.encryptionsdk.jce.JceMasterKey;
import com.amazonaws.encryptionsdk.multi.MultipleProviderFactory;
import dev.envelope.AlgorithmSuite;
import dev.envelope.AuthenticationFailedException;
import dev.envelope.CommitmentPolicy;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.keyring.MultiKeyring;
import dev.envelope.keyring.RsaPadding;
import dev.envelope.testing.Esdk;
import dev.envelope.testing.Esdk.MatchedKey;
import dev.envelope.testing.Messages;
import dev.envelope.testing.TestKeys;
import java.io.ByteArrayInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Interop beyond the small matrix of {@link EsdkInteropTest}: messages large enough (over the 2 MiB
 * at which Envelope starts splitting a body's frames between threads) that their frames are
 * encrypted and decrypted on several threads, and messages whose data key
 * is wrapped by several master keys.
 */
class LargeMessageInteropTest {
  private static final MatchedKey AES = Esdk.rawAes("envelope-interop", "aes-256", TestKeys.sequentialKey(32));
  private static final EncryptionContext CONTEXT = EncryptionContext.of("size", "large");
  private static final int LARGE = 3 * 1024 * 1024 + 1;

  @ParameterizedTest(name = "{0} frame {1}")
  @CsvSource({"0578, 4096", "0478, 1000", "0178, 4096", "0014, 65536"})
  void encrypt_largeMessage_esdkDecryptsAndBack(String suiteHex, int frameSize) {
    AlgorithmSuite suite = AlgorithmSuite.fromHex(suiteHex);
    byte[] plaintext = Messages.plaintext(LARGE);
    Envelope envelope = Messages.envelope(AES.keyring(), suite, frameSize);

    byte[] ours = envelope.encrypt(plaintext, CONTEXT);
    CryptoResult<byte[], ?> esdk = Esdk.decrypt(AES.masterKey(), ours);
    assertArrayEquals(plaintext, esdk.getResult(), "ESDK reads Envelope's multi-threaded output");
    byte[] streamed = Messages.encryptStreaming(envelope, plaintext, CONTEXT, 100_003);
    assertArrayEquals(plaintext, Esdk.decrypt(AES.masterKey(), streamed).getResult());

    byte[] theirs = Esdk.encrypt(AES.masterKey(), suite, frameSize, plaintext, CONTEXT);
    assertArrayEquals(plaintext, envelope.decrypt(theirs, CONTEXT).plaintext(), "multi-threaded decrypt");
    assertArrayEquals(
        plaintext, Messages.decryptStreaming(envelope, new ByteArrayInputStream(theirs), CONTEXT));
  }

  /** A bad tag in a frame that another thread decrypts still fails the whole message. */
  @Test
  void decrypt_largeMessageTamperedLateFrame_failsAuthentication() {
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
    Envelope envelope = Messages.envelope(AES.keyring(), suite, 4096);
    byte[] message = envelope.encrypt(Messages.plaintext(LARGE), CONTEXT);
    int frames = LARGE / 4096;
    for (int frame : new int[] {1, frames / 2, frames - 2}) {
      byte[] tampered = message.clone();
      tampered[Messages.regularFrameOffset(message, frame) + 40] ^= 0x04;
      assertThrows(AuthenticationFailedException.class, () -> envelope.decrypt(tampered, CONTEXT), "frame " + frame);
    }
  }

  /**
   * Several encrypted data keys: Envelope's multi-keyring (AES generator, RSA child) read by the
   * ESDK with each master key alone, and the ESDK's multi-provider read by each Envelope keyring.
   */
  @Test
  void encrypt_multipleMasterKeys_eachReaderOpensItsOwn() {
    MatchedKey rsa =
        Esdk.rawRsa("envelope-interop", "rsa-2048", RsaPadding.OAEP_SHA256_MGF1, TestKeys.rsa2048());
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384;
    byte[] plaintext = Messages.plaintext(5000);

    Envelope both = Messages.envelope(MultiKeyring.of(AES.keyring(), rsa.keyring()), suite, 1024);
    byte[] ours = both.encrypt(plaintext, CONTEXT);
    assertEquals(2, Envelope.inspectUnauthenticated(ours).encryptedDataKeys().size());
    assertArrayEquals(plaintext, Esdk.decrypt(AES.masterKey(), ours).getResult());
    assertArrayEquals(plaintext, Esdk.decrypt(rsa.masterKey(), ours).getResult());

    MasterKeyProvider<JceMasterKey> esdkBoth =
        MultipleProviderFactory.buildMultiProvider(JceMasterKey.class, AES.masterKey(), rsa.masterKey());
    byte[] theirs = Esdk.encrypt(esdkBoth, suite, 1024, plaintext, CONTEXT);
    assertEquals(2, Envelope.inspectUnauthenticated(theirs).encryptedDataKeys().size());
    for (MatchedKey key : new MatchedKey[] {AES, rsa}) {
      Envelope one =
          Envelope.builder()
              .keyring(key.keyring())
              .commitmentPolicy(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)
              .build();
      assertArrayEquals(plaintext, one.decrypt(theirs, CONTEXT).plaintext(), key.label());
    }
  }
}
