package dev.envelope.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.local.AuditLog;
import dev.envelope.local.AuditRecord;
import dev.envelope.local.KeyOperation;
import dev.envelope.local.PassphraseKdfParameters;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KmsLocalEndpointExampleTest {
  @TempDir Path dir;

  @Test
  void run_cachingCutsGenerateDataKeyToOneCallPerHundredMessagesAndEveryMessageDecrypts() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Path store = dir.resolve("kms");
    // Cheap Argon2 parameters keep the test fast; the sample's main uses the defaults.
    KmsLocalEndpointExample.Result r = KmsLocalEndpointExample.run(store, "example passphrase".toCharArray(),
        PassphraseKdfParameters.insecureForTests(), new PrintStream(printed, true, StandardCharsets.UTF_8));

    assertTrue(r.keyArn().startsWith("arn:aws:kms:us-east-1:111122223333:key/"), r.keyArn());
    assertEquals(1000, r.messages());
    assertEquals(10, r.generateDataKeyCalls(), "1,000 messages, at most 100 per data key");
    assertEquals(10, r.decryptCalls(), "each cached data key is unwrapped once");
    for (int i = 0; i < r.messages(); i++) {
      assertEquals("order " + i + ": 3 widgets", r.decrypted().get(i));
    }
    String output = printed.toString(StandardCharsets.UTF_8);
    assertTrue(output.contains("1000 messages encrypted with at most 100 per data key: 10 GenerateDataKey calls"), output);
    assertTrue(output.contains("decrypted them all: 10 Decrypt calls"), output);

    // The endpoint's key store audited every KMS call that reached a key.
    List<AuditRecord> audit = AuditLog.read(store.resolve(AuditLog.FIRST_SEGMENT));
    assertEquals(10, audit.stream().filter(a -> a.event().operation() == KeyOperation.GENERATE).count());
    assertEquals(10, audit.stream().filter(a -> a.event().operation() == KeyOperation.DECRYPT).count());
  }

  @Test
  void main_runsWithoutArguments() throws Exception {
    KmsLocalEndpointExample.main(new String[0]);
  }
}
