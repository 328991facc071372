package dev.envelope.cli;

import static dev.envelope.cli.Cli.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.CommitmentPolicy;
import com.amazonaws.encryptionsdk.CryptoAlgorithm;
import com.amazonaws.encryptionsdk.CryptoResult;
import com.amazonaws.encryptionsdk.jce.JceMasterKey;
import dev.envelope.AlgorithmSuite;
import dev.envelope.keyring.RsaPadding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The CLI's messages decrypt with the AWS Encryption SDK for Java (3.0.2, its JceMasterKey in raw
 * AES and raw RSA mode), and the CLI decrypts the ESDK's messages: every suite for raw AES, every
 * padding for raw RSA, with non-ASCII names and context.
 */
class EsdkInteropTest {
  static final String NAMESPACE = "interop ns/☂";
  static final String NAME = "clé 1/α";
  static final Map<String, String> CONTEXT = Map.of("tenant", "acme", "note", "a=b ✓ 𝄞");

  @TempDir Path dir;
  byte[] aesKey;
  Path aesKeyFile;
  Path plain;
  Path message;
  Path back;
  byte[] content;

  @BeforeEach
  void files() throws IOException {
    aesKey = TestKeys.randomBytes(32);
    aesKeyFile = Files.write(dir.resolve("aes.key"), aesKey);
    content = TestKeys.randomBytes(10_000);
    plain = Files.write(dir.resolve("plain"), content);
    message = dir.resolve("message");
    back = dir.resolve("back");
  }

  static List<String> contextArgs() {
    List<String> a = new ArrayList<>();
    CONTEXT.forEach((k, v) -> {
      a.add("--context");
      a.add(k + "=" + v);
    });
    return a;
  }

  static CryptoAlgorithm esdkSuite(AlgorithmSuite suite) {
    for (CryptoAlgorithm a : CryptoAlgorithm.values()) {
      if ((a.getValue() & 0xFFFF) == suite.id()) {
        return a;
      }
    }
    throw new AssertionError("the ESDK has no suite " + suite.idHex());
  }

  static AwsCrypto esdk(AlgorithmSuite suite, int frameSize) {
    return AwsCrypto.builder()
        .withCommitmentPolicy(suite.isCommitting()
            ? CommitmentPolicy.RequireEncryptRequireDecrypt : CommitmentPolicy.ForbidEncryptAllowDecrypt)
        .withEncryptionAlgorithm(esdkSuite(suite))
        .withEncryptionFrameSize(frameSize)
        .build();
  }

  static AwsCrypto esdkReader() {
    return AwsCrypto.builder().withCommitmentPolicy(CommitmentPolicy.RequireEncryptAllowDecrypt).build();
  }

  JceMasterKey esdkAesKey() {
    return JceMasterKey.getInstance(new SecretKeySpec(aesKey, "AES"), NAMESPACE, NAME, "AES/GCM/NoPadding");
  }

  static JceMasterKey esdkRsaKey(RsaPadding padding) {
    String transformation = switch (padding) {
      case PKCS1_LEGACY -> "RSA/ECB/PKCS1Padding";
      case OAEP_SHA1_MGF1 -> "RSA/ECB/OAEPWithSHA-1AndMGF1Padding";
      case OAEP_SHA256_MGF1 -> "RSA/ECB/OAEPWithSHA-256AndMGF1Padding";
      case OAEP_SHA384_MGF1 -> "RSA/ECB/OAEPWithSHA-384AndMGF1Padding";
      case OAEP_SHA512_MGF1 -> "RSA/ECB/OAEPWithSHA-512AndMGF1Padding";
    };
    return JceMasterKey.getInstance(TestKeys.RSA.getPublic(), TestKeys.RSA.getPrivate(), NAMESPACE, NAME, transformation);
  }

  static void assertContext(Map<String, String> stored) {
    Map<String, String> withoutPublicKey = new java.util.HashMap<>(stored);
    withoutPublicKey.remove("aws-crypto-public-key");
    assertEquals(CONTEXT, withoutPublicKey);
  }

  String[] cli(String command, Path in, Path out, List<String> extra, String... keyring) {
    List<String> a = new ArrayList<>(List.of(command, "-q", "--in", in.toString(), "--out", out.toString()));
    a.addAll(extra);
    a.addAll(List.of(keyring));
    a.addAll(List.of("--key-namespace", NAMESPACE, "--key-name", NAME));
    return a.toArray(String[]::new);
  }

  @ParameterizedTest
  @EnumSource(AlgorithmSuite.class)
  void cliEncrypt_rawAes_esdkDecrypts(AlgorithmSuite suite) throws IOException {
    List<String> extra = new ArrayList<>(contextArgs());
    extra.addAll(List.of("--suite", suite.idHex(), "--frame-size", "1024"));
    assertSuccess(Cli.run(cli("encrypt", plain, message, extra, "--raw-aes-key", aesKeyFile.toString())));

    CryptoResult<byte[], JceMasterKey> result = esdkReader().decryptData(esdkAesKey(), Files.readAllBytes(message));
    assertArrayEquals(content, result.getResult());
    assertEquals(suite.id(), result.getCryptoAlgorithm().getValue() & 0xFFFF);
    assertContext(result.getEncryptionContext());
  }

  @ParameterizedTest
  @EnumSource(AlgorithmSuite.class)
  void esdkEncrypt_rawAes_cliDecrypts(AlgorithmSuite suite) throws IOException {
    byte[] m = esdk(suite, 1024).encryptData(esdkAesKey(), content, CONTEXT).getResult();
    Files.write(message, m);

    List<String> extra = new ArrayList<>(contextArgs());
    if (!suite.isCommitting()) {
      extra.addAll(List.of("--commitment-policy", "require-encrypt-allow-decrypt")); // an old message, on purpose
    }
    assertSuccess(Cli.run(cli("decrypt", message, back, extra, "--raw-aes-key", aesKeyFile.toString())));
    assertArrayEquals(content, Files.readAllBytes(back));
  }

  @ParameterizedTest
  @EnumSource(RsaPadding.class)
  void cliEncrypt_rawRsa_esdkDecrypts(RsaPadding padding) throws IOException {
    Path pub = TestKeys.publicPem(dir);
    assertSuccess(Cli.run(cli("encrypt", plain, message, contextArgs(),
        "--raw-rsa-key", pub.toString(), "--rsa-padding", padding.id())));

    CryptoResult<byte[], JceMasterKey> result = esdkReader().decryptData(esdkRsaKey(padding), Files.readAllBytes(message));
    assertArrayEquals(content, result.getResult());
    assertContext(result.getEncryptionContext());
  }

  @ParameterizedTest
  @EnumSource(RsaPadding.class)
  void esdkEncrypt_rawRsa_cliDecrypts(RsaPadding padding) throws IOException {
    byte[] m = esdk(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384, 4096)
        .encryptData(esdkRsaKey(padding), content, CONTEXT).getResult();
    Files.write(message, m);

    Path priv = TestKeys.privatePem(dir);
    assertSuccess(Cli.run(cli("decrypt", message, back, contextArgs(),
        "--raw-rsa-key", priv.toString(), "--rsa-padding", padding.id())));
    assertArrayEquals(content, Files.readAllBytes(back));
  }
}
