package dev.envelope.localkms.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * KMS resource names for one partition and account: {@code arn:PARTITION:kms:REGION:ACCOUNT:key/ID}
 * and {@code arn:PARTITION:kms:REGION:ACCOUNT:alias/NAME}, and the four ways a request may name a
 * key (key id, key ARN, alias name, alias ARN).
 */
public final class Arns {
  private static final Pattern ARN =
      Pattern.compile("arn:([a-z0-9-]+):kms:([a-z0-9-]+):([0-9]{12}):(key/.+|alias/.+)");

  private final String partition;
  private final String account;

  public Arns(String partition, String account) {
    this.partition = partition;
    this.account = account;
  }

  public String partition() {
    return partition;
  }

  public String account() {
    return account;
  }

  public String keyArn(String region, String keyId) {
    return "arn:" + partition + ":kms:" + region + ":" + account + ":key/" + keyId;
  }

  public String aliasArn(String region, String aliasName) {
    return "arn:" + partition + ":kms:" + region + ":" + account + ":" + aliasName;
  }

  public String accountRootArn() {
    return "arn:" + partition + ":iam::" + account + ":root";
  }

  /** How a request named a key. */
  public enum Kind {
    KEY_ID,
    KEY_ARN,
    ALIAS_NAME,
    ALIAS_ARN
  }

  /**
   * A parsed key identifier.
   *
   * @param name the key id (for KEY_ID / KEY_ARN) or the alias name {@code alias/...}
   * @param region the Region of an ARN, else null
   * @param account the account of an ARN, else null
   */
  public record KeyRef(Kind kind, String name, String region, String account, String partition) {
    public boolean isAlias() {
      return kind == Kind.ALIAS_NAME || kind == Kind.ALIAS_ARN;
    }

    public boolean isArn() {
      return kind == Kind.KEY_ARN || kind == Kind.ALIAS_ARN;
    }
  }

  /**
   * Parses a key identifier without looking anything up.
   *
   * @throws KmsException {@code NotFoundException} if it is not any of the four forms
   */
  public static KeyRef parse(String identifier) {
    if (identifier.startsWith("arn:")) {
      Matcher m = ARN.matcher(identifier);
      if (!m.matches()) {
        throw KmsException.notFound("Invalid arn " + identifier);
      }
      String resource = m.group(4);
      Kind kind = resource.startsWith("key/") ? Kind.KEY_ARN : Kind.ALIAS_ARN;
      String name = kind == Kind.KEY_ARN ? resource.substring(4) : resource;
      return new KeyRef(kind, name, m.group(2), m.group(3), m.group(1));
    }
    if (identifier.startsWith("alias/")) {
      return new KeyRef(Kind.ALIAS_NAME, identifier, null, null, null);
    }
    return new KeyRef(Kind.KEY_ID, identifier, null, null, null);
  }
}
