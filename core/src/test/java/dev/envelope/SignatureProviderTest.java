package dev.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.keyring.RawAesKeyring;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code Envelope.Builder.signatureProvider}: the ECDSA of signed suites from a chosen provider. */
class SignatureProviderTest {
  private static final Keyring KEYRING =
      RawAesKeyring.builder().keyNamespace("ns").keyName("k").wrappingKey(new byte[32]).build();
  private static final EncryptionContext CONTEXT = EncryptionContext.of("purpose", "test");
  private static final byte[] PLAINTEXT = "signed with a chosen provider".getBytes(StandardCharsets.UTF_8);

  /** SunEC's ECDSA behind a provider that counts the signature objects it hands out. */
  static final class CountingProvider extends Provider {
    final AtomicInteger signatures = new AtomicInteger();

    CountingProvider() {
      super("CountingEcdsa", "1", "SunEC's ECDSA, counted");
      Provider sunEc = Security.getProvider("SunEC");
      for (String algorithm : new String[] {"SHA256withECDSA", "SHA384withECDSA"}) {
        putService(new Service(this, "Signature", algorithm, "unused", null, null) {
          @Override
          public Object newInstance(Object parameter) throws NoSuchAlgorithmException {
            signatures.incrementAndGet();
            return sunEc.getService("Signature", algorithm).newInstance(parameter);
          }
        });
      }
      putService(new Service(this, "KeyPairGenerator", "EC", "unused", null, null) {
        @Override
        public Object newInstance(Object parameter) throws NoSuchAlgorithmException {
          return sunEc.getService("KeyPairGenerator", "EC").newInstance(parameter);
        }
      });
    }
  }

  @ParameterizedTest
  @EnumSource(value = AlgorithmSuite.class, names = {"AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384",
      "AES_128_GCM_IV12_TAG16_HKDF_SHA256_ECDSA_P256"})
  void signatureProvider_signedSuite_signsAndVerifiesThroughIt_andCrossesWithTheDefault(AlgorithmSuite suite) {
    CountingProvider counting = new CountingProvider();
    CommitmentPolicy policy = suite.isCommitting()
        ? CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT : CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT;
    Envelope chosen = Envelope.builder().keyring(KEYRING).algorithmSuite(suite).commitmentPolicy(policy)
        .signatureProvider(counting).build();
    Envelope defaults = Envelope.builder().keyring(KEYRING).algorithmSuite(suite).commitmentPolicy(policy).build();

    byte[] signedThroughIt = chosen.encrypt(PLAINTEXT, CONTEXT);
    assertEquals(1, counting.signatures.get(), "encrypt signs through the chosen provider");
    assertArrayEquals(PLAINTEXT, defaults.decrypt(signedThroughIt, CONTEXT).plaintext());

    byte[] signedByDefault = defaults.encrypt(PLAINTEXT, CONTEXT);
    assertArrayEquals(PLAINTEXT, chosen.decrypt(signedByDefault, CONTEXT).plaintext());
    assertEquals(2, counting.signatures.get(), "decrypt verifies through the chosen provider");

    signedByDefault[signedByDefault.length - 1] ^= 1;
    assertThrows(AuthenticationFailedException.class, () -> chosen.decrypt(signedByDefault, CONTEXT));
  }

  @Test
  void signatureProvider_withoutEcdsa_isRefusedAtTheBuilder() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Envelope.builder().keyring(KEYRING).signatureProvider(Security.getProvider("SunJCE")));
    assertTrue(e.getMessage().contains("SunJCE lacks SHA256withECDSA"), e.getMessage());
  }

  @Test
  void signatureProvider_givenTwice_isRefused() {
    Envelope.Builder builder = Envelope.builder().keyring(KEYRING).signatureProvider(new CountingProvider());
    assertThrows(IllegalStateException.class, () -> builder.signatureProvider(new CountingProvider()));
  }
}
