package dev.envelope.cli;

import java.util.Locale;
import java.util.Optional;

/**
 * Refuses arguments the JVM may have decoded wrongly. Java decodes the command line with the
 * locale's charset ({@code sun.jnu.encoding}); under {@code LC_ALL=C} that is ASCII and every
 * non-ASCII byte becomes U+FFFD or another character, so a context value or key name would
 * silently change and data would be encrypted under a context nobody typed. bin/envelope forces a
 * UTF-8 locale; this check catches every other way of starting the JVM.
 */
final class ArgumentEncoding {
  private ArgumentEncoding() {}

  /**
   * Why the arguments cannot be trusted, if they cannot: some argument holds U+FFFD (its bytes were
   * not valid in the decoding charset), or the charset is not UTF-8 and some argument holds a
   * non-ASCII character. Messages give the argument's position, never its text.
   */
  static Optional<String> refusal(String[] args, String argumentEncoding) {
    boolean utf8 = isUtf8(argumentEncoding);
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!utf8 && arg.chars().anyMatch(c -> c > 0x7F)) {
        return Optional.of("argument " + (i + 1) + " holds non-ASCII characters, but the JVM decoded the"
            + " command line as " + argumentEncoding + " (the locale's charset), which may have changed"
            + " them; run the CLI through bin/envelope, or set a UTF-8 locale such as LC_ALL=C.UTF-8");
      }
      if (arg.indexOf('\uFFFD') >= 0) {
        return Optional.of("argument " + (i + 1) + " holds U+FFFD, the replacement character: its bytes"
            + " were not valid UTF-8 and were replaced when the JVM decoded them; pass the argument as"
            + " valid UTF-8");
      }
    }
    return Optional.empty();
  }

  static boolean isUtf8(String charset) {
    if (charset == null) {
      return false;
    }
    String c = charset.toUpperCase(Locale.ROOT);
    return c.equals("UTF-8") || c.equals("UTF8");
  }
}
