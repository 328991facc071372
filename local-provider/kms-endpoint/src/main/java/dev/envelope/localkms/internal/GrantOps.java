package dev.envelope.localkms.internal;

import static dev.envelope.localkms.internal.GrantTokens.MAX_GRANT_TOKEN;
import static dev.envelope.localkms.internal.GrantTokens.grantIdOfToken;
import static dev.envelope.localkms.internal.GrantTokens.grantTokens;
import static dev.envelope.localkms.internal.KeyResolver.principalMatches;
import static dev.envelope.localkms.internal.Responses.limit;
import static dev.envelope.localkms.internal.Responses.marker;
import static dev.envelope.localkms.internal.Responses.page;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.envelope.localkms.internal.KmsBackend.BackendKeyState;
import dev.envelope.localkms.internal.KmsRegistry.GrantRecord;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The grant operations: CreateGrant, ListGrants, RetireGrant and RevokeGrant.
 */
final class GrantOps extends OperationFamily {
  private static final Pattern GRANT_ID = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern PRINCIPAL_ARN =
      Pattern.compile("arn:[a-z0-9-]+:(iam|sts)::[0-9]{12}:.+|[0-9]{12}");
  private static final List<String> GRANT_OPERATIONS =
      List.of(
          "Decrypt",
          "Encrypt",
          "GenerateDataKey",
          "GenerateDataKeyWithoutPlaintext",
          "ReEncryptFrom",
          "ReEncryptTo",
          "Sign",
          "Verify",
          "GetPublicKey",
          "CreateGrant",
          "RetireGrant",
          "DescribeKey",
          "GenerateDataKeyPair",
          "GenerateDataKeyPairWithoutPlaintext",
          "GenerateMac",
          "VerifyMac",
          "DeriveSharedSecret");
  private static final Set<String> SYMMETRIC_GRANT_OPERATIONS =
      Set.of(
          "Decrypt",
          "Encrypt",
          "GenerateDataKey",
          "GenerateDataKeyWithoutPlaintext",
          "ReEncryptFrom",
          "ReEncryptTo",
          "CreateGrant",
          "RetireGrant",
          "DescribeKey");

  private final KmsRegistry registry;
  private final Arns arns;
  private final Clock clock;
  private final SecureRandom random;

  GrantOps(KmsContext ctx, KeyResolver keys) {
    super(ctx, keys);
    this.registry = ctx.registry();
    this.arns = ctx.arns();
    this.clock = ctx.clock();
    this.random = ctx.random();
  }

