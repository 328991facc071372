package dev.envelope.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamingLargeFileExampleTest {
  @TempDir Path dir;

  @Test
  void run_largerThanOneFrame_decryptsToTheSameBytes() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    long size = 8L << 20;
    String digest = StreamingLargeFileExample.run(dir, size, new PrintStream(printed, true, StandardCharsets.UTF_8));

    assertEquals(StreamingLargeFileExample.sha256(dir.resolve("large.bin")), digest);
    assertEquals(size, Files.size(dir.resolve("large.bin.out")));
    assertTrue(printed.toString(StandardCharsets.UTF_8).contains("SHA-256 matches"), printed::toString);
  }

  @Test
  void main_smallSize_completes() throws Exception {
    StreamingLargeFileExample.main(new String[] {"2"});
  }
}
