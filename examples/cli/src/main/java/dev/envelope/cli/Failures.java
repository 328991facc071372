package dev.envelope.cli;

import dev.envelope.AuthenticationFailedException;
import dev.envelope.ContextMismatchException;
import dev.envelope.KeyProviderException;
import dev.envelope.MalformedMessageException;
import dev.envelope.NoMatchingKeyException;
import dev.envelope.PolicyViolationException;
import dev.envelope.kms.KmsProviderException;
import dev.envelope.local.KeyNotFoundException;
import dev.envelope.local.KeyStateException;
import dev.envelope.local.KeyStoreIntegrityException;
import dev.envelope.local.WrongKekException;
import dev.envelope.pkcs11.Pkcs11Exception;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Turns whatever went wrong into one {@link CliFailure}: the exit status and the single stderr
 * line. The one place that maps library exceptions and I/O problems to what the user should do.
 */
final class Failures {
  private Failures() {}

  /** The failure to report for {@code t}. */
  static CliFailure classify(Throwable t) {
    if (t instanceof CliFailure) {
      return (CliFailure) t;
    }
    // Subtypes before their parents: ContextMismatchException is an AuthenticationFailedException.
    if (t instanceof ContextMismatchException) {
      return new CliFailure(ExitCode.CONTEXT_MISMATCH,
          "wrong encryption context: " + t.getMessage()
              + "; give with --context the pairs used at encryption (see 'envelope inspect')", t);
    }
    if (t instanceof AuthenticationFailedException) {
      return new CliFailure(ExitCode.AUTHENTICATION,
          "the message does not verify, so nothing was released: " + t.getMessage()
              + "; the file was altered or damaged, restore it from a good copy", t);
    }
    if (t instanceof MalformedMessageException) {
      return new CliFailure(ExitCode.MALFORMED,
          "not a valid message: " + t.getMessage()
              + "; check that --in is a complete, unmodified file written by 'envelope encrypt' or an ESDK", t);
    }
    if (t instanceof NoMatchingKeyException) {
      return new CliFailure(ExitCode.NO_MATCHING_KEY,
          "no key can decrypt this message: " + t.getMessage()
              + "; check the keyring options: key file, --key-namespace and --key-name, --key, --pkcs11-key, --kms-key"
              + " (see 'envelope inspect' for who can decrypt)", t);
    }
    if (t instanceof PolicyViolationException) {
      return new CliFailure(ExitCode.POLICY, "refused by policy: " + t.getMessage(), t);
    }
    if (t instanceof KeyStoreIntegrityException) {
      return new CliFailure(ExitCode.KEY_INVALID,
          "the key store is damaged: " + t.getMessage() + "; restore the key store directory from a backup", t);
    }
    if (t instanceof WrongKekException) {
      return new CliFailure(ExitCode.KEY_PROVIDER, "wrong key store passphrase: " + t.getMessage()
          + "; give the passphrase the store was created with (" + KeyStores.PASSPHRASE_VARIABLE
          + " or --passphrase-file)", t);
    }
    if (t instanceof KeyNotFoundException) {
      return new CliFailure(ExitCode.KEY_PROVIDER,
          t.getMessage() + "; 'envelope keys list --keystore DIR' shows the keys", t);
    }
    if (t instanceof KeyStateException) {
      return new CliFailure(ExitCode.KEY_PROVIDER, "the key store refused: " + t.getMessage()
          + " ('envelope keys describe' shows the key's state)", t);
    }
    if (t instanceof Pkcs11Exception) {
      return pkcs11((Pkcs11Exception) t);
    }
    if (t instanceof KmsProviderException) {
      return KmsFailures.classify((KmsProviderException) t);
    }
    if (t instanceof KeyProviderException) {
      return new CliFailure(ExitCode.KEY_PROVIDER, "the key provider failed: " + t.getMessage(), t);
    }
    if (t instanceof OutOfMemoryError) {
      return new CliFailure(ExitCode.INTERNAL,
          "out of memory; raise the heap with ENVELOPE_JAVA_OPTS=-Xmx...", t);
    }
    return new CliFailure(ExitCode.INTERNAL,
        "internal error " + t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage())
            + "; please report it", t);
  }

  private static CliFailure pkcs11(Pkcs11Exception e) {
    switch (e.reason()) {
      case ACCESS_DENIED:
        return new CliFailure(ExitCode.KEY_PROVIDER, "the PKCS#11 token refused the login: " + e.getMessage()
            + "; check the PIN in " + Pkcs11KeyringOptions.PIN_VARIABLE + " or --pkcs11-pin-file", e);
      case WRONG_KEY_TYPE:
        return new CliFailure(ExitCode.KEY_INVALID, "the PKCS#11 key is of the wrong kind: " + e.getMessage()
            + "; an AES key takes no --pkcs11-rsa-padding, an RSA key pair needs it", e);
      default:
        return new CliFailure(ExitCode.KEY_PROVIDER, "the PKCS#11 token failed: " + e.getMessage(), e);
    }
  }

  /** A failure to read {@code what} (e.g. "input file 'a.txt'"). */
  static CliFailure reading(ExitCode code, String what, IOException e) {
    return new CliFailure(code, "cannot read " + what + ": " + reason(e), e);
  }

  /** A failure to write {@code what}. */
  static CliFailure writing(String what, IOException e) {
    return new CliFailure(ExitCode.OUTPUT, "cannot write " + what + ": " + reason(e), e);
  }

  /** A failure to read the message being decrypted or inspected. */
  static CliFailure readingInput(String what, UncheckedIOException e) {
    return reading(ExitCode.INPUT, what, e.getCause());
  }

  /** What an I/O exception means, in words (NIO messages are often just the path). */
  static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "it does not exist";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NotDirectoryException) {
      return "a parent is not a directory";
    }
    if (e instanceof FileSystemException) {
      String reason = ((FileSystemException) e).getReason();
      return reason != null ? reason : e.getClass().getSimpleName();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  /** {@code message} on one line: line breaks and other control characters become spaces. */
  static String oneLine(String message) {
    if (message == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(message.length());
    message.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
    return b.toString().strip();
  }
}
