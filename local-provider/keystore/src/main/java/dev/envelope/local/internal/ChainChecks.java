package dev.envelope.local.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The checks {@link AuditChain} and {@link AuditSegmentVerifier} make on each record: that it
 * follows the record before it (sequence number and prev hash), and its MAC.
 */
final class ChainChecks {
  private static final String MAC_FIELD = AuditChain.MAC_FIELD;

  private ChainChecks() {}

  /** Where the chain breaks and why. */
  static final class Problem {
    final long line;
    final String text;

    Problem(long line, String text) {
      this.line = line;
      this.text = text;
    }
  }

  /** Null if line {@code n} is a good successor of a line hashing to {@code prevHash}. */
  static Problem checkRecord(byte[] bytes, long n, String prevHash) {
    JsonObject o;
    long seq;
    String prev;
    try {
      JsonElement e = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8));
      o = e.getAsJsonObject();
      seq = o.get("seq").getAsLong();
      prev = o.get("prev").getAsString();
    } catch (RuntimeException e) {
      return new Problem(n, "line " + n + " is not a well-formed audit record (it was edited or is not from this log)");
    }
    if (seq > n) {
      long missing = seq - n;
      return new Problem(n, "line " + n + " has sequence number " + seq + ": " + missing + " record(s) before it were deleted");
    }
    if (seq < n) {
      return new Problem(n, "line " + n + " has sequence number " + seq + " where " + n
          + " was expected: records were reordered, duplicated or edited");
    }
    if (!MessageDigest.isEqual(prev.getBytes(StandardCharsets.US_ASCII), prevHash.getBytes(StandardCharsets.US_ASCII))) {
      if (n == 1) {
        return new Problem(1, "line 1 does not start the chain (its prev hash is not zero): the log's first"
            + " records were removed or it was edited");
      }
      return new Problem(n - 1, "line " + (n - 1) + " was modified: its hash does not match the prev hash"
          + " recorded in line " + n);
    }
    return null;
  }

  /** Null if line {@code n} carries a good MAC under {@code key} for {@code storeId}. */
  static Problem checkMac(byte[] bytes, long n, byte[] key, String storeId) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    int at = text.lastIndexOf(MAC_FIELD);
    if (at < 0 || !text.endsWith("\"}") || text.length() - at - MAC_FIELD.length() - 2 != 64) {
      return new Problem(n, "line " + n + " has no MAC: it was not written by this key store (or predates"
          + " keyed audit records)");
    }
    String expected = AuditChain.mac(key, storeId, text.substring(0, at).getBytes(StandardCharsets.UTF_8));
    String actual = text.substring(at + MAC_FIELD.length(), text.length() - 2);
    if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), actual.getBytes(StandardCharsets.US_ASCII))) {
      return new Problem(n, "line " + n + " fails its MAC: it was edited or re-chained by someone without the"
          + " store's KEK, or the log comes from another key store");
    }
    return null;
  }

}
