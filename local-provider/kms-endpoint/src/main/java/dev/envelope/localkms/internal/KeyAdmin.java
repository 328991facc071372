package dev.envelope.localkms.internal;

import static dev.envelope.localkms.internal.GrantTokens.grantTokens;
import static dev.envelope.localkms.internal.KeyResolver.requirePrimaryRegion;
import static dev.envelope.localkms.internal.KeyResolver.requireUsable;
import static dev.envelope.localkms.internal.PolicyOps.forbiddenUses;
import static dev.envelope.localkms.internal.PolicyOps.lockoutCheck;
import static dev.envelope.localkms.internal.Responses.limit;
import static dev.envelope.localkms.internal.Responses.marker;
import static dev.envelope.localkms.internal.Responses.page;
import static dev.envelope.localkms.internal.Responses.tags;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.envelope.localkms.internal.KmsBackend.BackendKey;
import dev.envelope.localkms.internal.KmsBackend.BackendKeyState;
import dev.envelope.localkms.internal.KmsRegistry.KeyRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The key administration operations: CreateKey, DescribeKey, ListKeys, UpdateKeyDescription,
 * Enable/DisableKey, Schedule/CancelKeyDeletion, key rotation, and ReplicateKey.
 */
final class KeyAdmin extends OperationFamily {
  private static final int MAX_DESCRIPTION = 8192;

  private final KmsBackend backend;
  private final KmsRegistry registry;
  private final Arns arns;
  private final List<String> regions;
  private final Clock clock;
  private final Maintenance maintenance;

  KeyAdmin(KmsContext ctx, KeyResolver keys, Maintenance maintenance) {
    super(ctx, keys);
    this.backend = ctx.backend();
    this.registry = ctx.registry();
    this.arns = ctx.arns();
    this.regions = ctx.regions();
    this.clock = ctx.clock();
    this.maintenance = maintenance;
  }

