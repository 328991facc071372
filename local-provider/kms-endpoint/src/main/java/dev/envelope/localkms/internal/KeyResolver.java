package dev.envelope.localkms.internal;

import dev.envelope.localkms.internal.KmsBackend.BackendKeyState;
import dev.envelope.localkms.internal.KmsRegistry.AliasRecord;
import dev.envelope.localkms.internal.KmsRegistry.GrantRecord;
import dev.envelope.localkms.internal.KmsRegistry.KeyRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Finds the key a request names (key id, key ARN, alias name or alias ARN, in the caller's
 * Region) and authorizes the call: the key policy first (explicit deny wins), then grants.
 */
final class KeyResolver {
  private final KmsContext ctx;
  private final KmsBackend backend;
  private final KmsRegistry registry;
  private final Arns arns;
  private final Clock clock;
  private final Duration grantPropagationDelay;

  KeyResolver(KmsContext ctx) {
    this.ctx = ctx;
    this.backend = ctx.backend();
    this.registry = ctx.registry();
    this.arns = ctx.arns();
    this.clock = ctx.clock();
    this.grantPropagationDelay = ctx.grantPropagationDelay();
  }

  String aliasNotFound(Caller c, String alias) {
    return "Alias " + arns.aliasArn(c.region(), alias) + " is not found.";
  }

  /**
   * Finds the key a request names, in the caller's Region.
   *
   * @param allowAlias whether the operation accepts an alias name or alias ARN
   */
  RegionalKey resolve(Caller c, String identifier, boolean allowAlias) {
    Arns.KeyRef ref = Arns.parse(identifier);
    if (ref.isArn()
        && (!ref.partition().equals(arns.partition())
            || !ref.account().equals(arns.account())
            || !ref.region().equals(c.region()))) {
      throw ref.isAlias()
          ? KmsException.notFound("Alias " + identifier + " is not found.")
          : KmsException.keyNotFound(identifier);
    }
    String keyId = ref.name();
    if (ref.isAlias()) {
      if (!allowAlias) {
        throw KmsException.invalidKeyId(identifier);
      }
      AliasRecord a = registry.aliases.getOrDefault(c.region(), new TreeMap<>()).get(ref.name());
      if (a == null) {
        throw KmsException.notFound(aliasNotFound(c, ref.name()));
      }
      keyId = a.targetKeyId();
    } else if (!KeyIds.isValid(keyId)) {
      throw KmsException.invalidKeyId(identifier);
    }
    String id = keyId;
    return keyInRegion(id, c.region())
        .orElseThrow(() -> KmsException.keyNotFound(arns.keyArn(c.region(), id)));
  }

  java.util.Optional<RegionalKey> keyInRegion(String keyId, String region) {
    KeyRecord rec = registry.keys.get(keyId);
    if (rec == null || !rec.existsIn(region)) {
      return java.util.Optional.empty();
    }
    return backend.find(keyId).map(bk -> new RegionalKey(rec, bk, region, arns.keyArn(region, keyId)));
  }

  /** Cryptographic operations need an enabled key (key-state table: DisabledException, ...). */
  static void requireUsable(RegionalKey k) {
    if (k.state() == BackendKeyState.DISABLED) {
      throw KmsException.disabled(k.arn());
    }
    if (k.state() == BackendKeyState.PENDING_DELETION) {
      throw KmsException.pendingDeletion(k.arn());
    }
  }

  static void requirePrimaryRegion(RegionalKey k) {
    if (k.record().multiRegion() && !k.record().primaryRegion().equals(k.region())) {
      throw KmsException.unsupported(
          k.arn()
              + " is a multi-Region replica key; its key material"
              + " is rotated through the primary key in "
              + k.record().primaryRegion()
              + ".");
    }
  }

  void authorize(
      Caller c,
      RegionalKey k,
      String action,
      Map<String, String> context,
      Set<String> grantTokens,
      String algorithm) {
    authorize(c, k, action, context, grantTokens, algorithm, null);
  }

  /**
   * RegionalKey policy first (explicit deny wins), then grants: a grant counts once it has propagated
   * ({@code grantPropagationDelay} after creation) or at once when its token is in the request.
   */
  void authorize(
      Caller c,
      RegionalKey k,
      String action,
      Map<String, String> context,
      Set<String> grantTokens,
      String algorithm,
      List<String> grantOperations) {
    KeyPolicyDocument policy = ctx.parsePolicy(k.record().policy());
    KeyPolicyDocument.Decision decision =
        policy.evaluate(
            new KeyPolicyDocument.Request(
                c.principalArn(),
                c.account(),
                action,
                k.arn(),
                context,
                grantOperations,
                k.record().multiRegion(),
                algorithm));
    if (decision == KeyPolicyDocument.Decision.DENY) {
      throw KmsException.accessDenied(
          "User: "
              + c.principalArn()
              + " is not authorized to perform: "
              + action
              + " on resource: "
              + k.arn()
              + " with an explicit deny in a resource-based policy");
    }
    if (decision == KeyPolicyDocument.Decision.ALLOW
        || grantAllows(
            c, k, action.substring("kms:".length()), context, grantTokens, grantOperations)) {
      return;
    }
    throw KmsException.accessDenied(
        "User: "
            + c.principalArn()
            + " is not authorized to perform: "
            + action
            + " on resource: "
            + k.arn()
            + " because no resource-based policy allows the "
            + action
            + " action");
  }

  boolean grantAllows(
      Caller c,
      RegionalKey k,
      String operation,
      Map<String, String> context,
      Set<String> grantTokens,
      List<String> grantOperations) {
    Instant now = clock.instant();
    for (GrantRecord g : registry.grants.values()) {
      if (!g.keyId().equals(k.keyId())
          || !g.region().equals(k.region())
          || !g.operations().contains(operation)
          || !principalMatches(g.granteePrincipal(), c)) {
        continue;
      }
      boolean effective =
          grantTokens.contains(g.grantId())
              || !now.isBefore(g.created().plus(grantPropagationDelay));
      if (!effective) {
        continue;
      }
      if (grantOperations != null && !g.operations().containsAll(grantOperations)) {
        continue; // a grant can only create grants with a subset of its own operations
      }
      if (context != null
          && !g.contextSubset().isEmpty()
          && !context.entrySet().containsAll(g.contextSubset().entrySet())) {
        continue;
      }
      if (context != null && !g.contextEquals().isEmpty() && !context.equals(g.contextEquals())) {
        continue;
      }
      return true;
    }
    return false;
  }

  static boolean principalMatches(String pattern, Caller c) {
    if (pattern.equals(c.principalArn())) {
      return true;
    }
    if (pattern.matches("[0-9]{12}")) {
      return pattern.equals(c.account());
    }
    return pattern.matches("arn:[a-z0-9-]+:iam::[0-9]{12}:root")
        && pattern.split(":")[4].equals(c.account());
  }
}
