package dev.envelope.kms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.KeyProviderException.Reason;
import dev.envelope.KeyProviderException;
import dev.envelope.localkms.KmsCredentials;
import dev.envelope.localkms.junit.LocalKms;
import dev.envelope.localkms.junit.LocalKmsExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.GrantOperation;

/**
 * Delegated use through a grant: the key policy lets only alice use the key; bob holds a grant
 * that has not propagated yet (an hour here), so only its grant token makes his calls work. The
 * keyrings must send the token on every call.
 */
class KmsGrantTokenTest {
  static final String ACCOUNT = "111122223333";
  static final KmsCredentials ROOT = KmsCredentials.random("root");
  static final KmsCredentials ALICE = KmsCredentials.random("user/alice");
  static final KmsCredentials BOB = KmsCredentials.random("user/bob");
  static final String ALICE_ONLY = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
      + "\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" + ACCOUNT + ":user/alice\"},"
      + "\"Action\":\"kms:*\",\"Resource\":\"*\"}]}";

  @RegisterExtension
  static final LocalKmsExtension KMS = new LocalKmsExtension(b -> b
      .accountId(ACCOUNT)
      .grantPropagationDelay(Duration.ofHours(1))
      .credentials(ROOT, ALICE, BOB));

  private static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme");
  private static final byte[] PLAINTEXT = "delegated".getBytes(StandardCharsets.UTF_8);

  private static TestKms clients;
  private static String key;
  private static String token;

  @BeforeAll
  static void start(LocalKms kms) {
    clients = new TestKms(kms);
    KmsClient alice = clients.client(kms.region(), ALICE, b -> {});
    key = alice.createKey(r -> r.policy(ALICE_ONLY)).keyMetadata().arn();
    token = alice.createGrant(r -> r.keyId(key)
        .granteePrincipal("arn:aws:iam::" + ACCOUNT + ":user/bob")
        .operations(GrantOperation.GENERATE_DATA_KEY, GrantOperation.ENCRYPT, GrantOperation.DECRYPT))
        .grantToken();
  }

  @AfterAll
  static void stop() {
    clients.close();
  }

  private static Envelope asBob(List<String> grantTokens) {
    return Envelope.builder().keyring(KmsKeyring.builder().generatorKey(key)
        .clientSupplier(clients.supplier(BOB)).grantTokens(grantTokens).build()).build();
  }

  @Test
  void encrypt_withoutGrantToken_isAccessDenied() {
    KmsProviderException e = assertThrows(KmsProviderException.class,
        () -> asBob(List.of()).encrypt(PLAINTEXT, CONTEXT));
    assertEquals(Reason.ACCESS_DENIED, e.reason());
    assertEquals("AccessDeniedException", e.errorCode().orElseThrow());
    assertTrue(e.getMessage().contains("grant token"), e.getMessage());
  }

  @Test
  void encryptDecrypt_withGrantToken_succeeds() {
    Envelope bob = asBob(List.of(token));
    byte[] message = bob.encrypt(PLAINTEXT, CONTEXT);
    assertArrayEquals(PLAINTEXT, bob.decrypt(message, CONTEXT).plaintext());
  }

  @Test
  void decrypt_withoutGrantToken_isAccessDeniedNamingTheEdk() {
    byte[] message = asBob(List.of(token)).encrypt(PLAINTEXT, CONTEXT);
    KmsProviderException e = assertThrows(KmsProviderException.class,
        () -> asBob(List.of()).decrypt(message, CONTEXT));
    assertEquals(Reason.ACCESS_DENIED, e.reason());
    assertTrue(e.getMessage().contains("#1 (aws-kms " + key + "): tried"), e.getMessage());
  }

  @Test
  void discoveryDecrypt_withGrantToken_succeeds() {
    byte[] message = asBob(List.of(token)).encrypt(PLAINTEXT, CONTEXT);
    KmsDiscoveryKeyring discovery = KmsDiscoveryKeyring.builder()
        .discoveryFilter(DiscoveryFilter.of("aws", ACCOUNT))
        .clientSupplier(clients.supplier(BOB)).grantTokens(List.of(token)).build();
    assertArrayEquals(PLAINTEXT,
        Envelope.builder().keyring(discovery).build().decrypt(message, CONTEXT).plaintext());
  }
}