  JsonObject createKey(Caller c, Json r) {
    String policy = r.optionalString("Policy", 1, KeyPolicyDocument.MAX_CHARS);
    String description = r.optionalString("Description", 0, MAX_DESCRIPTION);
    String usage =
        r.enumValue(
            "KeyUsage",
            List.of("SIGN_VERIFY", "ENCRYPT_DECRYPT", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"));
    String cmkSpec = r.string("CustomerMasterKeySpec");
    String keySpec = r.string("KeySpec");
    String origin =
        r.enumValue("Origin", List.of("AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"));
    boolean multiRegion = r.bool("MultiRegion");
    boolean bypass = r.bool("BypassPolicyLockoutSafetyCheck");
    Map<String, String> tags = tags(r);
    if (cmkSpec != null && keySpec != null) {
      throw KmsException.validation(
          "You cannot specify KeySpec and CustomerMasterKeySpec in the same request."
              + " CustomerMasterKeySpec is deprecated.");
    }
    String spec = keySpec != null ? keySpec : cmkSpec;
    if (spec != null && !spec.equals(SYMMETRIC_DEFAULT)) {
      throw KmsException.unsupported(
          "KeySpec "
              + spec
              + " is not supported by this local KMS endpoint; it creates"
              + " SYMMETRIC_DEFAULT keys only.");
    }
    if (usage != null && !usage.equals("ENCRYPT_DECRYPT")) {
      throw KmsException.unsupported(
          "KeyUsage "
              + usage
              + " is not supported by this local KMS endpoint; it creates"
              + " ENCRYPT_DECRYPT keys only.");
    }
    if (origin != null && !origin.equals("AWS_KMS")) {
      throw KmsException.unsupported(
          "Origin " + origin + " is not supported by this local KMS endpoint.");
    }
    if (r.has("CustomKeyStoreId") || r.has("XksKeyId")) {
      throw KmsException.unsupported("Custom key stores are not supported by this local endpoint.");
    }
    if (policy == null) {
      policy = KeyPolicyDocument.defaultPolicy(arns.accountRootArn());
    }
    KeyPolicyDocument parsed = parsePolicy(policy);
    if (!bypass) {
      // The backend picks the key id, so the check runs before it exists, with a wildcard id: a key
      // policy's Resource is "*" ("this key") in practice, and it cannot name a key not yet made.
      lockoutCheck(c, parsed, arns.keyArn(c.region(), multiRegion ? "mrk-*" : "*"), multiRegion);
    }
    String text = description == null ? "" : description;
    BackendKey bk =
        backendCall(
            c,
            "kms:CreateKey",
            () -> backend.create(multiRegion, text, forbiddenUses(parsed), c.principalArn()));
    String keyId = bk.keyId();
    KeyRecord rec =
        new KeyRecord(keyId, c.region(), List.of(), false, 365, null, null, 0, tags, policy);
    registry.keys.put(keyId, rec);
    registry.save();
    JsonObject out = new JsonObject();
    out.add("KeyMetadata", metadata(new RegionalKey(rec, bk, c.region(), arns.keyArn(c.region(), keyId))));
    return out;
  }

  JsonObject describeKey(Caller c, Json r) {
    String keyId = r.requiredString("KeyId", 1, MAX_KEY_ID);
    Set<String> tokens = grantTokens(r);
    RegionalKey k = resolve(c, keyId, true);
    authorize(c, k, "kms:DescribeKey", null, tokens, null);
    JsonObject out = new JsonObject();
    out.add("KeyMetadata", metadata(k));
    return out;
  }

  JsonObject listKeys(Caller c, Json r) {
    int limit = limit(r, 1000, 100);
    String after = marker(r);
    JsonArray keys = new JsonArray();
    String last = null;
    boolean truncated = false;
    for (KeyRecord rec : registry.keys.values()) {
      if (!rec.existsIn(c.region()) || (after != null && rec.keyId().compareTo(after) <= 0)) {
        continue;
      }
      if (keys.size() == limit) {
        truncated = true;
        break;
      }
      JsonObject e = new JsonObject();
      e.addProperty("KeyId", rec.keyId());
      e.addProperty("KeyArn", arns.keyArn(c.region(), rec.keyId()));
      keys.add(e);
      last = rec.keyId();
    }
    JsonObject out = new JsonObject();
    out.add("Keys", keys);
    page(out, truncated, last);
    return out;
  }

  JsonObject updateKeyDescription(Caller c, Json r) {
    String keyId = r.requiredString("KeyId", 1, MAX_KEY_ID);
    String description = r.requiredString("Description", 0, MAX_DESCRIPTION);
    RegionalKey k = resolve(c, keyId, false);
    authorize(c, k, "kms:UpdateKeyDescription", null, Set.of(), null);
    if (k.state() == BackendKeyState.PENDING_DELETION) {
      throw KmsException.pendingDeletion(k.arn());
    }
    backendCall(
        c,
        "kms:UpdateKeyDescription",
        () -> backend.updateDescription(k.keyId(), description, c.principalArn()));
    return new JsonObject();
  }

  JsonObject enableKey(Caller c, Json r, boolean enable) {
    RegionalKey k = resolve(c, r.requiredString("KeyId", 1, MAX_KEY_ID), false);
    authorize(c, k, enable ? "kms:EnableKey" : "kms:DisableKey", null, Set.of(), null);
    if (k.state() == BackendKeyState.PENDING_DELETION) {
      throw KmsException.pendingDeletion(k.arn());
    }
    backendCall(
        c,
        enable ? "kms:EnableKey" : "kms:DisableKey",
        () -> backend.setEnabled(k.keyId(), enable, c.principalArn()));
    maintenance.schedule();
    return new JsonObject();
  }

  JsonObject scheduleKeyDeletion(Caller c, Json r) {
    String keyId = r.requiredString("KeyId", 1, MAX_KEY_ID);
    Integer days = r.integer("PendingWindowInDays", 7, 30);
    RegionalKey k = resolve(c, keyId, false);
    int window = days == null ? 30 : days;
    authorize(c, k, "kms:ScheduleKeyDeletion", null, Set.of(), null);
    if (k.state() == BackendKeyState.PENDING_DELETION) {
      throw KmsException.pendingDeletion(k.arn());
    }
    BackendKey scheduled =
        backendCall(
            c,
            "kms:ScheduleKeyDeletion",
            () -> backend.scheduleDeletion(k.keyId(), Duration.ofDays(window), c.principalArn()));
    Instant deletionDate = scheduled.deletionDate();
    registry.keys.put(k.keyId(), k.record().withPendingWindow(window));
    registry.save();
    maintenance.schedule();
    JsonObject out = new JsonObject();
    out.addProperty("KeyId", k.arn());
    out.add("DeletionDate", Json.timestamp(deletionDate));
    out.addProperty("KeyState", BackendKeyState.PENDING_DELETION.kmsName());
    out.addProperty("PendingWindowInDays", window);
    return out;
  }

  JsonObject cancelKeyDeletion(Caller c, Json r) {
    RegionalKey k = resolve(c, r.requiredString("KeyId", 1, MAX_KEY_ID), false);
    authorize(c, k, "kms:CancelKeyDeletion", null, Set.of(), null);
    if (k.state() != BackendKeyState.PENDING_DELETION) {
      throw KmsException.invalidState(k.arn() + " is not pending deletion.");
    }
    backendCall(
        c, "kms:CancelKeyDeletion", () -> backend.cancelDeletion(k.keyId(), c.principalArn()));
    maintenance.schedule();
    JsonObject out = new JsonObject();
    out.addProperty("KeyId", k.arn());
    return out;
  }

  JsonObject keyRotation(Caller c, Json r, boolean enable) {
    String keyId = r.requiredString("KeyId", 1, MAX_KEY_ID);
    Integer period = enable ? r.integer("RotationPeriodInDays", 90, 2560) : null;
    RegionalKey k = resolve(c, keyId, false);
    authorize(
        c, k, enable ? "kms:EnableKeyRotation" : "kms:DisableKeyRotation", null, Set.of(), null);
    requireUsable(k);
    requirePrimaryRegion(k);
    KeyRecord rec = k.record();
    if (enable) {
      int days = period == null ? 365 : period;
      Instant next = clock.instant().plus(Duration.ofDays(days));
      registry.keys.put(k.keyId(), rec.withRotation(true, days, next));
    } else {
      registry.keys.put(k.keyId(), rec.withRotation(false, rec.rotationPeriodDays(), null));
    }
    registry.save();
    maintenance.schedule();
    return new JsonObject();
  }

  JsonObject getKeyRotationStatus(Caller c, Json r) {
    RegionalKey k = resolve(c, r.requiredString("KeyId", 1, MAX_KEY_ID), false);
    authorize(c, k, "kms:GetKeyRotationStatus", null, Set.of(), null);
    KeyRecord rec = k.record();
    JsonObject out = new JsonObject();
    out.addProperty("KeyRotationEnabled", rec.rotationEnabled());
    out.addProperty("KeyId", k.arn());
    if (rec.rotationEnabled()) {
      out.addProperty("RotationPeriodInDays", rec.rotationPeriodDays());
      out.add("NextRotationDate", Json.timestamp(rec.nextRotationDate()));
    }
    if (rec.onDemandRotationStartDate() != null) {
      out.add("OnDemandRotationStartDate", Json.timestamp(rec.onDemandRotationStartDate()));
    }
    return out;
  }

  JsonObject rotateKeyOnDemand(Caller c, Json r) {
    RegionalKey k = resolve(c, r.requiredString("KeyId", 1, MAX_KEY_ID), false);
    authorize(c, k, "kms:RotateKeyOnDemand", null, Set.of(), null);
    requireUsable(k);
    requirePrimaryRegion(k);
    Instant now = clock.instant();
    backendCall(c, "kms:RotateKeyOnDemand", () -> backend.rotate(k.keyId(), c.principalArn()));
    registry.keys.put(k.keyId(), k.record().withOnDemandRotation(now));
    registry.save();
    JsonObject out = new JsonObject();
    out.addProperty("KeyId", k.arn());
    return out;
  }

  JsonObject replicateKey(Caller c, Json r) {
    String keyId = r.requiredString("KeyId", 1, MAX_KEY_ID);
    String replicaRegion = r.requiredString("ReplicaRegion", 1, 32);
    String policy = r.optionalString("Policy", 1, KeyPolicyDocument.MAX_CHARS);
    String description = r.optionalString("Description", 0, MAX_DESCRIPTION);
    r.bool("BypassPolicyLockoutSafetyCheck");
    Map<String, String> tags = tags(r);
    if (!REGION.matcher(replicaRegion).matches()) {
      throw KmsException.constraint(
          replicaRegion,
          "replicaRegion",
          "Member must satisfy regular expression pattern: ^([a-z]+-){2,3}\\d+$");
    }
    RegionalKey k = resolve(c, keyId, false);
    authorize(c, k, "kms:ReplicateKey", null, Set.of(), null);
    if (!k.record().multiRegion()) {
      throw KmsException.unsupported(k.arn() + " is not a multi-Region key.");
    }
    if (!k.record().primaryRegion().equals(c.region())) {
      throw KmsException.unsupported(
          k.arn()
              + " is a replica key; call ReplicateKey in the primary key's Region ("
              + k.record().primaryRegion()
              + ").");
    }
    if (k.state() == BackendKeyState.PENDING_DELETION) {
      throw KmsException.pendingDeletion(k.arn());
    }
    if (!regions.contains(replicaRegion)) {
      throw KmsException.unsupported(
          "Region "
              + replicaRegion
              + " is not served by this local endpoint; configure it with"
              + " the endpoint's regions.");
    }
    if (k.record().existsIn(replicaRegion)) {
      throw new KmsException(
          "AlreadyExistsException", arns.keyArn(replicaRegion, k.keyId()) + " already exists.");
    }
    if (policy != null && !policy.equals(k.record().policy())) {
      throw KmsException.unsupported(
          "Replicas of a multi-Region key share the primary's key policy on this local endpoint;"
              + " omit Policy or pass the primary's policy, then use PutKeyPolicy.");
    }
    if (description != null && !description.equals(k.backend().description())) {
      throw KmsException.unsupported(
          "Replicas of a multi-Region key share the primary's description on this local"
              + " endpoint; omit Description or use UpdateKeyDescription.");
    }
    KeyRecord rec = k.record().withReplica(replicaRegion);
    if (!tags.isEmpty()) {
      Map<String, String> merged = new LinkedHashMap<>(rec.tags());
      merged.putAll(tags);
      rec =
          new KeyRecord(
              rec.keyId(),
              rec.primaryRegion(),
              rec.replicaRegions(),
              rec.rotationEnabled(),
              rec.rotationPeriodDays(),
              rec.nextRotationDate(),
              rec.onDemandRotationStartDate(),
              rec.pendingWindowDays(),
              Map.copyOf(merged),
              rec.policy());
    }
    registry.keys.put(k.keyId(), rec);
    registry.save();
    RegionalKey replica = new RegionalKey(rec, k.backend(), replicaRegion, arns.keyArn(replicaRegion, k.keyId()));
    JsonObject out = new JsonObject();
    out.add("ReplicaKeyMetadata", metadata(replica));
    out.addProperty("ReplicaPolicy", k.record().policy());
    JsonArray tagList = new JsonArray();
    rec.tags()
        .forEach(
            (key, value) -> {
              JsonObject t = new JsonObject();
              t.addProperty("TagKey", key);
              t.addProperty("TagValue", value);
              tagList.add(t);
            });
    out.add("ReplicaTags", tagList);
    return out;
  }
}
