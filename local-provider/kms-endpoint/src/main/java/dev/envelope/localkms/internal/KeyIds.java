package dev.envelope.localkms.internal;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Pattern;

/** KMS key ids: a random UUID for single-Region keys, {@code mrk-} and 32 hex digits for MRKs. */
public final class KeyIds {
  private static final Pattern SINGLE_REGION =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Pattern MULTI_REGION = Pattern.compile("mrk-[0-9a-f]{32}");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The longest key id {@link #isValid} accepts. */
  public static final int MAX_LENGTH = 36;

  private KeyIds() {}

  public static String newKeyId(boolean multiRegion) {
    if (multiRegion) {
      byte[] id = new byte[16];
      RANDOM.nextBytes(id);
      return "mrk-" + HexFormat.of().formatHex(id);
    }
    return UUID.randomUUID().toString();
  }

  /** True for the ids this endpoint issues (also safe as a file name). */
  public static boolean isValid(String keyId) {
    return keyId != null
        && keyId.length() <= MAX_LENGTH
        && (SINGLE_REGION.matcher(keyId).matches() || MULTI_REGION.matcher(keyId).matches());
  }

  public static boolean isMultiRegion(String keyId) {
    return keyId.startsWith("mrk-");
  }
}
