package dev.envelope.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CachingExampleTest {
  @Test
  void run_cacheSavesKeyringCallsAndEveryMessageDecrypts() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    CachingExample.Counts counts = CachingExample.run(new PrintStream(printed, true, StandardCharsets.UTF_8));

    assertEquals(CachingExample.MESSAGES, counts.encryptCallsWithout(), "without a cache: one call per message");
    long dataKeys = CachingExample.MESSAGES / CachingExample.MESSAGES_PER_DATA_KEY;
    assertEquals(dataKeys, counts.encryptCallsWith(), "with a cache: one call per data key");
    assertEquals(dataKeys, counts.decryptCallsWith(), "messages sharing encrypted data keys unwrap them once");
    assertEquals(2 * (CachingExample.MESSAGES - dataKeys), counts.stats().hitCount(),
        "98 encryptions and 98 decryptions served from the cache");
    for (int i = 0; i < CachingExample.MESSAGES; i++) {
      assertEquals("event " + i + ": order shipped", counts.decrypted().get(i));
    }
    assertEquals(0, counts.stats().entryCount(), "invalidateAll emptied the cache");
    String output = printed.toString(StandardCharsets.UTF_8);
    assertTrue(output.contains("100 messages without a cache: 100 keyring calls"), output);
    assertTrue(output.contains("100 messages with a cache (at most 50 per data key): 2 keyring calls, 98 served from the cache"), output);
    assertTrue(output.contains("decrypting them through the cache: 2 keyring calls"), output);
  }

  @Test
  void main_runsWithoutArguments() {
    CachingExample.main(new String[0]);
  }
}
