package dev.envelope.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.pkcs11.Pkcs11KeyInfo;
import dev.envelope.pkcs11.Pkcs11Token;
import dev.envelope.testing.SoftHsm;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Runs the PKCS#11 sample against a fresh SoftHSM2 token made by the test fixture. */
class Pkcs11ExampleTest {
  @Test
  void run_createsANonExportableKeyOnceAndRoundTrips() {
    SoftHsm hsm = SoftHsm.get();
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    Pkcs11Example.Result first = Pkcs11Example.run(hsm.library(), SoftHsm.SAMPLE_TOKEN, SoftHsm.USER_PIN.toCharArray(), out);
    assertTrue(first.keyCreated(), "the fresh token had no sample key");
    assertEquals("payroll batch 42", first.decrypted());
    assertEquals(Pkcs11KeyInfo.Type.AES, first.key().type());
    assertFalse(first.key().exportable());

    Pkcs11Example.Result second = Pkcs11Example.run(hsm.library(), SoftHsm.SAMPLE_TOKEN, SoftHsm.USER_PIN.toCharArray(), out);
    assertFalse(second.keyCreated(), "the second run finds the key it made");
    assertEquals("payroll batch 42", second.decrypted());

    Pkcs11Token token = Pkcs11Token.open(hsm.config(SoftHsm.SAMPLE_TOKEN).build());
    assertEquals(1, token.listKeys().stream().filter(k -> k.label().equals(Pkcs11Example.KEY_LABEL)).count());
    String output = printed.toString(StandardCharsets.UTF_8);
    assertTrue(output.contains("created AES key '" + Pkcs11Example.KEY_LABEL + "' on token '" + SoftHsm.SAMPLE_TOKEN
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
  void main_argumentsAndPinFromTheEnvironment_run() {
    SoftHsm hsm = SoftHsm.get();
    Pkcs11Example.Result r = Pkcs11Example.run(new String[] {hsm.library().toString(), SoftHsm.SAMPLE_MAIN_TOKEN},
        Map.of("ENVELOPE_PKCS11_PIN", SoftHsm.USER_PIN), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertEquals("payroll batch 42", r.decrypted());
    assertTrue(r.keyCreated());
  }
}
