package dev.envelope.localkms.internal;

import dev.envelope.localkms.internal.KmsBackend.BackendException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the operation families share: the backend and the endpoint's registry, ARN naming, the
 * Regions served, the clock, the grant propagation delay, the service caller label, the random
 * source, and the cache of parsed key policies. Also the one mapping of backend refusals to KMS
 * errors.
 */
record KmsContext(
    KmsBackend backend,
    KmsRegistry registry,
    Arns arns,
    List<String> regions,
    Clock clock,
    Duration grantPropagationDelay,
    String serviceCaller,
    SecureRandom random,
    Map<String, KeyPolicyDocument> policies) {

  /** Runs a backend call, turning its refusals into the KMS errors for {@code action}. */
  <T> T backendCall(Caller c, String action, Supplier<T> call) {
    try {
      return call.get();
    } catch (BackendException e) {
      throw toKms(c, action, e);
    }
  }

  /**
   * The KMS error for a backend refusal: not found, disabled, pending deletion, other invalid
   * state, invalid ciphertext (no message, as KMS), and access denied naming the backend's rule.
   */
  KmsException toKms(Caller c, String action, BackendException e) {
    String arn = e.keyId() == null ? "(new key)" : arns.keyArn(c.region(), e.keyId());
    return switch (e.kind()) {
      case NOT_FOUND -> KmsException.keyNotFound(arn);
      case DISABLED -> KmsException.disabled(arn);
      case PENDING_DELETION -> KmsException.pendingDeletion(arn);
      case INVALID_STATE -> KmsException.invalidState(arn + ": " + e.getMessage());
      case BAD_CIPHERTEXT -> KmsException.invalidCiphertext();
      case ACCESS_DENIED ->
          KmsException.accessDenied(
              "User: "
                  + c.principalArn()
                  + " is not authorized to perform: "
                  + action
                  + " on resource: "
                  + arn
                  + " because the local key store's policy denies it: "
                  + e.getMessage());
    };
  }

  /** A key policy document, parsed once per distinct text (at most 256 kept). */
  KeyPolicyDocument parsePolicy(String policy) {
    KeyPolicyDocument cached = policies.get(policy);
    if (cached != null) {
      return cached;
    }
    KeyPolicyDocument parsed = KeyPolicyDocument.parse(policy);
    if (policies.size() > 256) {
      policies.clear();
    }
    policies.put(policy, parsed);
    return parsed;
  }
}
