package dev.envelope.localkms;

import java.security.SecureRandom;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One set of AWS credentials the local KMS endpoint accepts, and the IAM principal that signs with
 * them. Requests are authenticated with AWS Signature Version 4 against these credentials; the
 * principal is what key policies and grants name ({@code arn:aws:iam::ACCOUNT:root}, {@code
 * arn:aws:iam::ACCOUNT:user/alice}, ...).
 *
 * <p>Immutable and thread-safe.
 *
 * <h2>Security guarantees</h2>
 *
 * {@link #toString()} never shows the secret access key or the session token. The secret is needed
 * in clear by the endpoint to verify signatures (SigV4 is a shared-secret HMAC scheme), so treat
 * these as development credentials, never as real AWS ones.
 */
public final class KmsCredentials {
  private static final Pattern ACCESS_KEY = Pattern.compile("[A-Za-z0-9]{4,128}");
  private static final Pattern PRINCIPAL =
      Pattern.compile("root|(user|role|assumed-role)/[\\w+=,.@/-]{1,512}");
  private static final char[] UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
  private static final char[] SECRET_CHARS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();

  private final String accessKeyId;
  private final String secretAccessKey;
  private final String sessionToken;
  private final String principal;

  private KmsCredentials(Builder b) {
    this.accessKeyId = b.accessKeyId;
    this.secretAccessKey = b.secretAccessKey;
    this.sessionToken = b.sessionToken;
    this.principal = b.principal == null ? "root" : b.principal;
  }

  /** Credentials for the account root principal. */
  public static KmsCredentials of(String accessKeyId, String secretAccessKey) {
    return builder().accessKeyId(accessKeyId).secretAccessKey(secretAccessKey).build();
  }

  /**
   * Fresh random credentials for the given principal (e.g. {@code "root"} or {@code "user/alice"}):
   * an access key id {@code AKIA...} and a 40-character secret.
   */
  public static KmsCredentials random(String principal) {
    SecureRandom random = new SecureRandom();
    StringBuilder id = new StringBuilder("AKIA");
    for (int i = 0; i < 16; i++) {
      id.append(UPPER_ALNUM[random.nextInt(UPPER_ALNUM.length)]);
    }
    StringBuilder secret = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      secret.append(SECRET_CHARS[random.nextInt(SECRET_CHARS.length)]);
    }
    return builder()
        .accessKeyId(id.toString())
        .secretAccessKey(secret.toString())
        .principal(principal)
        .build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public String accessKeyId() {
    return accessKeyId;
  }

  /** The secret access key; the SDK client needs it to sign. */
  public String secretAccessKey() {
    return secretAccessKey;
  }

  /** The session token requests must carry in {@code X-Amz-Security-Token}, or null. */
  public String sessionToken() {
    return sessionToken;
  }

  /** The principal within the account: {@code root}, {@code user/NAME}, {@code role/NAME}... */
  public String principal() {
    return principal;
  }

  /** The principal's ARN in the given partition and account. */
  public String principalArn(String partition, String accountId) {
    String service = principal.startsWith("assumed-role/") ? "sts" : "iam";
    return "arn:" + partition + ":" + service + "::" + accountId + ":" + principal;
  }

  @Override
  public String toString() {
    return "KmsCredentials{accessKeyId="
        + accessKeyId
        + ", principal="
        + principal
        + ", secretAccessKey=redacted"
        + (sessionToken == null ? "" : ", sessionToken=redacted")
        + "}";
  }

  /** Builds {@link KmsCredentials}; each value may be set once. */
  public static final class Builder {
    private String accessKeyId;
    private String secretAccessKey;
    private String sessionToken;
    private String principal;

    private Builder() {}

    public Builder accessKeyId(String accessKeyId) {
      Objects.requireNonNull(accessKeyId, "accessKeyId");
      if (this.accessKeyId != null) {
        throw new IllegalStateException("accessKeyId was already set");
      }
      if (!ACCESS_KEY.matcher(accessKeyId).matches()) {
        throw new IllegalArgumentException(
            "accessKeyId must be 4 to 128 letters or digits: " + accessKeyId);
      }
      this.accessKeyId = accessKeyId;
      return this;
    }

    public Builder secretAccessKey(String secretAccessKey) {
      Objects.requireNonNull(secretAccessKey, "secretAccessKey");
      if (this.secretAccessKey != null) {
        throw new IllegalStateException("secretAccessKey was already set");
      }
      if (secretAccessKey.isEmpty() || secretAccessKey.length() > 512) {
        throw new IllegalArgumentException(
            "secretAccessKey must be 1 to 512 characters, got " + secretAccessKey.length());
      }
      this.secretAccessKey = secretAccessKey;
      return this;
    }

    public Builder sessionToken(String sessionToken) {
      Objects.requireNonNull(sessionToken, "sessionToken");
      if (this.sessionToken != null) {
        throw new IllegalStateException("sessionToken was already set");
      }
      if (sessionToken.isEmpty()) {
        throw new IllegalArgumentException("sessionToken cannot be empty");
      }
      this.sessionToken = sessionToken;
      return this;
    }

    /** The principal these credentials act as, e.g. {@code "user/alice"}; default "root". */
    public Builder principal(String principal) {
      Objects.requireNonNull(principal, "principal");
      if (this.principal != null) {
        throw new IllegalStateException("principal was already set");
      }
      if (!PRINCIPAL.matcher(principal).matches()) {
        throw new IllegalArgumentException(
            "principal must be 'root', 'user/NAME', 'role/NAME' or 'assumed-role/ROLE/SESSION': "
                + principal);
      }
      this.principal = principal;
      return this;
    }

    public KmsCredentials build() {
      if (accessKeyId == null || secretAccessKey == null) {
        throw new IllegalStateException("accessKeyId and secretAccessKey are both required");
      }
      return new KmsCredentials(this);
    }
  }
}
