package dev.envelope.cli;

import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/**
 * {@code decrypt --range FIRST-LAST}: writes only plaintext bytes FIRST to LAST (inclusive, as HTTP
 * ranges) of a framed message in a file, decrypting only the frames that hold them (see {@link
 * Envelope#openPlaintextChannel}).
 */
final class RangeOptions {
  private static final Pattern RANGE = Pattern.compile("([0-9]{1,18})-([0-9]{0,18})");
  private static final int CHUNK = 64 * 1024;

  @Option(names = "--range", paramLabel = "FIRST-LAST", order = 6,
      description = "Write only plaintext bytes FIRST to LAST (inclusive, counted from 0, as HTTP ranges;"
          + " FIRST- means to the end). Only the frames holding them are decrypted, each verified, after"
          + " the header and the final frame verified. Needs a framed message in a file (not stdin).")
  String range;

  @Option(names = "--range-without-signature", order = 7,
      description = "With --range on a signed message: read it although its signature, which covers the"
          + " whole message, is NOT checked; the frames read are still authenticated under the data key.")
  boolean withoutSignature;

  boolean given() {
    if (withoutSignature && range == null) {
      throw new CliFailure(ExitCode.USAGE, "--range-without-signature applies to --range only; remove it");
    }
    return range != null;
  }

  /** Decrypts the range of {@code in} into {@code out}. */
  void decrypt(Envelope envelope, String in, String out, EncryptionContext expected, Io io) {
    Matcher m = RANGE.matcher(range);
    if (!m.matches()) {
      throw new CliFailure(ExitCode.USAGE, "--range '" + range + "' is not FIRST-LAST or FIRST-, e.g. 0-1023");
    }
    long first = Long.parseLong(m.group(1));
    long last = m.group(2).isEmpty() ? Long.MAX_VALUE : Long.parseLong(m.group(2));
    if (last < first) {
      throw new CliFailure(ExitCode.USAGE, "--range " + range + " ends before it starts");
    }
    if ("-".equals(in)) {
      throw new CliFailure(ExitCode.USAGE, "--range needs --in to be a file: stdin cannot be read out of order");
    }
    Path path = Path.of(in);
    String description = "input file '" + in + "'";
    if (!Files.isRegularFile(path)) {
      throw new CliFailure(ExitCode.INPUT, description + (Files.isDirectory(path) ? " is a directory" : " does not exist")
          + "; give a message file to --in");
    }
    SeekableByteChannel plaintext;
    try {
      SeekableByteChannel file = FileChannel.open(path, StandardOpenOption.READ);
      try {
        plaintext = withoutSignature
            ? envelope.openPlaintextChannelSkippingSignature(file, expected)
            : envelope.openPlaintextChannel(file, expected);
      } catch (RuntimeException e) {
        file.close();
        throw e;
      }
    } catch (IOException e) {
      throw Failures.reading(ExitCode.INPUT, description, e);
    } catch (UncheckedIOException e) {
      throw Failures.readingInput(description, e);
    } catch (IllegalArgumentException e) {
      throw new CliFailure(ExitCode.USAGE, e.getMessage()
          .replace("use openPlaintextChannelSkippingSignature", "add --range-without-signature"), e);
    }
    try (SeekableByteChannel channel = plaintext; Sink sink = Sink.open(out, io.stdout())) {
      long size = channel.size();
      if (first >= size && !(first == 0 && size == 0)) {
        throw new CliFailure(ExitCode.USAGE, "--range starts at byte " + first + ", but the plaintext has "
            + size + " bytes");
      }
      channel.position(first);
      long left = Math.min(last, size - 1) - first + 1;
      ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
      try {
        while (left > 0) {
          buffer.clear().limit((int) Math.min(CHUNK, left));
          int n = channel.read(buffer);
          if (n < 0) {
            throw new CliFailure(ExitCode.INTERNAL, "the plaintext ended before its verified size; please report it");
          }
          try {
            sink.stream().write(buffer.array(), 0, n);
          } catch (IOException e) {
            throw Failures.writing(sink.description(), e);
          }
          left -= n;
        }
      } finally {
        Arrays.fill(buffer.array(), (byte) 0);
      }
      sink.commit();
    } catch (IOException e) {
      throw Failures.reading(ExitCode.INPUT, description, e);
    } catch (UncheckedIOException e) {
      throw Failures.readingInput(description, e);
    }
  }
}
