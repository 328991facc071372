package dev.envelope.cli;

import static dev.envelope.cli.Cli.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.CryptoResult;
import dev.envelope.AlgorithmSuite;
import dev.envelope.localkms.KmsOperation;
import dev.envelope.localkms.junit.LocalKms;
import dev.envelope.testkit.junit.KmsFixture;
import dev.envelope.testkit.junit.WithLocalKms;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.cryptography.materialproviders.IKeyring;
import software.amazon.cryptography.materialproviders.MaterialProviders;
import software.amazon.cryptography.materialproviders.model.CreateAwsKmsKeyringInput;
import software.amazon.cryptography.materialproviders.model.MaterialProvidersConfig;

/**
 * Messages the CLI encrypts with {@code --kms-key} decrypt with the AWS Encryption SDK for Java
 * 3.0.2's KMS keyring (Material Providers Library), and the CLI decrypts (strict and discovery)
 * what that keyring encrypts: both talk to the same local KMS endpoint through real SDK clients.
 */
@WithLocalKms
class KmsEsdkInteropTest {
  static final Map<String, String> CONTEXT = Map.of("tenant", "acme", "note", "a=b ✓");
  static final MaterialProviders MPL = MaterialProviders.builder()
      .MaterialProvidersConfig(MaterialProvidersConfig.builder().build()).build();

  static LocalKms kms;
  static String key;

  @TempDir Path dir;
  Path plain;
  Path message;
  Path back;
  byte[] content;

  @BeforeAll
  static void key(KmsFixture fixture) {
    kms = fixture.localKms();
    key = fixture.keyArn();
  }

  @BeforeEach
  void files() throws IOException {
    content = TestKeys.randomBytes(30_000);
    plain = Files.write(dir.resolve("plain"), content);
    message = dir.resolve("message");
    back = dir.resolve("back");
  }

  static Map<String, String> env() {
    return Map.of("AWS_ACCESS_KEY_ID", kms.credentials().accessKeyId(),
        "AWS_SECRET_ACCESS_KEY", kms.credentials().secretAccessKey());
  }

  static IKeyring esdkKeyring() {
    return MPL.CreateAwsKmsKeyring(CreateAwsKmsKeyringInput.builder().kmsKeyId(key).kmsClient(kms.client()).build());
  }

  static List<String> contextArgs() {
    List<String> a = new ArrayList<>();
    CONTEXT.forEach((k, v) -> {
      a.add("--context");
      a.add(k + "=" + v);
    });
    return a;
  }

  Cli.Result cli(String command, Path in, Path out, String... keyring) {
    List<String> a = new ArrayList<>(List.of(command, "--in", in.toString(), "--out", out.toString(), "--quiet",
        "--kms-endpoint", kms.endpoint().toString()));
    a.addAll(List.of(keyring));
    return Cli.runWithEnv(env(), a.toArray(new String[0]));
  }

  @ParameterizedTest
  @EnumSource(value = AlgorithmSuite.class, names = {
      "AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384", "AES_256_GCM_HKDF_SHA512_COMMIT_KEY",
      "AES_128_GCM_IV12_TAG16_HKDF_SHA256_ECDSA_P256"})
  void cliEncryptsWithKmsKey_esdkKmsKeyringDecrypts(AlgorithmSuite suite) throws IOException {
    List<String> a = new ArrayList<>(contextArgs());
    a.addAll(List.of("--suite", suite.idHex(), "--kms-key", key));
    assertSuccess(cli("encrypt", plain, message, a.toArray(new String[0])));
    assertEquals(1, kms.server().callCount(KmsOperation.GENERATE_DATA_KEY));

    CryptoResult<byte[], ?> result = EsdkInteropTest.esdk(suite, 4096)
        .decryptData(esdkKeyring(), Files.readAllBytes(message), CONTEXT);

    assertArrayEquals(content, result.getResult());
    assertEquals("acme", result.getEncryptionContext().get("tenant"));
  }

  @ParameterizedTest
  @EnumSource(value = AlgorithmSuite.class, names = {
      "AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384", "AES_256_GCM_HKDF_SHA512_COMMIT_KEY",
      "AES_256_GCM_IV12_TAG16_HKDF_SHA256"})
  void esdkKmsKeyringEncrypts_cliDecryptsStrictAndByDiscovery(AlgorithmSuite suite) throws IOException {
    AwsCrypto esdk = EsdkInteropTest.esdk(suite, 1000);
    Files.write(message, esdk.encryptData(esdkKeyring(), content, CONTEXT).getResult());

    // Old (non-committing) messages are read on purpose, with the policy that allows them.
    String policy = suite.isCommitting() ? "require-encrypt-require-decrypt" : "require-encrypt-allow-decrypt";
    List<String> strict = new ArrayList<>(contextArgs());
    strict.addAll(List.of("--kms-key", key, "--commitment-policy", policy));
    assertSuccess(cli("decrypt", message, back, strict.toArray(new String[0])));
    assertArrayEquals(content, Files.readAllBytes(back));

    Path discovered = dir.resolve("discovered");
    assertSuccess(cli("decrypt", message, discovered, "--kms-discovery",
        "--kms-discovery-account", kms.server().accountId(), "--commitment-policy", policy));
    assertArrayEquals(content, Files.readAllBytes(discovered));
    assertEquals(2, kms.server().callCount(KmsOperation.DECRYPT));
  }
}
