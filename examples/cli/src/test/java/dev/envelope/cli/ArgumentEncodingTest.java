package dev.envelope.cli;

import static dev.envelope.cli.Cli.assertFailure;
import static dev.envelope.cli.Cli.assertNoOutputLeft;
import static dev.envelope.cli.Cli.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Arguments decoded by a non-UTF-8 JVM are refused: under LC_ALL=C Java 17 turns every non-ASCII
 * byte of argv into U+FFFD, and encrypting under that context would silently bind the wrong one.
 * (LauncherIT checks the same with a real JVM under LC_ALL=C.)
 */
class ArgumentEncodingTest {
  static final String ASCII_LOCALE = "ANSI_X3.4-1968";

  @TempDir Path dir;

  Cli.Result encryptUnder(String encoding, String contextPair, Path out) throws IOException {
    Path in = Files.writeString(dir.resolve("in"), "data");
    Path key = TestKeys.aesKeyFile(dir, "key", 32);
    return Cli.run(new byte[0], false, encoding, Io.DEFAULT_PROGRESS_THRESHOLD,
        "encrypt", "--in", in.toString(), "--out", out.toString(), "--context", contextPair,
        "--raw-aes-key", key.toString(), "--key-namespace", "ns", "--key-name", "n");
  }

  @Test
  void run_nonAsciiArgumentUnderAsciiDecoding_refusesWithoutWriting() throws IOException {
    Path out = dir.resolve("out");
    Cli.Result r = encryptUnder(ASCII_LOCALE, "city=Zürich", out);
    assertFailure(r, ExitCode.ARGUMENT_ENCODING, "argument 7 holds non-ASCII", ASCII_LOCALE, "LC_ALL=C.UTF-8");
    assertFalse(r.stderr().contains("Zürich"), "the argument is not echoed");
    assertNoOutputLeft(out);
  }

  @Test
  void run_replacementCharacterUnderAsciiDecoding_refuses() throws IOException {
    Path out = dir.resolve("out");
    assertFailure(encryptUnder(ASCII_LOCALE, "city=Z\uFFFD\uFFFDrich", out), ExitCode.ARGUMENT_ENCODING, "argument 7");
    assertNoOutputLeft(out);
  }

  @Test
  void run_replacementCharacterUnderUtf8_refuses() throws IOException {
    Path out = dir.resolve("out");
    assertFailure(encryptUnder("UTF-8", "city=Z\uFFFDrich", out), ExitCode.ARGUMENT_ENCODING, "U+FFFD");
    assertNoOutputLeft(out);
  }

  @Test
  void run_asciiArgumentsUnderAsciiDecoding_work() throws IOException {
    assertSuccess(encryptUnder(ASCII_LOCALE, "city=Zurich", dir.resolve("out")));
  }

  @Test
  void run_nonAsciiUnderUtf8_works() throws IOException {
    assertSuccess(encryptUnder("UTF-8", "city=Zürich", dir.resolve("out")));
  }

  @Test
  void run_unknownArgumentDecoding_isTreatedAsNotUtf8() {
    assertTrue(ArgumentEncoding.refusal(new String[] {"é"}, null).isPresent());
  }

  @Test
  void isUtf8_spellings_areRecognized() {
    assertTrue(ArgumentEncoding.isUtf8("UTF-8"));
    assertTrue(ArgumentEncoding.isUtf8("utf8"));
    assertFalse(ArgumentEncoding.isUtf8("ISO-8859-1"));
    assertEquals(java.util.Optional.empty(), ArgumentEncoding.refusal(new String[] {"plain", "ascii=1"}, "ISO-8859-1"));
  }
}
