package dev.envelope;

import dev.envelope.internal.format.EncryptionContextBytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An encryption context: a small, immutable map of non-secret strings that is cryptographically
 * bound to a message. Decryption succeeds only with the same context, so it answers "what is this
 * data and who is it for" (a tenant, a purpose, a record id) in a way an attacker cannot change.
 *
 * <h2>Security guarantees</h2>
 *
 * The context is <em>authenticated</em>, not secret: the pairs stored in a message header are
 * readable by anyone who holds the message. Do not put secrets in it. Keys must not start with the
 * reserved prefix {@value #RESERVED_PREFIX}.
 *
 * <h2>Canonical order</h2>
 *
 * Iteration order, {@link #asMap()} and the serialized form are sorted by the unsigned UTF-8
 * bytes of the keys, as the message format requires (not by {@link String#compareTo}, which
 * disagrees for characters outside the Basic Multilingual Plane). Insertion order never changes
 * the result.
 *
 * <p>Keys and values must be non-empty, well-formed Unicode (no unpaired surrogates), because the
 * AWS Encryption SDK for Java rejects empty ones when it reads a message.
 *
 * <p>Instances are immutable and thread-safe. {@link #toString()} shows the keys, not the values.
 */
public final class EncryptionContext {
  /** Keys starting with this prefix are reserved for the library. */
  public static final String RESERVED_PREFIX = "aws-crypto-";

  /** The key under which signing suites store the message's public verification key. */
  public static final String PUBLIC_KEY_FIELD = "aws-crypto-public-key";

  private static final EncryptionContext EMPTY =
      new EncryptionContext(new String[0], new String[0], new byte[0][], new byte[0][]);

  private final String[] keys;
  private final String[] values;
  private final byte[][] keyBytes;
  private final byte[][] valueBytes;
  private volatile Map<String, String> map;
  private volatile byte[] serialized;
  /** Cached {@link #hashCode()}; 0 until computed (racy but idempotent, as String's). */
  private int hash;

  private EncryptionContext(String[] keys, String[] values, byte[][] keyBytes, byte[][] valueBytes) {
    this.keys = keys;
    this.values = values;
    this.keyBytes = keyBytes;
    this.valueBytes = valueBytes;
  }

  /** The empty context. */
  public static EncryptionContext empty() {
    return EMPTY;
  }

  /** A context with one pair. */
  public static EncryptionContext of(String key, String value) {
    return builder().put(key, value).build();
  }

  /** A context with two pairs. */
  public static EncryptionContext of(String k1, String v1, String k2, String v2) {
    return builder().put(k1, v1).put(k2, v2).build();
  }

  /** A context with three pairs. */
  public static EncryptionContext of(String k1, String v1, String k2, String v2, String k3, String v3) {
    return builder().put(k1, v1).put(k2, v2).put(k3, v3).build();
  }

  /** A context holding a copy of the map's pairs. */
  public static EncryptionContext from(Map<String, String> pairs) {
    Builder builder = builder();
    pairs.forEach(builder::put);
    return builder.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The pairs in canonical order, as an unmodifiable map. */
  public Map<String, String> asMap() {
    Map<String, String> m = map;
    if (m == null) {
      Map<String, String> ordered = new LinkedHashMap<>(keys.length * 2);
      for (int i = 0; i < keys.length; i++) {
        ordered.put(keys[i], values[i]);
      }
      m = Collections.unmodifiableMap(ordered);
      map = m;
    }
    return m;
  }

  /** Calls {@code action} with each pair, in canonical order. */
  public void forEach(java.util.function.BiConsumer<String, String> action) {
    for (int i = 0; i < keys.length; i++) {
      action.accept(keys[i], values[i]);
    }
  }

  /** The keys in canonical order. */
  public Set<String> keys() {
    return asMap().keySet();
  }

  public Optional<String> get(String key) {
    return Optional.ofNullable(value(key));
  }

  /**
   * The value of {@code key}, or {@code null}. Contexts are small, so a scan beats building a
   * hash map on the per-message path; large contexts use the map.
   */
  private String value(String key) {
    if (keys.length > 16) {
      return asMap().get(key);
    }
    for (int i = 0; i < keys.length; i++) {
      if (keys[i].equals(key)) {
        return values[i];
      }
    }
    return null;
  }

  public boolean containsKey(String key) {
    return value(key) != null;
  }

  public int size() {
    return keys.length;
  }

  public boolean isEmpty() {
    return keys.length == 0;
  }

  /** Whether any key starts with {@value #RESERVED_PREFIX}. */
  public boolean hasReservedKey() {
    for (String key : keys) {
      if (key.startsWith(RESERVED_PREFIX)) {
        return true;
      }
    }
    return false;
  }

  /** A copy with {@code key} set to {@code value} (replacing an existing value). */
  public EncryptionContext with(String key, String value) {
    Builder builder = builder();
    for (int i = 0; i < keys.length; i++) {
      if (!keys[i].equals(key)) {
        builder.put(keys[i], values[i]);
      }
    }
    return builder.put(key, value).build();
  }

  /** A copy with only the pairs whose keys are in {@code retained}. */
  public EncryptionContext retainKeys(Collection<String> retained) {
    return filter(retained, true);
  }

  /** A copy without the pairs whose keys are in {@code removed}. */
  public EncryptionContext removeKeys(Collection<String> removed) {
    return filter(removed, false);
  }

  private EncryptionContext filter(Collection<String> selected, boolean keep) {
    if (selected.isEmpty()) {
      return keep ? EMPTY : this;
    }
    List<Integer> kept = new ArrayList<>();
    for (int i = 0; i < keys.length; i++) {
      if (selected.contains(keys[i]) == keep) {
        kept.add(i);
      }
    }
    if (kept.size() == keys.length) {
      return this;
    }
    if (kept.isEmpty()) {
      return EMPTY;
    }
    int n = kept.size();
    String[] k = new String[n];
    String[] v = new String[n];
    byte[][] kb = new byte[n][];
    byte[][] vb = new byte[n][];
    for (int j = 0; j < n; j++) {
      int i = kept.get(j);
      k[j] = keys[i];
      v[j] = values[i];
      kb[j] = keyBytes[i];
      vb[j] = valueBytes[i];
    }
    return new EncryptionContext(k, v, kb, vb);
  }

  /**
   * The canonical serialization used by the message format: empty for the empty context,
   * otherwise a {@code u16} pair count followed by {@code u16}-length-prefixed UTF-8 keys and values,
   * sorted by key bytes. This is also the AAD of raw AES key wrapping, so keyrings that bind the
   * context use these bytes.
   *
   * @return a fresh copy
   * @throws IllegalArgumentException if the serialization exceeds 65,535 bytes (the format's limit)
   */
  public byte[] toCanonicalBytes() {
    return canonicalBytes().clone();
  }

  /** The serialized length in bytes, see {@link #toCanonicalBytes()}. */
  public int canonicalLength() {
    return canonicalBytes().length;
  }

  private byte[] canonicalBytes() {
    byte[] s = serialized;
    if (s == null) {
      s = EncryptionContextBytes.serialize(keyBytes, valueBytes);
      serialized = s;
    }
    return s;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof EncryptionContext)) {
      return false;
    }
    EncryptionContext other = (EncryptionContext) o;
    return Arrays.equals(keys, other.keys) && Arrays.equals(values, other.values);
  }

  /**
   * The hash of the keys and values, computed once: the data-key cache hashes contexts on every
   * lookup. Same value as {@code Objects.hash(Arrays.hashCode(keys), Arrays.hashCode(values))},
   * without the boxing.
   */
  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = 31 * (31 + Arrays.hashCode(keys)) + Arrays.hashCode(values);
      hash = h;
    }
    return h;
  }

  /** Shows the keys only: context values can be sensitive metadata and end up in logs. */
  @Override
  public String toString() {
    return "EncryptionContext" + Arrays.toString(keys);
  }

  /**
   * Builds a context. Adding the same key twice is an error, so a mistake in assembling a
   * context cannot silently drop a pair. Not thread-safe.
   */
  public static final class Builder {
    private static final int INSERTION_SORT_MAX = 16;
    private final List<String> keys = new ArrayList<>();
    private final List<String> values = new ArrayList<>();

    private Builder() {}

    /**
     * Adds a pair.
     *
     * @throws IllegalArgumentException if the key or value is empty or not well-formed Unicode, or
     *     the key was already added
     */
    public Builder put(String key, String value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, () -> "value of key '" + key + "'");
      if (key.isEmpty()) {
        throw new IllegalArgumentException("encryption context keys cannot be empty");
      }
      if (value.isEmpty()) {
        throw new IllegalArgumentException(
            "the value of encryption context key '" + key + "' is empty; the message format's"
                + " readers reject empty values, so give it a value or leave the key out");
      }
      keys.add(key);
      values.add(value);
      return this;
    }

    /** Adds every pair of the map. */
    public Builder putAll(Map<String, String> pairs) {
      pairs.forEach(this::put);
      return this;
    }

    public EncryptionContext build() {
      int n = keys.size();
      if (n == 0) {
        return EMPTY;
      }
      byte[][] kb = new byte[n][];
      byte[][] vb = new byte[n][];
      for (int i = 0; i < n; i++) {
        kb[i] = utf8(keys.get(i), null);
        vb[i] = utf8(values.get(i), keys.get(i));
      }
      int[] order = sortedOrder(kb);
      String[] k = new String[n];
      String[] v = new String[n];
      byte[][] skb = new byte[n][];
      byte[][] svb = new byte[n][];
      for (int j = 0; j < n; j++) {
        int i = order[j];
        k[j] = keys.get(i);
        v[j] = values.get(i);
        skb[j] = kb[i];
        svb[j] = vb[i];
        if (j > 0 && Arrays.equals(skb[j - 1], skb[j])) {
          throw new IllegalArgumentException("duplicate encryption context key '" + k[j] + "'");
        }
      }
      return new EncryptionContext(k, v, skb, svb);
    }

    /**
     * The indices of {@code kb} in order of their unsigned bytes. Small contexts (the usual case)
     * use an insertion sort, which needs no boxing; larger ones a merge sort, so that a hostile
     * header of many pairs in reverse order costs O(n log n), not O(n²).
     */
    private static int[] sortedOrder(byte[][] kb) {
      int n = kb.length;
      int[] order = new int[n];
      if (n <= INSERTION_SORT_MAX) {
        for (int i = 0; i < n; i++) {
          int j = i;
          while (j > 0 && Arrays.compareUnsigned(kb[order[j - 1]], kb[i]) > 0) {
            order[j] = order[j - 1];
            j--;
          }
          order[j] = i;
        }
        return order;
      }
      Integer[] boxed = new Integer[n];
      for (int i = 0; i < n; i++) {
        boxed[i] = i;
      }
      Arrays.sort(boxed, (a, b) -> Arrays.compareUnsigned(kb[a], kb[b]));
      for (int i = 0; i < n; i++) {
        order[i] = boxed[i];
      }
      return order;
    }

    /**
     * UTF-8 bytes of {@code s}, refusing unpaired surrogates (which UTF-8 cannot encode).
     *
     * @param keyOfValue null when {@code s} is a key, else the key whose value {@code s} is
     */
    private static byte[] utf8(String s, String keyOfValue) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else if (Character.isSurrogate(c)) {
          throw new IllegalArgumentException(
              "encryption context " + (keyOfValue == null ? "key" : "value of key '" + keyOfValue + "'")
                  + " is not well-formed Unicode (unpaired surrogate)");
        }
      }
      return s.getBytes(StandardCharsets.UTF_8);
    }
  }
}
