package dev.envelope.cli;

import static dev.envelope.cli.Cli.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.envelope.EncryptedDataKey;
import dev.envelope.Envelope;
import dev.envelope.testkit.junit.KeyStoreExtension;
import dev.envelope.testkit.junit.KeyStoreFixture;
import dev.envelope.testkit.junit.KmsExtension;
import dev.envelope.testkit.junit.KmsFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's key migration: a tree of messages under a key of the local key store (default suite
 * 0x0578, so re-encrypted) moves to a KMS key of the local KMS endpoint, and then decrypts with the
 * KMS key alone.
 */
class RewrapMigrationTest {
  @RegisterExtension
  static final KmsExtension KMS = KmsExtension.builder().server(b -> b.regions("us-east-1")).build();
  @RegisterExtension
  static final KeyStoreExtension STORE = CliKeyStore.perTest();

  @TempDir Path dir;

  @Test
  void rewrap_keyStoreTreeToKms_decryptsWithKmsOnly(KmsFixture kms, KeyStoreFixture keys) throws IOException {
    String arn = kms.keyArn();
    Map<String, String> env = new HashMap<>(CliKeyStore.env());
    env.put("AWS_ACCESS_KEY_ID", kms.localKms().credentials().accessKeyId());
    env.put("AWS_SECRET_ACCESS_KEY", kms.localKms().credentials().secretAccessKey());
    Path store = keys.directory();
    Path archive = Files.createDirectories(dir.resolve("archive"));
    byte[] content = TestKeys.randomBytes(3_000);
    Path plain = Files.write(dir.resolve("plain"), content);
    for (String name : List.of("a.env", "b.env")) {
      assertSuccess(Cli.runWithEnv(env, "encrypt", "--in", plain.toString(), "--out", archive.resolve(name).toString(),
          "--keystore", store.toString(), "--key", "orders"));
    }
    Path moved = dir.resolve("archive-kms");

    Cli.Result r = Cli.runWithEnv(env, "rewrap", "--in", archive.toString(), "--out", moved.toString(),
        "--keystore", store.toString(), "--key", "orders",
        "--to-kms-key", arn, "--to-kms-endpoint", kms.endpoint().toString(), "--reencrypt");

    assertEquals(0, r.status(), r.toString());
    assertEquals(List.of("envelope: rewrapped 2 of 2 files"), r.stderrLines());
    for (String name : List.of("a.env", "b.env")) {
      List<EncryptedDataKey> edks = Envelope.inspectUnauthenticated(Files.readAllBytes(moved.resolve(name))).encryptedDataKeys();
      assertEquals(1, edks.size());
      assertEquals("aws-kms", edks.get(0).providerId());
      Path back = dir.resolve(name + ".out");
      assertSuccess(Cli.runWithEnv(env, "decrypt", "--in", moved.resolve(name).toString(), "--out", back.toString(),
          "--kms-key", arn, "--kms-endpoint", kms.endpoint().toString()));
      assertArrayEquals(content, Files.readAllBytes(back));
    }
  }
}
