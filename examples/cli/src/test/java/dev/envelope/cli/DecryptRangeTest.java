package dev.envelope.cli;

import static dev.envelope.cli.Cli.assertFailure;
import static dev.envelope.cli.Cli.assertNoOutputLeft;
import static dev.envelope.cli.Cli.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code decrypt --range FIRST-LAST}: only those plaintext bytes, from the frames that hold them. */
class DecryptRangeTest {
  @TempDir Path dir;
  Path key;
  Path out;
  byte[] content;

  @BeforeEach
  void setUp() {
    key = TestKeys.aesKeyFile(dir, "aes.key", 32);
    content = TestKeys.randomBytes(10_000);
    out = dir.resolve("range.out");
  }

  Path encrypt(String suite, String... extra) throws IOException {
    Path plain = Files.write(dir.resolve("plain"), content);
    Path message = dir.resolve("message-" + suite + ".env");
    List<String> a = new ArrayList<>(List.of("encrypt", "--in", plain.toString(), "--out", message.toString(), "-q",
        "--suite", suite, "--raw-aes-key", key.toString(), "--key-namespace", "ns", "--key-name", "k"));
    a.addAll(List.of(extra));
    assertSuccess(Cli.run(a.toArray(String[]::new)));
    return message;
  }

  Cli.Result range(Path message, String... extra) {
    List<String> a = new ArrayList<>(List.of("decrypt", "--in", message.toString(), "--out", out.toString(),
        "--raw-aes-key", key.toString(), "--key-namespace", "ns", "--key-name", "k"));
    a.addAll(List.of(extra));
    return Cli.run(a.toArray(String[]::new));
  }

  @Test
  void decryptRange_writesExactlyThoseBytes() throws IOException {
    Path message = encrypt("0x0478", "--frame-size", "1000");
    for (String[] r : new String[][] {{"0", "0"}, {"999", "1000"}, {"1234", "5678"}, {"9990", "9999"}, {"0", "9999"}}) {
      assertSuccess(range(message, "--range", r[0] + "-" + r[1]));
      assertArrayEquals(Arrays.copyOfRange(content, Integer.parseInt(r[0]), Integer.parseInt(r[1]) + 1),
          Files.readAllBytes(out));
    }
    assertSuccess(range(message, "--range", "9000-"));
    assertArrayEquals(Arrays.copyOfRange(content, 9000, 10_000), Files.readAllBytes(out));
    assertSuccess(range(message, "--range", "9000-20000"));
    assertArrayEquals(Arrays.copyOfRange(content, 9000, 10_000), Files.readAllBytes(out));
  }

  @Test
  void decryptRange_signedMessage_needsTheOptIn() throws IOException {
    Path message = encrypt("0x0578", "--frame-size", "1000");
    assertFailure(range(message, "--range", "10-20"), ExitCode.USAGE, "--range-without-signature");
    assertNoOutputLeft(out);
    assertSuccess(range(message, "--range", "10-20", "--range-without-signature"));
    assertArrayEquals(Arrays.copyOfRange(content, 10, 21), Files.readAllBytes(out));
  }

  @Test
  void decryptRange_badRangesAndInputs_failWithNoOutput() throws IOException {
    Path message = encrypt("0x0478", "--frame-size", "1000");
    assertFailure(range(message, "--range", "20-10"), ExitCode.USAGE, "ends before it starts");
    assertFailure(range(message, "--range", "abc"), ExitCode.USAGE, "FIRST-LAST");
    assertFailure(range(message, "--range", "10000-10001"), ExitCode.USAGE, "has 10000 bytes");
    assertFailure(range(message, "--range-without-signature"), ExitCode.USAGE, "--range only");
    byte[] bytes = Files.readAllBytes(message);
    Path truncated = Files.write(dir.resolve("truncated.env"), Arrays.copyOf(bytes, bytes.length - 1));
    assertFailure(range(truncated, "--range", "0-10"), ExitCode.MALFORMED);
    byte[] flipped = bytes.clone();
    flipped[bytes.length - 3000] ^= 1;
    Path tampered = Files.write(dir.resolve("tampered.env"), flipped);
    assertSuccess(range(tampered, "--range", "0-10"));
    assertFailure(range(tampered, "--range", "0-"), ExitCode.AUTHENTICATION);
    Files.delete(out);
    assertFailure(range(tampered, "--range", "0-"), ExitCode.AUTHENTICATION);
    assertNoOutputLeft(out);
  }
}
