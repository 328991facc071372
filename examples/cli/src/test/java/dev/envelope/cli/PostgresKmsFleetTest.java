package dev.envelope.cli;

import static dev.envelope.cli.Cli.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.CommitmentPolicy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.cryptography.materialproviders.IKeyring;
import software.amazon.cryptography.materialproviders.model.CreateAwsKmsKeyringInput;

/**
 * Issue 14's "done when": a key made with {@code keys create --keystore postgresql://...}, two
 * {@code kms-server --keystore postgresql://...} endpoints serving it at once; the AWS Encryption
 * SDK's KMS keyring encrypts through one, Envelope's KMS keyring ({@code decrypt --kms-key})
 * decrypts through the other, and a DisableKey through one is refused by the other.
 */
class PostgresKmsFleetTest {
  private static final Map<String, String> CONTEXT = Map.of("tenant", "acme");
  private final CliPostgresStore pg = new CliPostgresStore();
  private final String address = pg.address;
  @TempDir Path dir;

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>(KmsServerCommandTest.credentials());
    env.putAll(pg.env());
    env.put("AWS_ACCESS_KEY_ID", KmsServerCommandTest.ACCESS_KEY);
    env.put("AWS_SECRET_ACCESS_KEY", KmsServerCommandTest.SECRET_KEY);
    return env;
  }

  private Cli.Result envelope(String command, URI endpoint, Path in, Path out, String keyArn) {
    List<String> a = new ArrayList<>(List.of(command, "--in", in.toString(), "--out", out.toString(), "--quiet",
        "--kms-endpoint", endpoint.toString(), "--kms-key", keyArn, "--context", "tenant=acme"));
    return Cli.runWithEnv(env(), a.toArray(new String[0]));
  }

  @Test
  void twoEndpointsOnOneStore_esdkEncryptsThroughOne_envelopeDecryptsThroughTheOther_disableReachesBoth()
      throws Exception {
    Cli.Result created = Cli.runWithEnv(env(), "keys", "create", "--keystore", address, "--alias", "a", "--json");
    assertSuccess(created);
    Matcher id = Pattern.compile("\"keyId\"\\s*:\\s*\"([^\"]+)\"").matcher(created.stdoutText());
    assertTrue(id.find(), created.stdoutText());
    String keyArn = "arn:aws:kms:us-east-1:111122223333:key/" + id.group(1);

    try (KmsServerCommandTest.Running first = new KmsServerCommandTest.Running(env(), "--keystore", address);
        KmsServerCommandTest.Running second = new KmsServerCommandTest.Running(env(), "--keystore", address)) {
      URI one = first.endpoint();
      URI two = second.endpoint();
      assertNotEquals(one, two);
      assertTrue(first.out().contains("Keys: the key store at " + address), first.out());

      byte[] content = "served by a fleet".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      Path message = dir.resolve("message");
      Path back = dir.resolve("back");
      try (KmsClient kmsOne = KmsServerCommandTest.client(one, "us-east-1");
          KmsClient kmsTwo = KmsServerCommandTest.client(two, "us-east-1")) {
        IKeyring esdkKeyring = KmsEsdkInteropTest.MPL.CreateAwsKmsKeyring(
            CreateAwsKmsKeyringInput.builder().kmsKeyId(keyArn).kmsClient(kmsOne).build());
        AwsCrypto esdk = AwsCrypto.builder().withCommitmentPolicy(CommitmentPolicy.RequireEncryptRequireDecrypt).build();
        Files.write(message, esdk.encryptData(esdkKeyring, content, CONTEXT).getResult());

        assertSuccess(envelope("decrypt", two, message, back, keyArn));
        assertArrayEquals(content, Files.readAllBytes(back));

        kmsOne.disableKey(r -> r.keyId(keyArn));

        assertThrows(DisabledException.class, () -> kmsTwo.generateDataKey(r -> r.keyId(keyArn).numberOfBytes(32)));
        Cli.Result refused = envelope("decrypt", two, message, dir.resolve("refused"), keyArn);
        assertNotEquals(0, refused.status(), refused.toString());
        assertTrue(refused.stderr().contains("disabled"), refused.stderr());
        assertFalse(Files.exists(dir.resolve("refused")));

        // And back, through the CLI this time: both endpoints serve the key again.
        assertSuccess(Cli.runWithEnv(env(), "keys", "enable", "--keystore", address, "--key", "a"));
        Files.delete(back);
        assertSuccess(envelope("decrypt", one, message, back, keyArn));
        assertArrayEquals(content, Files.readAllBytes(back));
        assertEquals(32, kmsTwo.generateDataKey(r -> r.keyId(keyArn).numberOfBytes(32)).plaintext().asByteArray().length);
      }
      assertEquals(0, first.stop());
      assertEquals(0, second.stop());
    }
  }
}
