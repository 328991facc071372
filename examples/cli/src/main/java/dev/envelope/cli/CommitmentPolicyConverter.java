package dev.envelope.cli;

import dev.envelope.CommitmentPolicy;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads {@code --commitment-policy}: the ESDK CLI's names, {@code forbid-encrypt-allow-decrypt},
 * {@code require-encrypt-allow-decrypt} or {@code require-encrypt-require-decrypt}.
 */
final class CommitmentPolicyConverter implements ITypeConverter<CommitmentPolicy> {
  static final String NAMES =
      "forbid-encrypt-allow-decrypt, require-encrypt-allow-decrypt or require-encrypt-require-decrypt";

  @Override
  public CommitmentPolicy convert(String value) {
    for (CommitmentPolicy policy : CommitmentPolicy.values()) {
      if (name(policy).equals(value.toLowerCase(Locale.ROOT))) {
        return policy;
      }
    }
    throw new TypeConversionException("unknown commitment policy '" + value + "'; use " + NAMES);
  }

  /** The CLI name of {@code policy}, e.g. {@code require-encrypt-allow-decrypt}. */
  static String name(CommitmentPolicy policy) {
    return policy.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