  JsonObject createGrant(Caller c, Json r) {
    String keyId = r.requiredString("KeyId", 1, MAX_KEY_ID);
    String grantee = r.requiredString("GranteePrincipal", 1, 256);
    String retiring = r.optionalString("RetiringPrincipal", 1, 256);
    List<String> operations = r.stringList("Operations", 100);
    Json constraints = r.object("Constraints");
    Set<String> tokens = grantTokens(r);
    String name = r.optionalString("Name", 1, 256);
    boolean dryRun = r.bool("DryRun");
    if (r.has("GranteeServicePrincipal") || r.has("RetiringServicePrincipal")) {
      throw KmsException.unsupported(
          "Service principals are not supported by this local endpoint.");
    }
    if (operations.isEmpty()) {
      throw KmsException.constraint(
          "[]", "operations", "Member must have length greater than or equal to 1");
    }
    for (String op : operations) {
      if (!GRANT_OPERATIONS.contains(op)) {
        throw KmsException.constraint(
            op,
            "operations",
            "Member must satisfy constraint: [Member must satisfy enum value set: "
                + GRANT_OPERATIONS
                + "]");
      }
      if (!SYMMETRIC_GRANT_OPERATIONS.contains(op)) {
        throw KmsException.validation(
            "Grant operation " + op + " is not valid for a symmetric encryption KMS key.");
      }
    }
    for (String p : retiring == null ? List.of(grantee) : List.of(grantee, retiring)) {
      if (!PRINCIPAL_ARN.matcher(p).matches()) {
        throw KmsException.validation(
            "Invalid principal: " + p + ". Use an IAM principal ARN or an account id.");
      }
    }
    if (name != null && !ALIAS_NAME.matcher(name).matches()) {
      throw KmsException.constraint(
          name, "name", "Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$");
    }
    Map<String, String> subset = Map.of();
    Map<String, String> equals = Map.of();
    boolean hasConstraints = constraints != null;
    if (constraints != null) {
      subset = constraints.stringMap("EncryptionContextSubset");
      equals = constraints.stringMap("EncryptionContextEquals");
      if (constraints.has("SourceArn")) {
        throw KmsException.unsupported("The SourceArn grant constraint is not supported here.");
      }
      if (operations.contains("DescribeKey") || operations.contains("RetireGrant")) {
        throw KmsException.validation(
            "Encryption context grant constraints are not supported on grants that allow"
                + " DescribeKey or RetireGrant.");
      }
    }
    RegionalKey k = resolve(c, keyId, false);
    authorize(c, k, "kms:CreateGrant", null, tokens, null, operations);
    if (k.state() == BackendKeyState.DISABLED) {
      throw KmsException.disabled(k.arn());
    }
    if (k.state() == BackendKeyState.PENDING_DELETION) {
      throw KmsException.pendingDeletion(k.arn());
    }
    dryRun(dryRun);
    List<String> ops = List.copyOf(new java.util.TreeSet<>(operations));
    if (name != null) {
      for (GrantRecord g : registry.grants.values()) {
        if (g.keyId().equals(k.keyId())
            && g.region().equals(c.region())
            && name.equals(g.name())
            && g.granteePrincipal().equals(grantee)
            && java.util.Objects.equals(g.retiringPrincipal(), retiring)
            && g.operations().equals(ops)
            && g.contextSubset().equals(subset)
            && g.contextEquals().equals(equals)) {
          return grantResponse(g.grantId());
        }
      }
    }
    byte[] id = new byte[32];
    random.nextBytes(id);
    String grantId = HexFormat.of().formatHex(id);
    registry.grants.put(
        grantId,
        new GrantRecord(
            grantId,
            k.keyId(),
            c.region(),
            name,
            clock.instant(),
            grantee,
            retiring,
            ops,
            subset,
            equals,
            hasConstraints));
    registry.save();
    return grantResponse(grantId);
  }

  private JsonObject grantResponse(String grantId) {
    ByteBuffer token = ByteBuffer.allocate(49);
    token.put((byte) 1).put(HexFormat.of().parseHex(grantId));
    byte[] nonce = new byte[16];
    random.nextBytes(nonce);
    token.put(nonce);
    JsonObject out = new JsonObject();
    out.addProperty(
        "GrantToken", Base64.getUrlEncoder().withoutPadding().encodeToString(token.array()));
    out.addProperty("GrantId", grantId);
    return out;
  }

  JsonObject listGrants(Caller c, Json r) {
    String keyId = r.requiredString("KeyId", 1, MAX_KEY_ID);
    int limit = Math.min(limit(r, 1000, 50), 100);
    String after = marker(r);
    String grantId = r.optionalString("GrantId", 1, 128);
    String grantee = r.optionalString("GranteePrincipal", 1, 256);
    RegionalKey k = resolve(c, keyId, false);
    authorize(c, k, "kms:ListGrants", null, Set.of(), null);
    JsonArray grants = new JsonArray();
    boolean skipping = after != null;
    String last = null;
    boolean truncated = false;
    for (GrantRecord g : registry.grants.values()) {
      if (skipping) {
        skipping = !g.grantId().equals(after);
        continue;
      }
      if (!g.keyId().equals(k.keyId())
          || !g.region().equals(c.region())
          || (grantId != null && !grantId.equals(g.grantId()))
          || (grantee != null && !grantee.equals(g.granteePrincipal()))) {
        continue;
      }
      if (grants.size() == limit) {
        truncated = true;
        break;
      }
      grants.add(grantEntry(k, g));
      last = g.grantId();
    }
    if (skipping) {
      throw new KmsException("InvalidMarkerException", "The marker is not valid.");
    }
    JsonObject out = new JsonObject();
    out.add("Grants", grants);
    page(out, truncated, last);
    return out;
  }

