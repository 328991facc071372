package dev.envelope.cli;

import dev.envelope.EncryptionContext;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns repeated {@code --context KEY=VALUE} arguments into an {@link EncryptionContext}. Each is
 * split at its first {@code '='}, so values may hold {@code '='}; keys and values may hold spaces
 * and any Unicode. Error lines name keys and positions, never values.
 */
final class ContextArguments {
  private ContextArguments() {}

  /**
   * @param encrypting whether the pairs are for a new message (reserved {@code aws-crypto-} keys are
   *     refused) rather than the expected context of a decryption
   * @throws CliFailure with {@link ExitCode#USAGE} for a malformed or duplicate pair
   */
  static EncryptionContext parse(List<String> arguments, boolean encrypting) {
    if (arguments == null || arguments.isEmpty()) {
      return EncryptionContext.empty();
    }
    EncryptionContext.Builder builder = EncryptionContext.builder();
    Set<String> seen = new HashSet<>();
    int position = 0;
    for (String argument : arguments) {
      position++;
      int eq = argument.indexOf('=');
      if (eq < 0) {
        throw new CliFailure(ExitCode.USAGE,
            "--context #" + position + " has no '='; write each pair as --context KEY=VALUE");
      }
      String key = argument.substring(0, eq);
      String value = argument.substring(eq + 1);
      if (key.isEmpty()) {
        throw new CliFailure(ExitCode.USAGE,
            "--context #" + position + " has an empty key; write each pair as --context KEY=VALUE");
      }
      if (value.isEmpty()) {
        throw new CliFailure(ExitCode.USAGE,
            "--context key '" + key + "' has an empty value; ESDK readers reject empty values, so give"
                + " it a value or leave the key out");
      }
      if (!seen.add(key)) {
        throw new CliFailure(ExitCode.USAGE, "--context key '" + key + "' is given twice; give each key once");
      }
      if (encrypting && key.startsWith(EncryptionContext.RESERVED_PREFIX)) {
        throw new CliFailure(ExitCode.USAGE,
            "--context key '" + key + "' starts with '" + EncryptionContext.RESERVED_PREFIX
                + "', which is reserved for the library; rename it");
      }
      try {
        builder.put(key, value);
      } catch (IllegalArgumentException e) {
        throw new CliFailure(ExitCode.USAGE, "--context #" + position + ": " + e.getMessage(), e);
      }
    }
    try {
      EncryptionContext context = builder.build();
      context.canonicalLength(); // throws if the pairs exceed the format's 65,535-byte limit
      return context;
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new CliFailure(ExitCode.USAGE, "--context: " + e.getMessage(), e);
    }
  }
}
