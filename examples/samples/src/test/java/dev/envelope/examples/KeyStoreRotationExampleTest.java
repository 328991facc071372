package dev.envelope.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.local.AuditLog;
import dev.envelope.local.KekSource;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.local.PassphraseKdfParameters;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyStoreRotationExampleTest {
  static final String PASSPHRASE = "example passphrase 42";

  @TempDir Path dir;

  @Test
  void run_rotatesAndDecryptsOldAndNewMessagesWithAVerifiedAudit() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Path store = dir.resolve("store");
    // Cheap Argon2 parameters keep the test fast; the sample's main uses the defaults.
    KeyStoreRotationExample.Result r = KeyStoreRotationExample.run(store, PASSPHRASE.toCharArray(),
        PassphraseKdfParameters.insecureForTests(), new PrintStream(printed, true, StandardCharsets.UTF_8));

    assertEquals("invoice 2025-001: 3 widgets", r.firstDecrypted());
    assertEquals("invoice 2025-002: 5 gadgets", r.secondDecrypted());
    assertEquals(2, r.key().primaryVersion());
    assertTrue(r.audit().isValid());
    assertEquals(8, r.audit().records(),
        "create (intent, outcome), generate, rotate (intent, outcome), generate, decrypt, decrypt");

    List<String> log = Files.readAllLines(store.resolve(AuditLog.FIRST_SEGMENT));
    assertTrue(log.get(6).contains("\"operation\":\"DECRYPT\"") && log.get(6).contains("\"keyVersion\":1"), log.get(6));
    assertTrue(log.get(7).contains("\"operation\":\"DECRYPT\"") && log.get(7).contains("\"keyVersion\":2"), log.get(7));
    try (LocalKeyStore reopened = LocalKeyStore.builder(store)
        .kek(KekSource.passphrase(PASSPHRASE.toCharArray())).open()) {
      assertEquals(2, reopened.describeKey("invoices").versions().size());
    }
    String output = printed.toString(StandardCharsets.UTF_8);
    assertTrue(output.contains("rotated: version 2 is primary"), output);
    assertTrue(output.contains(": 8 records, hash chain verified"), output);
  }
}
