package dev.envelope.kms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.envelope.Decrypted;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.cache.CachingMaterialsManager;
import dev.envelope.localkms.KmsCredentials;
import dev.envelope.localkms.LocalKmsServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/** The example of kms-provider/README.md, run as written (keep the two in sync). */
class ReadmeExampleTest {
  @Test
  void readmeExample_runsAsWritten() throws Exception {
    // --- README example start ---
    try (LocalKmsServer local = LocalKmsServer.builder().regions("us-east-1", "us-west-2").start()) {
      KmsCredentials creds = local.credentials().get(0);
      // One client per region, built on first use; the region always comes from a key ARN.
      KmsClientSupplier clients = KmsClientSupplier.caching(region -> KmsClient.builder()
          .endpointOverride(local.endpoint()) // drop this line for real AWS KMS
          .region(Region.of(region))
          .credentialsProvider(StaticCredentialsProvider.create(
              AwsBasicCredentials.create(creds.accessKeyId(), creds.secretAccessKey())))
          .httpClientBuilder(UrlConnectionHttpClient.builder())
          .build());
      String east = clients.clientFor("us-east-1").createKey(r -> {}).keyMetadata().arn();
      String west = clients.clientFor("us-west-2").createKey(r -> {}).keyMetadata().arn();

      // Encrypt under two keys (wrapped in parallel); either one decrypts.
      KmsKeyring keyring = KmsKeyring.builder()
          .generatorKey(east)
          .additionalKeys(west)
          .clientSupplier(clients)
          .build();
      Envelope envelope = Envelope.builder().keyring(keyring).build();
      EncryptionContext context = EncryptionContext.of("tenant", "acme");
      byte[] message = envelope.encrypt("hello".getBytes(StandardCharsets.UTF_8), context);

      // Decrypt with any key of account 111122223333 that the message names.
      KmsDiscoveryKeyring discovery = KmsDiscoveryKeyring.builder()
          .discoveryFilter(DiscoveryFilter.of("aws", "111122223333"))
          .clientSupplier(clients)
          .build();
      Decrypted decrypted = Envelope.builder().keyring(discovery).build().decrypt(message, context);

      // Reuse data keys: at most one GenerateDataKey per 100 messages or 5 minutes.
      Envelope cached = Envelope.builder()
          .materialsManager(CachingMaterialsManager.builder()
              .keyring(keyring)
              .maxAge(Duration.ofMinutes(5))
              .messageUseLimit(100)
              .build())
          .build();
      // --- README example end ---
      assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), decrypted.plaintext());
      byte[] again = cached.encrypt(new byte[] {1}, context);
      assertArrayEquals(new byte[] {1}, cached.decrypt(again, context).plaintext());
      assertEquals(2, Envelope.inspectUnauthenticated(message).encryptedDataKeys().size());
      clients.clientFor("us-east-1").close();
      clients.clientFor("us-west-2").close();
    }
  }
}
