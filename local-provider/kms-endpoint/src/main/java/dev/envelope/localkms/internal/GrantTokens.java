package dev.envelope.localkms.internal;

import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Grant tokens: a request's {@code GrantTokens} as the grant ids they name.
 */
final class GrantTokens {
  private static final int MAX_GRANT_TOKENS = 10;
  static final int MAX_GRANT_TOKEN = 8192;

  private GrantTokens() {}

  /** The grant ids named by valid tokens. */
  static Set<String> grantTokens(Json r) {
    List<String> tokens = r.stringList("GrantTokens", MAX_GRANT_TOKENS);
    Set<String> ids = new HashSet<>();
    for (String token : tokens) {
      ids.add(grantIdOfToken(token));
    }
    return ids;
  }

  static String grantIdOfToken(String token) {
    if (token.isEmpty() || token.length() > MAX_GRANT_TOKEN) {
      throw KmsException.hiddenConstraint(
          "grantTokens", "Member must have length between 1 and " + MAX_GRANT_TOKEN);
    }
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      throw invalidGrantToken();
    }
    if (bytes.length != 49 || bytes[0] != 1) {
      throw invalidGrantToken();
    }
    return HexFormat.of().formatHex(bytes, 1, 33);
  }

  static KmsException invalidGrantToken() {
    return new KmsException("InvalidGrantTokenException", "The grant token is not valid.");
  }
}
