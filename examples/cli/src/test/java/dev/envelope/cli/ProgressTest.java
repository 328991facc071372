package dev.envelope.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The progress bar: only on a terminal, only for large inputs, never with --quiet, always erased. */
class ProgressTest {
  @TempDir Path dir;
  Path in;
  Path key;
  byte[] content;

  @BeforeEach
  void files() throws IOException {
    content = TestKeys.randomBytes(300_000);
    in = Files.write(dir.resolve("in"), content);
    key = TestKeys.aesKeyFile(dir, "key", 32);
  }

  Cli.Result encrypt(boolean tty, long threshold, String... extra) {
    String[] base = {"encrypt", "--in", in.toString(), "--out", dir.resolve("out").toString(),
        "--raw-aes-key", key.toString(), "--key-namespace", "ns", "--key-name", "n"};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return Cli.run(new byte[0], tty, "UTF-8", threshold, args);
  }

  @Test
  void encrypt_terminalAndLargeInput_drawsABarAndErasesIt() {
    Cli.Result r = encrypt(true, 1000);
    assertEquals(0, r.status());
    assertTrue(r.stderr().startsWith("\rencrypting "), r.stderr());
    assertTrue(r.stderr().contains("100% [##############################] 293.0 KiB / 293.0 KiB"), r.stderr());
    assertTrue(r.stderr().matches("(?s).*\r +\r"), "ends erased: " + r.stderr());
    assertFalse(r.stderr().contains("\n"), "the bar adds no line");
  }

  @Test
  void encrypt_notATerminal_drawsNothing() {
    assertEquals("", encrypt(false, 1000).stderr());
  }

  @Test
  void encrypt_smallInput_drawsNothing() {
    assertEquals("", encrypt(true, 1_000_000).stderr());
  }

  @Test
  void encrypt_quiet_drawsNothing() {
    assertEquals("", encrypt(true, 1000, "--quiet").stderr());
  }

  @Test
  void encrypt_stdinOfUnknownSize_drawsNothing() {
    Cli.Result r = Cli.run(content, true, "UTF-8", 1000, "encrypt", "--in", "-", "--out", dir.resolve("o").toString(),
        "--raw-aes-key", key.toString(), "--key-namespace", "ns", "--key-name", "n");
    assertEquals(0, r.status());
    assertEquals("", r.stderr());
  }

  @Test
  void decrypt_failureAfterTheBar_erasesItThenPrintsOneLine() throws IOException {
    assertEquals(0, encrypt(false, 1000).status());
    byte[] m = Files.readAllBytes(dir.resolve("out"));
    m[m.length - 1000] ^= 1;
    Path bad = Files.write(dir.resolve("bad"), m);
    Cli.Result r = Cli.run(new byte[0], true, "UTF-8", 1000, "decrypt", "--in", bad.toString(),
        "--out", dir.resolve("plain").toString(), "--raw-aes-key", key.toString(), "--key-namespace", "ns", "--key-name", "n");
    assertEquals(ExitCode.AUTHENTICATION.code(), r.status());
    String afterBar = r.stderr().substring(r.stderr().lastIndexOf('\r') + 1);
    assertTrue(afterBar.startsWith("envelope: the message does not verify"), r.stderr());
    assertEquals(1, afterBar.split("\n", -1).length - 1, "exactly one line after the erased bar");
  }

  @Test
  void decrypt_terminalAndLargeInput_restoresThePlaintext() throws IOException {
    assertEquals(0, encrypt(false, 1000).status());
    Path plain = dir.resolve("plain");
    Cli.Result r = Cli.run(new byte[0], true, "UTF-8", 1000, "decrypt", "--in", dir.resolve("out").toString(),
        "--out", plain.toString(), "--raw-aes-key", key.toString(), "--key-namespace", "ns", "--key-name", "n");
    assertEquals(0, r.status());
    assertTrue(r.stderr().startsWith("\rdecrypting "), r.stderr());
    assertArrayEquals(content, Files.readAllBytes(plain));
  }

  @Test
  void human_sizes_areReadable() {
    assertEquals("512 B", Progress.human(512));
    assertEquals("1.5 KiB", Progress.human(1536));
    assertEquals("3.0 GiB", Progress.human(3L << 30));
  }
}
