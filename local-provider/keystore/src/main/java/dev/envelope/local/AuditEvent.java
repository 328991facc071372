package dev.envelope.local;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One audited key use or lifecycle change: when, which key and version, which operation, the
 * outcome, the encryption context's keys (values only for keys the key's policy marks loggable),
 * and the caller label. Never key material, never plaintext.
 *
 * <p>Immutable. Built by key managers (the local key store, or a PKCS#11 implementation that
 * audits the same way) with {@link #builder()}.
 */
public final class AuditEvent {
  private final Instant time;
  private final String keyId;
  private final int keyVersion;
  private final KeyOperation operation;
  private final AuditOutcome outcome;
  private final List<String> contextKeys;
  private final Map<String, String> loggedContext;
  private final String caller;
  private final String detail;

  private AuditEvent(Builder b) {
    this.time = b.time;
    this.keyId = b.keyId;
    this.keyVersion = b.keyVersion;
    this.operation = b.operation;
    this.outcome = b.outcome;
    this.contextKeys = Collections.unmodifiableList(List.copyOf(new TreeSet<>(b.contextKeys)));
    this.loggedContext = Collections.unmodifiableMap(new TreeMap<>(b.loggedContext));
    this.caller = b.caller;
    this.detail = b.detail;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Instant time() {
    return time;
  }

  /** The key, or empty for an operation that named no existing key (e.g. an unknown alias). */
  public Optional<String> keyId() {
    return Optional.ofNullable(keyId);
  }

  /** The key version used, if the operation used one. */
  public OptionalInt keyVersion() {
    return keyVersion > 0 ? OptionalInt.of(keyVersion) : OptionalInt.empty();
  }

  public KeyOperation operation() {
    return operation;
  }

  public AuditOutcome outcome() {
    return outcome;
  }

  /** The encryption context's keys, sorted. */
  public List<String> contextKeys() {
    return contextKeys;
  }

  /** Context pairs whose keys the policy marks loggable. */
  public Map<String, String> loggedContext() {
    return loggedContext;
  }

  /** Who asked, as labelled by the application. */
  public String caller() {
    return caller;
  }

  /** A short explanation for a denial or failure (the rule or error, never values), else empty. */
  public String detail() {
    return detail;
  }

  @Override
  public String toString() {
    return "AuditEvent[" + time + " " + operation + " " + outcome + " key=" + keyId
        + (keyVersion > 0 ? "/v" + keyVersion : "") + " caller=" + caller + " contextKeys=" + contextKeys
        + (detail.isEmpty() ? "" : " detail=" + detail) + "]";
  }

  /** Builds an {@link AuditEvent}. Required: time, operation, outcome, caller. Not thread-safe. */
  public static final class Builder {
    private Instant time;
    private String keyId;
    private int keyVersion;
    private KeyOperation operation;
    private AuditOutcome outcome;
    private List<String> contextKeys = List.of();
    private Map<String, String> loggedContext = Map.of();
    private String caller;
    private String detail = "";

    private Builder() {}

    public Builder time(Instant time) {
      this.time = Objects.requireNonNull(time, "time");
      return this;
    }

    public Builder keyId(String keyId) {
      this.keyId = keyId;
      return this;
    }

    /** The version used; 0 for none. */
    public Builder keyVersion(int keyVersion) {
      if (keyVersion < 0) {
        throw new IllegalArgumentException("key version cannot be negative: " + keyVersion);
      }
      this.keyVersion = keyVersion;
      return this;
    }

    public Builder operation(KeyOperation operation) {
      this.operation = Objects.requireNonNull(operation, "operation");
      return this;
    }

    public Builder outcome(AuditOutcome outcome) {
      this.outcome = Objects.requireNonNull(outcome, "outcome");
      return this;
    }

    public Builder contextKeys(java.util.Collection<String> keys) {
      this.contextKeys = List.copyOf(keys);
      return this;
    }

    /** Context pairs allowed in the log; the caller must have filtered them by the policy. */
    public Builder loggedContext(Map<String, String> pairs) {
      this.loggedContext = Map.copyOf(pairs);
      return this;
    }

    public Builder caller(String caller) {
      this.caller = Objects.requireNonNull(caller, "caller");
      return this;
    }

    public Builder detail(String detail) {
      this.detail = Objects.requireNonNull(detail, "detail");
      return this;
    }

    public AuditEvent build() {
      if (time == null || operation == null || outcome == null || caller == null) {
        throw new IllegalStateException("an audit event needs time, operation, outcome and caller");
      }
      return new AuditEvent(this);
    }
  }
}