  private JsonObject grantEntry(RegionalKey k, GrantRecord g) {
    JsonObject e = new JsonObject();
    e.addProperty("KeyId", k.arn());
    e.addProperty("GrantId", g.grantId());
    if (g.name() != null) {
      e.addProperty("Name", g.name());
    }
    e.add("CreationDate", Json.timestamp(g.created()));
    e.addProperty("GranteePrincipal", g.granteePrincipal());
    if (g.retiringPrincipal() != null) {
      e.addProperty("RetiringPrincipal", g.retiringPrincipal());
    }
    e.addProperty("IssuingAccount", arns.accountRootArn());
    e.add("Operations", Json.stringArray(g.operations()));
    if (g.hasConstraints()) {
      JsonObject constraints = new JsonObject();
      if (!g.contextSubset().isEmpty()) {
        constraints.add("EncryptionContextSubset", Json.stringObject(g.contextSubset()));
      }
      if (!g.contextEquals().isEmpty()) {
        constraints.add("EncryptionContextEquals", Json.stringObject(g.contextEquals()));
      }
      e.add("Constraints", constraints);
    }
    return e;
  }

  JsonObject retireGrant(Caller c, Json r) {
    String token = r.optionalString("GrantToken", 1, MAX_GRANT_TOKEN);
    String keyId = r.optionalString("KeyId", 1, MAX_KEY_ID);
    String grantId = r.optionalString("GrantId", 1, 128);
    boolean dryRun = r.bool("DryRun");
    GrantRecord g;
    if (token != null) {
      g = registry.grants.get(grantIdOfToken(token));
      if (g == null || keyInRegion(g.keyId(), g.region()).isEmpty()) {
        throw KmsException.notFound("Grant not found.");
      }
    } else {
      if (keyId == null || grantId == null) {
        throw KmsException.validation(
            "Specify the GrantToken, or both the KeyId and the GrantId, of the grant to retire.");
      }
      RegionalKey k = resolve(c, keyId, false);
      g = grantOfKey(c, k, grantId);
    }
    boolean allowed =
        (g.retiringPrincipal() != null && principalMatches(g.retiringPrincipal(), c))
            || (principalMatches(g.granteePrincipal(), c) && g.operations().contains("RetireGrant"))
            || c.principalArn().equals(arns.accountRootArn());
    if (!allowed) {
      throw KmsException.accessDenied(
          "User: "
              + c.principalArn()
              + " is not authorized to perform: kms:RetireGrant on resource: "
              + arns.keyArn(g.region(), g.keyId())
              + " because it is neither the grant's retiring"
              + " principal nor a grantee allowed to retire it");
    }
    dryRun(dryRun);
    registry.grants.remove(g.grantId());
    registry.save();
    return new JsonObject();
  }

  JsonObject revokeGrant(Caller c, Json r) {
    String keyId = r.requiredString("KeyId", 1, MAX_KEY_ID);
    String grantId = r.requiredString("GrantId", 1, 128);
    boolean dryRun = r.bool("DryRun");
    RegionalKey k = resolve(c, keyId, false);
    authorize(c, k, "kms:RevokeGrant", null, Set.of(), null);
    GrantRecord g = grantOfKey(c, k, grantId);
    dryRun(dryRun);
    registry.grants.remove(g.grantId());
    registry.save();
    return new JsonObject();
  }

  private GrantRecord grantOfKey(Caller c, RegionalKey k, String grantId) {
    if (!GRANT_ID.matcher(grantId).matches()) {
      throw new KmsException("InvalidGrantIdException", "Invalid grant ID " + grantId);
    }
    GrantRecord g = registry.grants.get(grantId);
    if (g == null || !g.keyId().equals(k.keyId()) || !g.region().equals(c.region())) {
      throw KmsException.notFound("Grant ID " + grantId + " not found for key " + k.arn());
    }
    return g;
  }
}
