package dev.envelope.localkms.internal;

import com.google.gson.JsonObject;
import dev.envelope.localkms.internal.KmsBackend.KeyUse;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * GetKeyPolicy and PutKeyPolicy, the lockout safety check, and the key uses a policy denies to
 * everyone (which the backend enforces too).
 */
final class PolicyOps extends OperationFamily {
  /** The data-plane actions a backend's policy can refuse, by the backend use they need. */
  private static final Map<KeyUse, List<String>> USE_ACTIONS =
      Map.of(
          KeyUse.GENERATE, List.of("kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext"),
          KeyUse.ENCRYPT, List.of("kms:Encrypt"),
          KeyUse.DECRYPT, List.of("kms:Decrypt"),
          KeyUse.REENCRYPT, List.of("kms:ReEncryptFrom", "kms:ReEncryptTo"));

  private final KmsBackend backend;
  private final KmsRegistry registry;

  PolicyOps(KmsContext ctx, KeyResolver keys) {
    super(ctx, keys);
    this.backend = ctx.backend();
    this.registry = ctx.registry();
  }

  JsonObject getKeyPolicy(Caller c, Json r) {
    String keyId = r.requiredString("KeyId", 1, MAX_KEY_ID);
    policyName(r);
    RegionalKey k = resolve(c, keyId, false);
    authorize(c, k, "kms:GetKeyPolicy", null, Set.of(), null);
    JsonObject out = new JsonObject();
    out.addProperty("Policy", k.record().policy());
    out.addProperty("PolicyName", "default");
    return out;
  }

  JsonObject putKeyPolicy(Caller c, Json r) {
    String keyId = r.requiredString("KeyId", 1, MAX_KEY_ID);
    policyName(r);
    String policy = r.requiredString("Policy", 1, KeyPolicyDocument.MAX_CHARS);
    boolean bypass = r.bool("BypassPolicyLockoutSafetyCheck");
    RegionalKey k = resolve(c, keyId, false);
    authorize(c, k, "kms:PutKeyPolicy", null, Set.of(), null);
    KeyPolicyDocument parsed = parsePolicy(policy);
    if (!bypass) {
      lockoutCheck(c, parsed, k.arn(), k.record().multiRegion());
    }
    // The backend first: its own policy may refuse this caller, and then nothing changed.
    Set<KeyUse> before = forbiddenUses(parsePolicy(k.record().policy()));
    backendCall(
        c,
        "kms:PutKeyPolicy",
        () ->
            backend.restrictUses(k.keyId(), forbiddenUses(parsed), before, c.principalArn()));
    registry.keys.put(k.keyId(), k.record().withPolicy(policy));
    registry.save();
    return new JsonObject();
  }

  /**
   * The key uses a policy denies to everyone unconditionally (for every action of the use), which
   * the backend enforces too: such a denial holds whatever the grants, so the backend's refusal
   * never differs from the endpoint's, and it survives a tampered state file.
   */
  static Set<KeyUse> forbiddenUses(KeyPolicyDocument policy) {
    List<String> actions = new ArrayList<>();
    USE_ACTIONS.values().forEach(actions::addAll);
    Set<String> denied = policy.deniedToEveryone(actions);
    Set<KeyUse> uses = EnumSet.noneOf(KeyUse.class);
    USE_ACTIONS.forEach(
        (use, needed) -> {
          if (denied.containsAll(needed)) {
            uses.add(use);
          }
        });
    return uses;
  }

  private static void policyName(Json r) {
    String name = r.optionalString("PolicyName", 1, 128);
    if (name != null && !name.equals("default")) {
      throw KmsException.notFound("No such policy exists");
    }
  }

  static void lockoutCheck(Caller c, KeyPolicyDocument policy, String keyArn, boolean multiRegion) {
    KeyPolicyDocument.Request req =
        new KeyPolicyDocument.Request(
            c.principalArn(),
            c.account(),
            "kms:PutKeyPolicy",
            keyArn,
            null,
            null,
            multiRegion,
            null);
    if (policy.evaluate(req) != KeyPolicyDocument.Decision.ALLOW) {
      throw KeyPolicyDocument.malformed(
          "The new key policy will not allow you to update the key policy in the future.");
    }
  }
}
