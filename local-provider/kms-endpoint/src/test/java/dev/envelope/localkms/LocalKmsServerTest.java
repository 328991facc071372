package dev.envelope.localkms;

import dev.envelope.localkms.junit.LocalKms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkClientException;

/** The builder, the defaults, and stopping. (The command line is the CLI's: envelope kms-server.) */
class LocalKmsServerTest {

  @Test
  void defaults_bindLoopbackWithOneRegionAccountAndRandomRootCredentials() throws IOException {
    try (LocalKmsServer server = LocalKmsServer.builder().start()) {
      assertEquals("127.0.0.1", server.endpoint().getHost());
      assertTrue(server.port() > 0);
      assertEquals(List.of("us-east-1"), server.regions());
      assertEquals("111122223333", server.accountId());
      assertEquals("aws", server.partition());
      assertEquals(1, server.credentials().size());
      assertEquals("root", server.credentials().get(0).principal());
      assertTrue(server.credentials().get(0).accessKeyId().matches("AKIA[A-Z2-7]{16}"));
    }
  }

  @Test
  void partitionAndAccount_appearInArns() {
    try (LocalKms kms =
        LocalKms.start(
            LocalKmsServer.builder()
                .partition("aws-cn")
                .regions("cn-north-1")
                .accountId("210987654321"))) {
      assertTrue(kms.createKey().startsWith("arn:aws-cn:kms:cn-north-1:210987654321:key/"));
    }
  }

  @Test
  void builder_rejectsBadOrRepeatedValues() {
    assertThrows(IllegalArgumentException.class, () -> LocalKmsServer.builder().regions("mars"));
    assertThrows(
        IllegalArgumentException.class,
        () -> LocalKmsServer.builder().regions("us-east-1", "us-east-1"));
    assertThrows(
        IllegalStateException.class,
        () -> LocalKmsServer.builder().regions("us-east-1").regions("us-west-2"));
    assertThrows(IllegalArgumentException.class, () -> LocalKmsServer.builder().port(70000));
    assertThrows(IllegalArgumentException.class, () -> LocalKmsServer.builder().accountId("12345"));
    assertThrows(IllegalArgumentException.class, () -> LocalKmsServer.builder().partition("gcp"));
    assertThrows(
        IllegalArgumentException.class,
        () -> LocalKmsServer.builder().grantPropagationDelay(Duration.ofSeconds(-1)));
    assertThrows(IllegalArgumentException.class, () -> LocalKmsServer.builder().threads(0));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            LocalKmsServer.builder()
                .credentials(KmsCredentials.of("AKIA1", "a"), KmsCredentials.of("AKIA1", "b"))
                .start());
  }

  @Test
  void close_stopsAnswering() throws IOException {
    LocalKms kms = LocalKms.of(LocalKmsServer.builder().start());
    kms.createKey();
    kms.close();
    try (var client =
        kms.clientBuilder(kms.region(), kms.credentials())
            .overrideConfiguration(
                o ->
                    o.retryStrategy(
                        software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry()))
            .build()) {
      assertThrows(SdkClientException.class, () -> client.listKeys());
    }
  }

  @Test
  void credentials_neverShowTheirSecrets() {
    KmsCredentials c =
        KmsCredentials.builder()
            .accessKeyId("AKIAEXAMPLE")
            .secretAccessKey("super-secret-value")
            .sessionToken("session-secret-token")
            .principal("user/alice")
            .build();
    assertFalse(c.toString().contains("super-secret-value"));
    assertFalse(c.toString().contains("session-secret-token"));
    assertTrue(c.toString().contains("AKIAEXAMPLE"));
    assertEquals("arn:aws:iam::111122223333:user/alice", c.principalArn("aws", "111122223333"));
    assertEquals(
        "arn:aws:sts::111122223333:assumed-role/app/s1",
        KmsCredentials.random("assumed-role/app/s1").principalArn("aws", "111122223333"));
    assertThrows(IllegalArgumentException.class, () -> KmsCredentials.random("group/devs"));
    assertThrows(
        IllegalStateException.class, () -> KmsCredentials.builder().accessKeyId("AKIAX").build());
  }

  @Test
  void builder_keyStoreConfiguredTwiceOrHalfway_failsAtStart(@TempDir Path dir) {
    var kek =
        dev.envelope.local.KekSource.passphrase(
            "a test passphrase".toCharArray(), dev.envelope.local.PassphraseKdfParameters.insecureForTests());
    var noKek =
        assertThrows(
            IllegalStateException.class, () -> LocalKmsServer.builder().keyStoreDirectory(dir).start());
    assertTrue(noKek.getMessage().contains("kek(...)"), noKek.getMessage());
    assertThrows(IllegalStateException.class, () -> LocalKmsServer.builder().kek(kek).start());
    try (var store = dev.envelope.local.LocalKeyStore.builder(dir).kek(kek).create()) {
      assertThrows(
          IllegalStateException.class,
          () -> LocalKmsServer.builder().keyStore(store).keyStoreDirectory(dir).start());
      assertThrows(
          IllegalStateException.class, () -> LocalKmsServer.builder().keyStore(store).kek(kek).start());
      assertThrows(IllegalStateException.class, () -> LocalKmsServer.builder().kek(kek).kek(kek));
    }
    assertFalse(java.nio.file.Files.exists(dir.resolve("kms-state.json")));
  }
}
