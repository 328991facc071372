package dev.envelope.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RawAesExampleTest {
  @Test
  void run_roundTripsAndRejectsTheWrongContext() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    String text = RawAesExample.run(new PrintStream(printed, true, StandardCharsets.UTF_8));

    assertEquals("order #1234: 3 widgets", text);
    String output = printed.toString(StandardCharsets.UTF_8);
    assertTrue(output.contains("suite 0x0578"), output);
    assertTrue(output.contains("a wrong context is rejected: ContextMismatchException"), output);
  }

  @Test
  void main_runsWithoutArguments() {
    RawAesExample.main(new String[0]);
  }
}
