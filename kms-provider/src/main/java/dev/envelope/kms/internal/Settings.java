package dev.envelope.kms.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Range checks shared by the keyring builders. */
public final class Settings {
  /** KMS accepts at most 10 grant tokens per request. */
  public static final int MAX_GRANT_TOKENS = 10;

  /** The default bound on one KMS call, the SDK's retries included. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);

  private Settings() {}

  public static List<String> grantTokens(List<String> tokens) {
    Objects.requireNonNull(tokens, "grantTokens");
    if (tokens.size() > MAX_GRANT_TOKENS) {
      throw new IllegalArgumentException(
          "KMS accepts at most " + MAX_GRANT_TOKENS + " grant tokens per request, got " + tokens.size());
    }
    List<String> copy = new ArrayList<>(tokens.size());
    for (String token : tokens) {
      Objects.requireNonNull(token, "grant token");
      if (token.isEmpty()) {
        throw new IllegalArgumentException("a grant token cannot be empty");
      }
      copy.add(token);
    }
    return List.copyOf(copy);
  }

  public static Duration callTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "callTimeout");
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("callTimeout must be positive: " + timeout);
    }
    return timeout;
  }

  public static void checkUnset(Object current, String name) {
    if (current != null) {
      throw new IllegalStateException(name + " was already set");
    }
  }
}
