package dev.envelope.local.internal;

import java.util.regex.Pattern;

/** Alias, key id, key name, key namespace and caller label rules of the local key store and PKCS#11 key manager. */
public final class Names {
  private static final Pattern ALIAS = Pattern.compile("[A-Za-z0-9/_\\-.:]{1,256}");
  private static final Pattern KEY_ID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private Names() {}

  /** @throws IllegalArgumentException naming the rule the alias breaks */
  public static void checkAlias(String alias) {
    if (!ALIAS.matcher(alias).matches()) {
      throw new IllegalArgumentException(
          "alias '" + alias + "' is not valid: use 1 to 256 characters from A-Z a-z 0-9 / _ - . :");
    }
    if (isKeyId(alias)) {
      throw new IllegalArgumentException("alias '" + alias + "' looks like a key id; choose a name");
    }
  }

  /**
   * The provider id rule for encrypted data keys this module writes: 1 to 256 characters, not the
   * {@code aws-kms} prefix reserved for AWS KMS keyrings (the same rule and message as core's raw
   * keyrings, whose check is not public; {@code Pkcs11Keyring} gets it from them).
   *
   * @throws IllegalArgumentException naming the rule the namespace breaks
   */
  public static void checkNamespace(String namespace) {
    if (namespace == null || namespace.isEmpty() || namespace.length() > 256) {
      throw new IllegalArgumentException("a key namespace must be 1 to 256 characters");
    }
    if (namespace.startsWith("aws-kms")) {
      throw new IllegalArgumentException("key namespace '" + namespace + "' is reserved for AWS KMS keyrings; choose another");
    }
  }

  /** @throws IllegalArgumentException unless a caller label has 1 to {@value #MAX_CALLER_LABEL} characters */
  public static String checkCallerLabel(String label) {
    java.util.Objects.requireNonNull(label, "callerLabel");
    if (label.isEmpty() || label.length() > MAX_CALLER_LABEL) {
      throw new IllegalArgumentException(
          "a caller label must be 1 to " + MAX_CALLER_LABEL + " characters: " + label.length());
    }
    return label;
  }

  /** The longest caller label: an IAM principal ARN's maximum length, so KMS callers fit. */
  public static final int MAX_CALLER_LABEL = 2048;

  /** Whether {@code s} has the shape of a key id (a lower-case UUID). */
  public static boolean isKeyId(String s) {
    return KEY_ID.matcher(s).matches();
  }

  /**
   * Splits a key name {@code <keyId>/v<version>}.
   *
   * @return {@code null} if {@code keyName} does not have that shape
   */
  public static ParsedKeyName parseKeyName(String keyName) {
    int slash = keyName.lastIndexOf("/v");
    if (slash <= 0 || slash + 2 >= keyName.length() || keyName.length() - slash - 2 > 9) {
      return null;
    }
    String id = keyName.substring(0, slash);
    if (!isKeyId(id)) {
      return null;
    }
    int version = 0;
    for (int i = slash + 2; i < keyName.length(); i++) {
      char c = keyName.charAt(i);
      if (c < '0' || c > '9' || (i == slash + 2 && c == '0')) {
        return null;
      }
      version = version * 10 + (c - '0');
    }
    return new ParsedKeyName(id, version);
  }

  /** A key id and version parsed from a key name. */
  public static final class ParsedKeyName {
    public final String keyId;
    public final int version;

    ParsedKeyName(String keyId, int version) {
      this.keyId = keyId;
      this.version = version;
    }
  }
}
