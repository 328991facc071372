package dev.envelope.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.pkcs11.Pkcs11Exception;
import dev.envelope.pkcs11.Pkcs11KeyInfo;
import dev.envelope.pkcs11.Pkcs11Token;
import dev.envelope.testkit.junit.SoftHsmFixture;
import dev.envelope.testkit.junit.WithSoftHsm;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the PKCS#11 sample against the test kit's SoftHSM2 token. The sample makes its own key
 * there, under a fixed label; each test starts without it and removes it, so neither depends on
 * the other's order.
 */
@WithSoftHsm
class Pkcs11ExampleTest {
  @BeforeEach
  @AfterEach
  void withoutTheSampleKey(Pkcs11Token token) {
    try {
      token.destroyKey(Pkcs11Example.KEY_LABEL);
    } catch (Pkcs11Exception e) {
      if (e.reason() != Pkcs11Exception.Reason.KEY_NOT_FOUND) {
        throw e;
      }
    }
  }

  @Test
  void run_createsANonExportableKeyOnceAndRoundTrips(SoftHsmFixture hsm) {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    Pkcs11Example.Result first = Pkcs11Example.run(hsm.library(), hsm.tokenLabel(), hsm.pin(), out);
    assertTrue(first.keyCreated(), "the token had no sample key");
    assertEquals("payroll batch 42", first.decrypted());
    assertEquals(Pkcs11KeyInfo.Type.AES, first.key().type());
    assertFalse(first.key().exportable());

    Pkcs11Example.Result second = Pkcs11Example.run(hsm.library(), hsm.tokenLabel(), hsm.pin(), out);
    assertFalse(second.keyCreated(), "the second run finds the key it made");
    assertEquals("payroll batch 42", second.decrypted());

    Pkcs11Token token = Pkcs11Token.open(hsm.config());
    assertEquals(1, token.listKeys().stream().filter(k -> k.label().equals(Pkcs11Example.KEY_LABEL)).count());
    String output = printed.toString(StandardCharsets.UTF_8);
    assertTrue(output.contains("created AES key '" + Pkcs11Example.KEY_LABEL + "' on token '" + hsm.tokenLabel()
        + "' (non-exportable: it never leaves the token)"), output);
    assertTrue(output.contains("found AES key"), output);
  }

  @Test
  void main_withoutLibraryAndToken_explainsTheUsage() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Pkcs11Example.run(new String[0], Map.of("ENVELOPE_PKCS11_PIN", "1234"), System.out));
    assertTrue(e.getMessage().contains("LIBRARY TOKEN_LABEL"), e.getMessage());
  }

  @Test
  void main_argumentsAndPinFromTheEnvironment_run(SoftHsmFixture hsm) {
    Pkcs11Example.Result r = Pkcs11Example.run(new String[] {hsm.library().toString(), hsm.tokenLabel()},
        Map.of("ENVELOPE_PKCS11_PIN", new String(hsm.pin())),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertEquals("payroll batch 42", r.decrypted());
    assertTrue(r.keyCreated());
  }
}
