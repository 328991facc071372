package dev.envelope.kms.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A KMS key identifier as a keyring is configured with it or finds it in a message: a key ARN, an
 * alias ARN, an alias name or a bare key id (spec: keyrings.md §6.1, from
 * framework/aws-kms/aws-kms-key-arn.md).
 *
 * <pre>
 * ARN        arn:PARTITION:kms:REGION:ACCOUNT:TYPE/ID   exactly 6 ':'-separated parts, none empty;
 *                                                      TYPE is "key" or "alias", split at the first '/'
 * alias name alias/NAME
 * key id     anything else that is non-empty, e.g. 1234abcd-... or mrk-...
 * </pre>
 *
 * Immutable. {@link #toString()} is the identifier as given (key ids and ARNs are not secret).
 */
public final class KmsIdentifier {
  /** What kind of identifier this is. */
  public enum Kind {
    KEY_ARN,
    ALIAS_ARN,
    ALIAS_NAME,
    KEY_ID
  }

  /** KMS accepts identifiers of at most 2048 characters. */
  static final int MAX_LENGTH = 2048;

  private final String value;
  private final Kind kind;
  private final String partition;
  private final String region;
  private final String account;
  private final String resourceId;

  private KmsIdentifier(
      String value, Kind kind, String partition, String region, String account, String resourceId) {
    this.value = value;
    this.kind = kind;
    this.partition = partition;
    this.region = region;
    this.account = account;
    this.resourceId = resourceId;
  }

  /**
   * Parses a configured identifier.
   *
   * @throws IllegalArgumentException naming the value and what is wrong with it
   */
  public static KmsIdentifier parse(String identifier) {
    Objects.requireNonNull(identifier, "KMS key identifier");
    if (identifier.isEmpty() || identifier.length() > MAX_LENGTH || hasWhitespace(identifier)) {
      throw new IllegalArgumentException(
          "'" + identifier + "' is not a KMS key identifier: give a key ARN, an alias ARN, an"
              + " alias name (alias/NAME) or a key id, 1 to " + MAX_LENGTH + " characters without spaces");
    }
    if (identifier.startsWith("arn:")) {
      return parseArn(identifier).orElseThrow(() -> new IllegalArgumentException(
          "'" + identifier + "' is not a valid KMS ARN: expected"
              + " arn:PARTITION:kms:REGION:ACCOUNT:key/ID or arn:PARTITION:kms:REGION:ACCOUNT:alias/NAME"));
    }
    if (identifier.startsWith("alias/")) {
      if (identifier.length() == "alias/".length()) {
        throw new IllegalArgumentException("'" + identifier + "' is an alias without a name");
      }
      return new KmsIdentifier(identifier, Kind.ALIAS_NAME, null, null, null, identifier.substring(6));
    }
    if (identifier.contains("/") || identifier.contains(":")) {
      throw new IllegalArgumentException(
          "'" + identifier + "' is not a KMS key identifier: a bare key id has no ':' or '/';"
              + " give a key ARN, an alias ARN or alias/NAME");
    }
    return new KmsIdentifier(identifier, Kind.KEY_ID, null, null, null, identifier);
  }

  // spec: keyrings.md §6.1 "Valid KMS ARN": 6 parts, arn, non-empty partition, kms, non-empty
  // region and account, resource TYPE/ID split at the first '/', TYPE key or alias, ID non-empty.
  /** Parses {@code text} as a KMS ARN (key or alias); empty if it is not one. */
  public static Optional<KmsIdentifier> parseArn(String text) {
    if (text == null || text.length() > MAX_LENGTH) {
      return Optional.empty();
    }
    String[] parts = text.split(":", -1);
    if (parts.length != 6 || !"arn".equals(parts[0]) || parts[1].isEmpty() || !"kms".equals(parts[2])
        || parts[3].isEmpty() || parts[4].isEmpty()) {
      return Optional.empty();
    }
    String resource = parts[5];
    int slash = resource.indexOf('/');
    if (slash < 0 || slash == resource.length() - 1) {
      return Optional.empty();
    }
    String type = resource.substring(0, slash);
    Kind kind;
    if ("key".equals(type)) {
      kind = Kind.KEY_ARN;
    } else if ("alias".equals(type)) {
      kind = Kind.ALIAS_ARN;
    } else {
      return Optional.empty();
    }
    return Optional.of(new KmsIdentifier(
        text, kind, parts[1], parts[3], parts[4], resource.substring(slash + 1)));
  }

  private static boolean hasWhitespace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i)) || Character.isISOControl(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  public String value() {
    return value;
  }

  public Kind kind() {
    return kind;
  }

  public boolean isArn() {
    return kind == Kind.KEY_ARN || kind == Kind.ALIAS_ARN;
  }

  public boolean isKeyArn() {
    return kind == Kind.KEY_ARN;
  }

  /** An alias ARN or alias name: KMS resolves it on encrypt, messages never record it. */
  public boolean isAlias() {
    return kind == Kind.ALIAS_ARN || kind == Kind.ALIAS_NAME;
  }

  /** The region of an ARN; empty for alias names and bare key ids, which name none. */
  public Optional<String> region() {
    return Optional.ofNullable(region);
  }

  public Optional<String> partition() {
    return Optional.ofNullable(partition);
  }

  public Optional<String> account() {
    return Optional.ofNullable(account);
  }

  /** The key id or alias name after the resource type. */
  public String resourceId() {
    return resourceId;
  }

  // spec: keyrings.md §6.1 "Multi-Region key": a key ARN of type key whose id starts with mrk-,
  // or a bare id starting with mrk-; aliases (ARN or alias/mrk-...) never are.
  public boolean isMultiRegionKey() {
    return (kind == Kind.KEY_ARN || kind == Kind.KEY_ID) && resourceId.startsWith("mrk-");
  }

  /**
   * This ARN with its region replaced (spec: keyrings.md §6.4, MRK discovery).
   *
   * @throws IllegalStateException if this is not an ARN
   */
  public KmsIdentifier withRegion(String newRegion) {
    if (!isArn()) {
      throw new IllegalStateException("'" + value + "' is not an ARN and has no region to replace");
    }
    String[] parts = value.split(":", -1);
    parts[3] = newRegion;
    return new KmsIdentifier(String.join(":", parts), kind, partition, newRegion, account, resourceId);
  }

  // spec: keyrings.md §6.1 "MRK match for decrypt": identical strings match; otherwise both must be
  // MRKs and agree on everything but the region. Bare mrk- ids only match identically: a message
  // always records ARNs, and an id without partition and account cannot be compared safely.
  /** Whether a keyring configured with {@code a} may decrypt an encrypted data key recorded as {@code b}. */
  public static boolean mrkMatch(KmsIdentifier a, KmsIdentifier b) {
    if (a.value.equals(b.value)) {
      return true;
    }
    if (!a.isMultiRegionKey() || !b.isMultiRegionKey() || !a.isArn() || !b.isArn()) {
      return false;
    }
    return a.partition.equals(b.partition)
        && a.account.equals(b.account)
        && a.kind == b.kind
        && a.resourceId.equals(b.resourceId);
  }

  // spec: keyrings.md §6.1 "MRK uniqueness": two MRK identifiers with the same resource id in one
  // keyring are an error; report all duplicates.
  /**
   * Checks that no two multi-Region key identifiers share a key id.
   *
   * @throws IllegalArgumentException listing every group of replicas of one key
   */
  public static void checkMrkUniqueness(List<KmsIdentifier> identifiers) {
    Map<String, List<String>> byId = new LinkedHashMap<>();
    for (KmsIdentifier id : identifiers) {
      if (id.isMultiRegionKey()) {
        byId.computeIfAbsent(id.resourceId, k -> new ArrayList<>()).add(id.value);
      }
    }
    List<String> duplicates = new ArrayList<>();
    byId.forEach((id, values) -> {
      if (values.size() > 1) {
        duplicates.add(id + " " + values);
      }
    });
    if (!duplicates.isEmpty()) {
      throw new IllegalArgumentException(
          "a multi-Region-aware keyring may name each multi-Region key once, but these are"
              + " configured more than once (replicas in several regions are one key): "
              + String.join("; ", duplicates)
              + ". Keep one ARN per multi-Region key: any replica decrypts what another encrypted");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KmsIdentifier && ((KmsIdentifier) o).value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return value;
  }
}
