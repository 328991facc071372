package dev.envelope.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a secret (the key store passphrase, a PKCS#11 PIN) from a file or an environment variable,
 * never from the command line, where other users can read it in the process list and shells keep
 * it in their history.
 *
 * <p>A file wins over the environment variable when both are given. A file holds the secret in
 * UTF-8, optionally followed by one line break ({@code \n} or {@code \r\n}), which is not part of it.
 *
 * <h2>Security guarantees</h2>
 *
 * The secret is returned as a {@code char[]} for the caller to zero; the bytes read from a file are
 * zeroed here. A value from the environment is a {@code String} the JVM already holds and cannot be
 * zeroed. Error lines name the file or variable, never the secret.
 */
final class Secrets {
  /** Passphrases and PINs are short; a larger file is the wrong file and is not read whole. */
  static final int MAX_FILE_BYTES = 4096;

  private Secrets() {}

  /**
   * The secret, from {@code file} if given, else from the environment variable {@code variable}.
   *
   * @param what the secret in words, e.g. "the key store passphrase"
   * @param fileOption the option that names the file, e.g. "--passphrase-file"
   * @throws CliFailure {@link ExitCode#USAGE} if neither is given or the variable is empty; {@link
   *     ExitCode#KEY_FILE} if the file cannot be read; {@link ExitCode#KEY_INVALID} if it is empty,
   *     too large or not UTF-8
   */
  static char[] read(String what, Path file, String fileOption, String variable, Io io) {
    if (file != null) {
      return readFile(what, file, fileOption + " '" + file + "'");
    }
    String value = io.environment().get(variable);
    if (value == null) {
      throw new CliFailure(ExitCode.USAGE,
          what + " is needed: set the environment variable " + variable + " or give " + fileOption
              + " FILE (never on the command line)");
    }
    if (value.isEmpty()) {
      throw new CliFailure(ExitCode.USAGE, "the environment variable " + variable + " is empty; set it to " + what);
    }
    return value.toCharArray();
  }

  /**
   * The secret in {@code file}, which messages call {@code description}; see {@link #read}. The
   * bytes read are zeroed.
   */
  static char[] readFile(String what, Path file, String description) {
    if (Files.isDirectory(file)) {
      throw new CliFailure(ExitCode.KEY_FILE, "cannot read " + description + ": it is a directory, not a file");
    }
    if (!Files.exists(file)) {
      throw new CliFailure(ExitCode.KEY_FILE, "cannot read " + description + ": it does not exist; check the path");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    } catch (IOException e) {
      throw Failures.reading(ExitCode.KEY_FILE, description, e);
    }
    try {
      if (bytes.length > MAX_FILE_BYTES) {
        throw new CliFailure(ExitCode.KEY_INVALID,
            description + " is larger than " + MAX_FILE_BYTES + " bytes, too large for " + what + "; check the path");
      }
      int length = bytes.length;
      if (length > 0 && bytes[length - 1] == '\n') {
        length--;
        if (length > 0 && bytes[length - 1] == '\r') {
          length--;
        }
      }
      if (length == 0) {
        throw new CliFailure(ExitCode.KEY_INVALID, description + " is empty; write " + what + " into it");
      }
      return decode(bytes, length, description);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  private static char[] decode(byte[] bytes, int length, String description) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    CharBuffer chars = CharBuffer.allocate(length);
    try {
      CoderResult result = decoder.decode(ByteBuffer.wrap(bytes, 0, length), chars, true);
      if (!result.isUnderflow()) {
        result.throwException();
      }
      result = decoder.flush(chars);
      if (!result.isUnderflow()) {
        result.throwException();
      }
      chars.flip();
      char[] secret = new char[chars.remaining()];
      chars.get(secret);
      return secret;
    } catch (CharacterCodingException e) {
      throw new CliFailure(ExitCode.KEY_INVALID, description + " is not UTF-8 text; write the secret as UTF-8", e);
    } finally {
      Arrays.fill(chars.array(), '\0');
    }
  }
}
