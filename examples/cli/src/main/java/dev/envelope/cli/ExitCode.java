package dev.envelope.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exit statuses of the {@code envelope} CLI: one per thing the user has to fix. Scripts depend
 * on these numbers, so they never change meaning; new ones are added at the end. {@code --help}
 * lists them from here.
 */
enum ExitCode {
  OK(0, "success"),
  INTERNAL(1, "unexpected internal error (a bug: please report it)"),
  USAGE(2, "invalid command line: unknown or missing option, bad --context, --suite, --frame-size, --rsa-padding, key namespace or name"),
  ARGUMENT_ENCODING(3, "arguments hold non-ASCII text the JVM may have mangled (non-UTF-8 locale): use bin/envelope or LC_ALL=C.UTF-8"),
  INPUT(4, "--in is missing, a directory, or cannot be read"),
  OUTPUT(5, "--out cannot be written (missing directory, permission, disk full)"),
  KEY_FILE(6, "the key file, key store, passphrase file or PIN file is missing or cannot be read"),
  KEY_INVALID(7, "the key file holds no usable key: wrong AES key size, bad PEM, the wrong kind of key, an empty passphrase file, or a damaged key store"),
  MALFORMED(8, "not a well-formed message: truncated, trailing bytes, frames out of order, unknown version or suite"),
  AUTHENTICATION(9, "the message (or the key store's audit log) does not verify: it was altered"),
  CONTEXT_MISMATCH(10, "the --context pairs do not match the message's encryption context"),
  NO_MATCHING_KEY(11, "the keyring has no key that decrypts this message (wrong key, name or padding)"),
  POLICY(12, "a policy refused the operation (commitment policy, too many encrypted data keys, the key's policy; for AWS KMS, a key policy, IAM policy or grant)"),
  KEY_PROVIDER(13, "the key provider failed or refused: wrong passphrase, PIN or AWS credentials, no such key, key disabled or pending destruction, token or library unusable, KMS unreachable or throttling"),
  ENDPOINT(14, "kms-server cannot start: the port is in use or the address cannot be bound, or another endpoint serves the key store directory");

  private final int code;
  private final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  int code() {
    return code;
  }

  String meaning() {
    return meaning;
  }

  /** The list shown by {@code --help}: status to meaning, in order. */
  static Map<String, String> helpList() {
    Map<String, String> list = new LinkedHashMap<>();
    for (ExitCode c : values()) {
      list.put(Integer.toString(c.code), c.meaning);
    }
    return list;
  }
}
