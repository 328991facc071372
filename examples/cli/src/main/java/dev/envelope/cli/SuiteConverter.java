package dev.envelope.cli;

import dev.envelope.AlgorithmSuite;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads {@code --suite}: an ESDK algorithm suite id in hex, such as {@code 0x0478}. */
final class SuiteConverter implements ITypeConverter<AlgorithmSuite> {
  @Override
  public AlgorithmSuite convert(String value) {
    try {
      return AlgorithmSuite.fromHex(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
