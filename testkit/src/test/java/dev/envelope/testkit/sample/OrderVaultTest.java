package dev.envelope.testkit.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.envelope.AuthenticationFailedException;
import dev.envelope.NoMatchingKeyException;
import dev.envelope.keyring.RsaPadding;
import dev.envelope.kms.KmsKeyring;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.pkcs11.Pkcs11Config;
import dev.envelope.pkcs11.Pkcs11Keyring;
import dev.envelope.pkcs11.Pkcs11Token;
import dev.envelope.testkit.junit.KeyAlias;
import dev.envelope.testkit.junit.KeyStoreDirectory;
import dev.envelope.testkit.junit.KmsExtension;
import dev.envelope.testkit.junit.KmsKeyArn;
import dev.envelope.testkit.junit.Lifecycle;
import dev.envelope.testkit.junit.SoftHsmFixture;
import dev.envelope.testkit.junit.WithSoftHsm;
import dev.envelope.testkit.junit.WithTempKeyStore;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyState;

/** OrderVault against a local KMS, a throwaway key store and a SoftHSM2 token. */
@WithTempKeyStore(lifecycle = Lifecycle.PER_TEST)
class OrderVaultTest {
  private static final byte[] ORDER = "2 x espresso, table 4".getBytes(StandardCharsets.UTF_8);

  /** One local KMS endpoint and key for the whole class, in the Region the application uses. */
  @RegisterExtension
  static final KmsExtension KMS = KmsExtension.builder().server(b -> b.regions("eu-west-1")).build();

  @Test
  void open_withKms_returnsTheOrderOnlyToItsTenant(KmsKeyring keyring) {
    OrderVault vault = new OrderVault(keyring);
    byte[] sealed = vault.seal("acme", ORDER);

    assertArrayEquals(ORDER, vault.open("acme", sealed));
    assertThrows(AuthenticationFailedException.class, () -> vault.open("globex", sealed));
  }

  @Test
  void seal_withTheApplicationsOwnKmsClient_usesTheKey(KmsClient kms, @KmsKeyArn String keyArn, URI endpoint) {
    // Point the application's own client configuration at `endpoint`; here the injected client is used.
    assertEquals("127.0.0.1", endpoint.getHost());
    assertEquals(KeyState.ENABLED, kms.describeKey(r -> r.keyId(keyArn)).keyMetadata().keyState());
    OrderVault vault = new OrderVault(KmsKeyring.builder().generatorKey(keyArn).kmsClient(kms).build());

    assertArrayEquals(ORDER, vault.open("acme", vault.seal("acme", ORDER)));
  }

  @Test
  void open_afterKeyRotation_stillReturnsOldOrders(
      LocalKeyStore store, @KeyAlias String alias, @KeyStoreDirectory Path directory) throws Exception {
    byte[] sealed = new OrderVault(store.keyring(alias)).seal("acme", ORDER);
    store.rotateKey(alias);

    assertArrayEquals(ORDER, new OrderVault(store.keyring(alias)).open("acme", sealed));
    assertEquals(2, store.describeKey(alias).versions().size());
    try (var files = Files.list(directory)) {
      assertEquals(true, files.findAny().isPresent(), "the key store lives in its directory");
    }
  }

  /** Skipped where SoftHSM2 is not installed; the build makes it fail instead on CI. */
  @Nested
  @WithSoftHsm(lifecycle = Lifecycle.PER_TEST)
  class InAnHsm {
    @Test
    void open_withTheTokensAesKey_returnsTheOrder(SoftHsmFixture hsm) {
      OrderVault vault = new OrderVault(hsm.aesKeyring());

      assertArrayEquals(ORDER, vault.open("acme", vault.seal("acme", ORDER)));
    }

    @Test
    void open_withAnotherTokenKey_findsNoKey(SoftHsmFixture hsm, Pkcs11Token token) {
      byte[] sealed = new OrderVault(hsm.rsaKeyring(RsaPadding.OAEP_SHA256_MGF1)).seal("acme", ORDER);
      OrderVault other = new OrderVault(
          Pkcs11Keyring.builder().token(token).keyNamespace("orders").keyLabel(hsm.aesKeyLabel()).build());

      assertThrows(NoMatchingKeyException.class, () -> other.open("acme", sealed));
    }

    @Test
    void open_withATokenOpenedFromConfiguration_returnsTheOrder(SoftHsmFixture hsm, Pkcs11Config config) {
      // The application opens its token from configuration (library, token label, PIN).
      Pkcs11Token token = Pkcs11Token.open(config);
      OrderVault vault = new OrderVault(Pkcs11Keyring.builder()
          .token(token).keyNamespace(SoftHsmFixture.KEY_NAMESPACE).keyLabel(hsm.aesKeyLabel()).build());

      assertArrayEquals(ORDER, vault.open("acme", new OrderVault(hsm.aesKeyring()).seal("acme", ORDER)));
    }
  }
}
