package dev.envelope.local;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Who may do what with one master key, and under which encryption context. Checked on every use
 * of the key; a denial throws {@link KeyPolicyViolationException} naming the operation and the rule.
 *
 * <h2>Rules</h2>
 *
 * <ol>
 *   <li><b>Allowed operations.</b> An operation not in {@link #allowedOperations()} is denied.
 *   <li><b>Caller grants</b> (separation of duties). If any grant exists, the caller label must
 *       have a grant that includes the operation. Caller labels are asserted by the embedding
 *       application (e.g. the authenticated principal of a KMS endpoint request); the store does
 *       not authenticate them.
 *   <li><b>Required context keys.</b> Every key-use operation ({@link KeyOperation#isKeyUse()})
 *       must present an encryption context with each of these keys.
 *   <li><b>Allowed context values.</b> For a context key listed here, a key-use operation whose
 *       context has that key must use one of the listed values. (Combine with a required key to
 *       make it mandatory.)
 * </ol>
 *
 * <p>{@link #loggableContextKeys()} names the context keys whose <em>values</em> may appear in
 * audit events and denial messages; all other values are never logged (their keys are).
 *
 * <p>Immutable and thread-safe.
 *
 * <h2>Security guarantees</h2>
 *
 * The store enforces the policy on every operation it performs. It does not promise more than the
 * process it runs in: code with the KEK (or with read access to the process memory) can bypass
 * it. The policy is stored with the key and authenticated under the KEK, so editing it on disk
 * makes the key unreadable rather than more permissive.
 */
public final class KeyPolicy {
  private static final KeyPolicy DEFAULT =
      builder()
          .allow(EnumSet.complementOf(EnumSet.of(KeyOperation.EXPORT, KeyOperation.CREATE, KeyOperation.CHANGE_KEK)).toArray(new KeyOperation[0]))
          .build();

  private final Set<KeyOperation> allowed;
  private final Set<String> requiredContextKeys;
  private final Map<String, Set<String>> allowedContextValues;
  private final Set<String> loggableContextKeys;
  private final Map<String, Set<KeyOperation>> grants;

  private KeyPolicy(Builder b) {
    this.allowed = Collections.unmodifiableSet(EnumSet.copyOf(b.allowed));
    this.requiredContextKeys = Collections.unmodifiableSet(new TreeSet<>(b.requiredContextKeys));
    Map<String, Set<String>> values = new TreeMap<>();
    b.allowedContextValues.forEach((k, v) -> values.put(k, Collections.unmodifiableSet(new TreeSet<>(v))));
    this.allowedContextValues = Collections.unmodifiableMap(values);
    this.loggableContextKeys = Collections.unmodifiableSet(new TreeSet<>(b.loggableContextKeys));
    Map<String, Set<KeyOperation>> g = new TreeMap<>();
    b.grants.forEach((k, v) -> g.put(k, Collections.unmodifiableSet(EnumSet.copyOf(v))));
    this.grants = Collections.unmodifiableMap(g);
  }

  /**
   * Every operation except {@link KeyOperation#EXPORT}, for any caller and any context; no context
   * values are logged.
   */
  public static KeyPolicy defaultPolicy() {
    return DEFAULT;
  }

  /** A policy that starts with nothing allowed. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this policy's rules, to derive a changed policy. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.allowed.addAll(allowed);
    b.requiredContextKeys.addAll(requiredContextKeys);
    allowedContextValues.forEach((k, v) -> b.allowedContextValues.put(k, new TreeSet<>(v)));
    b.loggableContextKeys.addAll(loggableContextKeys);
    grants.forEach((k, v) -> b.grants.put(k, EnumSet.copyOf(v)));
    return b;
  }

  public Set<KeyOperation> allowedOperations() {
    return allowed;
  }

  public Set<String> requiredContextKeys() {
    return requiredContextKeys;
  }

  /** Context key → the values it may have (only checked when the key is present). */
  public Map<String, Set<String>> allowedContextValues() {
    return allowedContextValues;
  }

  /** Context keys whose values may be written to audit events and denial messages. */
  public Set<String> loggableContextKeys() {
    return loggableContextKeys;
  }

  /** Caller label → the operations granted to it. Empty: any caller may do any allowed operation. */
  public Map<String, Set<KeyOperation>> callerGrants() {
    return grants;
  }

  public boolean allows(KeyOperation operation) {
    return allowed.contains(operation);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof KeyPolicy)) {
      return false;
    }
    KeyPolicy p = (KeyPolicy) o;
    return allowed.equals(p.allowed)
        && requiredContextKeys.equals(p.requiredContextKeys)
        && allowedContextValues.equals(p.allowedContextValues)
        && loggableContextKeys.equals(p.loggableContextKeys)
        && grants.equals(p.grants);
  }

  @Override
  public int hashCode() {
    return Objects.hash(allowed, requiredContextKeys, allowedContextValues, loggableContextKeys, grants);
  }

  /** Shows the rules, with the allowed values only for loggable keys. */
  @Override
  public String toString() {
    Map<String, Object> values = new LinkedHashMap<>();
    allowedContextValues.forEach((k, v) -> values.put(k, loggableContextKeys.contains(k) ? v : v.size() + " values"));
    return "KeyPolicy[allow=" + allowed + ", requiredContextKeys=" + requiredContextKeys
        + ", allowedContextValues=" + values + ", loggable=" + loggableContextKeys + ", grants=" + grants + "]";
  }

  /** Builds a {@link KeyPolicy}. Not thread-safe. */
  public static final class Builder {
    private final EnumSet<KeyOperation> allowed = EnumSet.noneOf(KeyOperation.class);
    private final Set<String> requiredContextKeys = new TreeSet<>();
    private final Map<String, Set<String>> allowedContextValues = new TreeMap<>();
    private final Set<String> loggableContextKeys = new TreeSet<>();
    private final Map<String, Set<KeyOperation>> grants = new TreeMap<>();

    private Builder() {}

    /** Allows these operations (in addition to those already allowed). */
    public Builder allow(KeyOperation... operations) {
      for (KeyOperation op : operations) {
        allowed.add(Objects.requireNonNull(op, "operation"));
      }
      return this;
    }

    /** Removes these operations from the allowed set. */
    public Builder deny(KeyOperation... operations) {
      allowed.removeAll(Arrays.asList(operations));
      return this;
    }

    /** Key-use operations must present a context with {@code key}. */
    public Builder requireContextKey(String key) {
      requiredContextKeys.add(checkKey(key));
      return this;
    }

    /**
     * When a key-use operation's context has {@code key}, its value must be one of {@code values}.
     *
     * @throws IllegalStateException if values for {@code key} were already set
     */
    public Builder allowContextValues(String key, String... values) {
      checkKey(key);
      if (values.length == 0) {
        throw new IllegalArgumentException("give at least one allowed value for context key '" + key + "'");
      }
      Set<String> set = new TreeSet<>();
      for (String v : values) {
        set.add(Objects.requireNonNull(v, "value"));
      }
      if (allowedContextValues.putIfAbsent(key, set) != null) {
        throw new IllegalStateException("allowed values for context key '" + key + "' were already set");
      }
      return this;
    }

    /** The values of these context keys may appear in audit events and denial messages. */
    public Builder loggableContextKeys(String... keys) {
      for (String k : keys) {
        loggableContextKeys.add(checkKey(k));
      }
      return this;
    }

    /**
     * Grants {@code operations} to the caller labelled {@code caller}. Once any grant exists, a
     * caller without a grant for an operation is denied it.
     */
    public Builder grant(String caller, KeyOperation... operations) {
      Objects.requireNonNull(caller, "caller");
      if (caller.isEmpty()) {
        throw new IllegalArgumentException("a caller label cannot be empty");
      }
      if (operations.length == 0) {
        throw new IllegalArgumentException("grant at least one operation to caller '" + caller + "'");
      }
      grants.computeIfAbsent(caller, c -> EnumSet.noneOf(KeyOperation.class)).addAll(Arrays.asList(operations));
      return this;
    }

    private static String checkKey(String key) {
      Objects.requireNonNull(key, "key");
      if (key.isEmpty()) {
        throw new IllegalArgumentException("an encryption context key cannot be empty");
      }
      return key;
    }

    public KeyPolicy build() {
      return new KeyPolicy(this);
    }
  }
}
