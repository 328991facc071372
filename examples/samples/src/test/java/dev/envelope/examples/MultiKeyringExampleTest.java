package dev.envelope.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MultiKeyringExampleTest {
  @Test
  void run_eachKeyringAloneDecrypts() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    String[] recovered = MultiKeyringExample.run(new PrintStream(printed, true, StandardCharsets.UTF_8));

    assertArrayEquals(new String[] {"salaries.csv contents", "salaries.csv contents"}, recovered);
    assertTrue(printed.toString(StandardCharsets.UTF_8).contains("2 wrapped copies"), printed::toString);
  }

  @Test
  void main_runsWithoutArguments() throws Exception {
    MultiKeyringExample.main(new String[0]);
  }
}
