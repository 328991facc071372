package dev.envelope.testkit.junit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.keyring.RsaPadding;
import dev.envelope.pkcs11.Pkcs11Config;
import dev.envelope.pkcs11.Pkcs11Exception;
import dev.envelope.pkcs11.Pkcs11KeyInfo;
import dev.envelope.pkcs11.Pkcs11Token;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The SoftHSM2 extension against a real SoftHSM2 (skipped where it is missing, failing instead
 * when CI is set). The skip-or-fail decision itself is checked in {@link SoftHsmRequirementTest}.
 */
@WithSoftHsm
class SoftHsmExtensionTest {
  @Test
  void resolveParameter_everyInjectableType_describesOneTokenWithAnAesKeyAndAnRsaKeyPair(
      SoftHsmFixture hsm, Pkcs11Token token, Pkcs11Config config) {
    assertSame(hsm.token(), token);
    assertEquals(hsm.tokenLabel(), config.tokenLabel().orElseThrow());
    assertEquals(hsm.library(), config.library());
    assertTrue(Files.isRegularFile(hsm.softHsmConfiguration()));
    assertEquals(System.getenv("SOFTHSM2_CONF"), hsm.softHsmConfiguration().toString());

    List<String> labels = token.listKeys().stream().map(Pkcs11KeyInfo::label).toList();
    assertTrue(labels.contains(hsm.aesKeyLabel()) && labels.contains(hsm.rsaKeyLabel()), labels::toString);

    EncryptionContext context = EncryptionContext.of("device", "hsm-1");
    for (Envelope envelope : List.of(
        Envelope.builder().keyring(hsm.aesKeyring()).build(),
        Envelope.builder().keyring(hsm.rsaKeyring(RsaPadding.OAEP_SHA256_MGF1)).build())) {
      byte[] message = envelope.encrypt(new byte[] {4, 5, 6}, context);
      assertArrayEquals(new byte[] {4, 5, 6}, envelope.decrypt(message, context).plaintext());
    }
  }

  @Test
  void config_openedByTheApplication_reachesTheSameKeys(SoftHsmFixture hsm, Pkcs11Config config) {
    Pkcs11Token own = Pkcs11Token.open(config);
    assertEquals("AES", own.describeKey(hsm.aesKeyLabel()).algorithm());
    assertNotEquals(0, hsm.pin().length);
  }

  @Test
  void run_perTestLifecycle_givesEachTestItsOwnKeysAndDestroysThem(Pkcs11Token token) {
    PerTest.SEEN.clear();
    JupiterRun run = JupiterRun.of(PerTest.class);

    assertEquals(List.of(), run.failures(), run::toString);
    assertEquals(2, run.succeeded(), run::toString);
    assertEquals(4, PerTest.SEEN.stream().distinct().count(), PerTest.SEEN::toString);
    List<String> labels = token.listKeys().stream().map(Pkcs11KeyInfo::label).toList();
    PerTest.SEEN.forEach(label -> assertFalse(labels.contains(label), label + " outlived its test"));
  }

  @Test
  void close_afterTheTestDestroyedAKey_destroysTheOtherAndSucceeds(Pkcs11Token token) {
    SoftHsmFixture fixture = SoftHsmFixture.start();
    token.destroyKey(fixture.aesKeyLabel());
    fixture.close();

    List<String> labels = token.listKeys().stream().map(Pkcs11KeyInfo::label).toList();
    assertFalse(labels.contains(fixture.rsaKeyLabel()), labels::toString);
  }

  @Test
  void slotIndex_openedByTheApplication_reachesTheSameToken(SoftHsmFixture hsm) {
    Pkcs11Token bySlot = Pkcs11Token.open(Pkcs11Config.builder().library(hsm.library())
        .slotListIndex(hsm.slotIndex()).pin(hsm::pin).build());
    assertEquals("AES", bySlot.describeKey(hsm.aesKeyLabel()).algorithm());
  }

  @Test
  void unopenedTokenLabel_wrongPin_isRefusedThoughTheKitsTokenIsLoggedIn(SoftHsmFixture hsm) {
    assertNotEquals(hsm.tokenLabel(), hsm.unopenedTokenLabel());
    Pkcs11Exception e = assertThrows(Pkcs11Exception.class, () -> Pkcs11Token.open(Pkcs11Config.builder()
        .library(hsm.library()).tokenLabel(hsm.unopenedTokenLabel()).pin("wrong-pin-0000"::toCharArray).build()));
    assertTrue(e.getMessage().contains("wrong PIN"), e.getMessage());
  }

  @Test
  void evaluateExecutionCondition_softHsmAvailable_runsTheTests() {
    assertNull(SoftHsmFixture.unavailableReason().orElse(null));
  }

  @Subject
  static class PerTest {
    static final List<String> SEEN = new CopyOnWriteArrayList<>();

    @RegisterExtension
    static final SoftHsmExtension HSM = SoftHsmExtension.builder().lifecycle(Lifecycle.PER_TEST).build();

    @Test
    void first(SoftHsmFixture hsm) {
      SEEN.add(hsm.aesKeyLabel());
      SEEN.add(hsm.rsaKeyLabel());
    }

    @Test
    void second(SoftHsmFixture hsm) {
      SEEN.add(hsm.aesKeyLabel());
      SEEN.add(hsm.rsaKeyLabel());
    }
  }
}
