package dev.envelope.benchmarks;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.CommitmentPolicy;
import com.amazonaws.encryptionsdk.CryptoAlgorithm;
import com.amazonaws.encryptionsdk.jce.JceMasterKey;
import dev.envelope.AlgorithmSuite;
import dev.envelope.EncryptionContext;
import dev.envelope.keyring.RawAesKeyring;
import java.util.Map;
import java.util.SplittableRandom;
import javax.crypto.spec.SecretKeySpec;

/** Inputs shared by every benchmark, so all peers encrypt the same bytes under the same key. */
final class Fixtures {
  /** A fixed 256-bit wrapping key: benchmarks measure speed, not secrecy. */
  static final byte[] WRAPPING_KEY = bytes(32, 7);
  static final String NAMESPACE = "benchmarks";
  static final String KEY_NAME = "aes-256";
  static final Map<String, String> CONTEXT_MAP = Map.of("tenant", "acme", "purpose", "benchmark");
  static final EncryptionContext CONTEXT = EncryptionContext.from(CONTEXT_MAP);

  private Fixtures() {}

  static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  static RawAesKeyring rawAesKeyring() {
    return RawAesKeyring.builder().keyNamespace(NAMESPACE).keyName(KEY_NAME).wrappingKey(WRAPPING_KEY).build();
  }

  static JceMasterKey esdkMasterKey() {
    return JceMasterKey.getInstance(
        new SecretKeySpec(WRAPPING_KEY, "AES"), NAMESPACE, KEY_NAME, "AES/GCM/NoPadding");
  }

  static AwsCrypto esdk(AlgorithmSuite suite, int frameSize) {
    return AwsCrypto.builder()
        .withCommitmentPolicy(
            suite.isCommitting()
                ? CommitmentPolicy.RequireEncryptRequireDecrypt
                : CommitmentPolicy.ForbidEncryptAllowDecrypt)
        .withEncryptionAlgorithm(
            CryptoAlgorithm.deserialize((byte) suite.messageFormatVersion(), (short) suite.id()))
        .withEncryptionFrameSize(frameSize)
        .build();
  }
}
