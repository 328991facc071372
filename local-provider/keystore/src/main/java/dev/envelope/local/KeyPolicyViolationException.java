package dev.envelope.local;

import dev.envelope.PolicyViolationException;

/**
 * A {@link KeyPolicy} denied an operation on a key. The message and accessors name the key, the
 * operation and the rule; context values appear only for keys the policy marks loggable.
 */
public class KeyPolicyViolationException extends PolicyViolationException {
  private static final long serialVersionUID = 1L;

  private final String keyId;
  private final KeyOperation operation;
  private final String rule;

  public KeyPolicyViolationException(String keyId, KeyOperation operation, String rule) {
    super("the policy of key " + keyId + " denies " + operation + ": " + rule);
    this.keyId = keyId;
    this.operation = operation;
    this.rule = rule;
  }

  public String keyId() {
    return keyId;
  }

  public KeyOperation operation() {
    return operation;
  }

  /** The rule that denied it, in words (e.g. "encryption context lacks required key 'tenant'"). */
  public String rule() {
    return rule;
  }
}
