package dev.envelope.localkms.internal;

import static dev.envelope.localkms.internal.Responses.limit;
import static dev.envelope.localkms.internal.Responses.marker;
import static dev.envelope.localkms.internal.Responses.page;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.envelope.localkms.internal.KmsBackend.BackendKeyState;
import dev.envelope.localkms.internal.KmsRegistry.AliasRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.TreeMap;

/**
 * The alias operations: CreateAlias, UpdateAlias, DeleteAlias and ListAliases, per Region.
 */
final class AliasOps extends OperationFamily {
  private final KmsRegistry registry;
  private final Arns arns;
  private final Clock clock;

  AliasOps(KmsContext ctx, KeyResolver keys) {
    super(ctx, keys);
    this.registry = ctx.registry();
    this.arns = ctx.arns();
    this.clock = ctx.clock();
  }

  JsonObject createAlias(Caller c, Json r) {
    String alias = aliasName(r);
    String targetKeyId = r.requiredString("TargetKeyId", 1, MAX_KEY_ID);
    RegionalKey k = resolve(c, targetKeyId, false);
    authorize(c, k, "kms:CreateAlias", null, Set.of(), null);
    if (k.state() == BackendKeyState.PENDING_DELETION) {
      throw KmsException.pendingDeletion(k.arn());
    }
    TreeMap<String, AliasRecord> inRegion = registry.aliasesIn(c.region());
    if (inRegion.containsKey(alias)) {
      throw new KmsException(
          "AlreadyExistsException",
          "An alias with the name " + arns.aliasArn(c.region(), alias) + " already exists");
    }
    Instant now = clock.instant();
    inRegion.put(alias, new AliasRecord(c.region(), alias, k.keyId(), now, now));
    registry.save();
    return new JsonObject();
  }

  JsonObject updateAlias(Caller c, Json r) {
    String alias = aliasName(r);
    String targetKeyId = r.requiredString("TargetKeyId", 1, MAX_KEY_ID);
    RegionalKey target = resolve(c, targetKeyId, false);
    AliasRecord existing = existingAlias(c, alias);
    RegionalKey current =
        keyInRegion(existing.targetKeyId(), c.region())
            .orElseThrow(() -> KmsException.notFound(aliasNotFound(c, alias)));
    authorize(c, current, "kms:UpdateAlias", null, Set.of(), null);
    authorize(c, target, "kms:UpdateAlias", null, Set.of(), null);
    if (target.state() == BackendKeyState.PENDING_DELETION) {
      throw KmsException.pendingDeletion(target.arn());
    }
    registry
        .aliasesIn(c.region())
        .put(
            alias,
            new AliasRecord(
                c.region(), alias, target.keyId(), existing.created(), clock.instant()));
    registry.save();
    return new JsonObject();
  }

  JsonObject deleteAlias(Caller c, Json r) {
    String alias = aliasName(r);
    AliasRecord existing = existingAlias(c, alias);
    keyInRegion(existing.targetKeyId(), c.region())
        .ifPresent(k -> authorize(c, k, "kms:DeleteAlias", null, Set.of(), null));
    registry.aliasesIn(c.region()).remove(alias);
    registry.save();
    return new JsonObject();
  }

  JsonObject listAliases(Caller c, Json r) {
    String keyId = r.optionalString("KeyId", 1, MAX_KEY_ID);
    int limit = Math.min(limit(r, 1000, 50), 100);
    String after = marker(r);
    String target = keyId == null ? null : resolve(c, keyId, false).keyId();
    JsonArray aliases = new JsonArray();
    String last = null;
    boolean truncated = false;
    for (AliasRecord a : registry.aliases.getOrDefault(c.region(), new TreeMap<>()).values()) {
      if ((target != null && !target.equals(a.targetKeyId()))
          || (after != null && a.aliasName().compareTo(after) <= 0)) {
        continue;
      }
      if (aliases.size() == limit) {
        truncated = true;
        break;
      }
      JsonObject e = new JsonObject();
      e.addProperty("AliasName", a.aliasName());
      e.addProperty("AliasArn", arns.aliasArn(c.region(), a.aliasName()));
      e.addProperty("TargetKeyId", a.targetKeyId());
      e.add("CreationDate", Json.timestamp(a.created()));
      e.add("LastUpdatedDate", Json.timestamp(a.updated()));
      aliases.add(e);
      last = a.aliasName();
    }
    JsonObject out = new JsonObject();
    out.add("Aliases", aliases);
    page(out, truncated, last);
    return out;
  }

  private static String aliasName(Json r) {
    String alias = r.requiredString("AliasName", 1, 256);
    if (!ALIAS_NAME.matcher(alias).matches()) {
      throw KmsException.constraint(
          alias, "aliasName", "Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$");
    }
    if (!alias.startsWith("alias/") || alias.length() == "alias/".length()) {
      throw new KmsException(
          "InvalidAliasNameException",
          "Alias must start with the prefix \"alias/\" followed by a name.");
    }
    if (alias.startsWith("alias/aws/")) {
      throw new KmsException(
          "InvalidAliasNameException",
          "Alias names that begin with \"alias/aws/\" are reserved for AWS managed keys.");
    }
    return alias;
  }

  private AliasRecord existingAlias(Caller c, String alias) {
    AliasRecord a = registry.aliases.getOrDefault(c.region(), new TreeMap<>()).get(alias);
    if (a == null) {
      throw KmsException.notFound(aliasNotFound(c, alias));
    }
    return a;
  }
}
