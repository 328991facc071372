package dev.envelope.cli;

import dev.envelope.local.KeyMetadata;
import dev.envelope.local.KeyOperation;
import dev.envelope.local.KeyPolicy;
import dev.envelope.local.KeyVersion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * How the {@code keys} commands show key metadata: a readable table or JSON. Metadata only: a key
 * store never hands out key material here. Allowed context values are shown only for context keys
 * the key's policy marks loggable, as everywhere else in the key store.
 */
final class KeyView {
  private KeyView() {}

  /** One key as JSON fields. */
  static Map<String, Object> json(KeyMetadata key) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("keyId", key.keyId());
    m.put("alias", key.alias().orElse(null));
    m.put("description", key.description());
    m.put("state", key.state().name());
    m.put("primaryVersion", key.primaryVersion());
    m.put("minDecryptionVersion", key.minDecryptionVersion());
    List<Object> versions = new ArrayList<>();
    for (KeyVersion v : key.versions()) {
      Map<String, Object> version = new LinkedHashMap<>();
      version.put("version", v.number());
      version.put("createdAt", v.createdAt().toString());
      version.put("keyName", v.keyName());
      versions.add(version);
    }
    m.put("versions", versions);
    m.put("createdAt", key.createdAt().toString());
    m.put("lastRotatedAt", key.lastRotatedAt().map(Instant::toString).orElse(null));
    m.put("stateChangedAt", key.stateChangedAt().toString());
    m.put("destructionDate", key.destructionDate().map(Instant::toString).orElse(null));
    m.put("keyNamespace", key.keyNamespace());
    m.put("policy", policy(key.policy()));
    return m;
  }

  private static Map<String, Object> policy(KeyPolicy policy) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("allowedOperations", names(policy.allowedOperations()));
    p.put("requiredContextKeys", new ArrayList<>(policy.requiredContextKeys()));
    Map<String, Object> values = new TreeMap<>();
    policy.allowedContextValues().forEach((k, v) -> values.put(k,
        policy.loggableContextKeys().contains(k) ? new ArrayList<>(v) : v.size() + " values (not loggable)"));
    p.put("allowedContextValues", values);
    p.put("loggableContextKeys", new ArrayList<>(policy.loggableContextKeys()));
    Map<String, Object> grants = new TreeMap<>();
    policy.callerGrants().forEach((caller, ops) -> grants.put(caller, names(ops)));
    p.put("callerGrants", grants);
    return p;
  }

  private static List<Object> names(Set<KeyOperation> operations) {
    return operations.stream().map(KeyOperation::name).collect(Collectors.toList());
  }

  /** One key, a field per line. */
  static String describe(KeyMetadata key) {
    Table t = new Table("key id", key.keyId());
    t.row("alias", key.alias().orElse("(none)"));
    t.row("description", key.description().isEmpty() ? "(none)" : key.description());
    t.row("state", key.state().name());
    t.row("primary version", "v" + key.primaryVersion());
    t.row("versions", key.versions().stream().map(v -> "v" + v.number() + " (" + v.createdAt() + ")")
        .collect(Collectors.joining(", ")));
    t.row("min decrypt", "v" + key.minDecryptionVersion()
        + (key.minDecryptionVersion() == 1 ? " (every version decrypts)" : " (older versions are refused)"));
    t.row("created", key.createdAt());
    t.row("last rotated", key.lastRotatedAt().map(Instant::toString).orElse("never"));
    t.row("state changed", key.stateChangedAt());
    t.row("destruction", key.destructionDate().map(Instant::toString).orElse("(not scheduled)"));
    t.row("key namespace", key.keyNamespace() + " (key names " + key.keyNamePrefix() + "N)");
    t.row("policy", policyText(key.policy()));
    return t.render();
  }

  private static String policyText(KeyPolicy policy) {
    List<String> parts = new ArrayList<>();
    parts.add("allows " + String.join(", ", policy.allowedOperations().stream().map(KeyOperation::name).toList()));
    if (!policy.requiredContextKeys().isEmpty()) {
      parts.add("context must have " + String.join(", ", policy.requiredContextKeys()));
    }
    policy.allowedContextValues().forEach((k, v) -> parts.add("context '" + k + "' must be "
        + (policy.loggableContextKeys().contains(k) ? "one of " + String.join(", ", v) : "one of " + v.size() + " values")));
    if (!policy.loggableContextKeys().isEmpty()) {
      parts.add("logs values of " + String.join(", ", policy.loggableContextKeys()));
    }
    policy.callerGrants().forEach((caller, ops) -> parts.add("grants " + caller + ": "
        + String.join(", ", ops.stream().map(KeyOperation::name).toList())));
    return String.join("; ", parts);
  }

  /** Several keys, a row each. */
  static String list(List<KeyMetadata> keys) {
    if (keys.isEmpty()) {
      return "no keys; create one with 'envelope keys create --keystore DIR --alias NAME'\n";
    }
    Table t = new Table("KEY ID", "ALIAS", "STATE", "PRIMARY", "VERSIONS", "CREATED", "DESCRIPTION");
    for (KeyMetadata k : keys) {
      t.row(k.keyId(), k.alias().orElse("-"), k.state().name(), "v" + k.primaryVersion(), k.versions().size(),
          k.createdAt(), k.description());
    }
    return t.render();
  }
}
