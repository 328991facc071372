package dev.envelope.local.internal;

import dev.envelope.EncryptionContext;
import dev.envelope.local.AuditOutcome;
import dev.envelope.local.KeyDestroyedException;
import dev.envelope.local.KeyDisabledException;
import dev.envelope.local.KeyMetadata;
import dev.envelope.local.KeyOperation;
import dev.envelope.local.KeyPendingDestructionException;
import dev.envelope.local.KeyPolicy;
import dev.envelope.local.KeyPolicyViolationException;
import dev.envelope.local.KeyState;
import dev.envelope.local.KeyStateException;
import java.util.Map;

/**
 * The state and policy checks every key operation passes first, and the exceptions that say
 * why a key refused: disabled, pending destruction, destroyed, or not allowed by its policy.
 */
final class AccessChecks {
  private AccessChecks() {}

  static String name(KeyMetadata m) {
    return m.keyId() + m.alias().map(a -> " (" + a + ")").orElse("");
  }

  static void refuseUnlessEnabled(KeyMetadata m) {
    if (m.state() != KeyState.ENABLED) {
      throw refusal(m, "it refuses every operation");
    }
  }

  /** The exception for a key that is not enabled. */
  static KeyStateException refusal(KeyMetadata m, String consequence) {
    switch (m.state()) {
      case DISABLED:
        return new KeyDisabledException(m.keyId(),
            "key " + name(m) + " is disabled and " + consequence + "; enable it (enableKey) to use it again");
      case PENDING_DESTRUCTION:
        return new KeyPendingDestructionException(m.keyId(),
            "key " + name(m) + " is scheduled for destruction at " + m.destructionDate().orElseThrow() + " and "
                + consequence + "; cancel the destruction and enable it to use it again");
      case DESTROYED:
        return new KeyDestroyedException(m.keyId(),
            "key " + name(m) + " was destroyed at " + m.destructionDate().orElse(m.stateChangedAt())
                + "; data encrypted under it can no longer be decrypted, and " + consequence);
      default:
        throw new IllegalStateException("key " + m.keyId() + " is enabled");
    }
  }

  /**
   * Why {@code policy} denies {@code op} to {@code caller} with {@code context} (null for an
   * administrative operation), or null if it allows it. Never includes context values unless the
   * policy marks their key loggable.
   */
  static String denial(KeyPolicy policy, KeyOperation op, String caller, EncryptionContext context) {
    if (!policy.allows(op)) {
      return "operation " + op + " is not allowed by the key policy (allowed: " + policy.allowedOperations() + ")";
    }
    if (!policy.callerGrants().isEmpty()) {
      var granted = policy.callerGrants().get(caller);
      if (granted == null || !granted.contains(op)) {
        return "caller '" + caller + "' has no grant for " + op;
      }
    }
    if (op.isKeyUse() && context != null) {
      for (String required : policy.requiredContextKeys()) {
        if (!context.containsKey(required)) {
          return "the encryption context lacks the required key '" + required + "'";
        }
      }
      for (Map.Entry<String, java.util.Set<String>> rule : policy.allowedContextValues().entrySet()) {
        String value = context.get(rule.getKey()).orElse(null);
        if (value != null && !rule.getValue().contains(value)) {
          boolean loggable = policy.loggableContextKeys().contains(rule.getKey());
          return loggable
              ? "the value '" + value + "' of context key '" + rule.getKey() + "' is not among the allowed values "
                  + rule.getValue()
              : "the value of context key '" + rule.getKey() + "' is not among its " + rule.getValue().size()
                  + " allowed value(s)";
        }
      }
    }
    return null;
  }

  /**
   * Throws a {@link KeyStateException} (after auditing a denial) if {@code version} is below the
   * key's minimum decryption version.
   */
  static void refuseBelowMinimum(Events events, KeyFiles.LoadedKey k, KeyOperation op, EncryptionContext context,
      String caller, int version) {
    KeyMetadata m = k.metadata;
    if (version >= m.minDecryptionVersion()) {
      return;
    }
    String why = "key " + name(m) + " refuses to decrypt with version " + version + ": its minimum decryption version is "
        + m.minDecryptionVersion() + "; lower it (setMinDecryptionVersion, or keys set-min-decryption-version --version "
        + version + ") to decrypt this data again";
    events.audit(op, AuditOutcome.DENIED, m.keyId(), version, context, m.policy(), caller, why);
    throw new KeyStateException(m.keyId(), m.state(), why);
  }

  /** Throws (after auditing a denial) unless {@code k} may do {@code op} with {@code context}. */
  static void refuseUse(Events events, KeyFiles.LoadedKey k, KeyOperation op, EncryptionContext context, String caller, int version) {
    KeyMetadata m = k.metadata;
    RuntimeException refusal = null;
    if (m.state() != KeyState.ENABLED) {
      refusal = refusal(m, "it refuses every operation");
    } else {
      String denial = denial(m.policy(), op, caller, context);
      if (denial != null) {
        refusal = new KeyPolicyViolationException(m.keyId(), op, denial);
      }
    }
    if (refusal != null) {
      events.audit(op, AuditOutcome.DENIED, m.keyId(), version, context, m.policy(), caller, refusal.getMessage());
      throw refusal;
    }
  }
}
