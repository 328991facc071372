package dev.envelope.localkms.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.envelope.EncryptionContext;
import dev.envelope.localkms.KmsOperation;
import dev.envelope.localkms.internal.KmsBackend.BackendException;
import dev.envelope.localkms.internal.KmsBackend.BackendKey;
import dev.envelope.localkms.internal.KmsBackend.BackendKeyState;
import dev.envelope.localkms.internal.KmsBackend.KeyUse;
import dev.envelope.localkms.internal.KmsRegistry.AliasRecord;
import dev.envelope.localkms.internal.KmsRegistry.GrantRecord;
import dev.envelope.localkms.internal.KmsRegistry.KeyRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The KMS operations over a {@link KmsBackend}: request validation, key resolution (key id, key
 * ARN, alias name, alias ARN, per Region), authorization (key policy, then grants), key-state
 * rules, the ciphertext blob, and the response shapes of the AWS KMS API reference.
 *
 * <p>Every backend call names the caller's principal ARN, so the backend's own policy and audit
 * see who asked; what the endpoint does on its own (rotation when due, deletion when the waiting
 * period ends) names the service caller label instead. The backend's refusals become the KMS
 * errors ({@link #toKms}).
 *
 * <p>Thread-safe: read-only and cryptographic operations share a read lock; operations that change
 * keys, aliases or grants take the write lock (and persist before they answer).
 */
public final class KmsService {
  private static final System.Logger LOG = System.getLogger(KmsService.class.getName());
  static final String SYMMETRIC_DEFAULT = "SYMMETRIC_DEFAULT";
  private static final int MAX_KEY_ID = 2048;
  private static final int MAX_GRANT_TOKENS = 10;
  private static final int MAX_GRANT_TOKEN = 8192;
  private static final int MAX_PLAINTEXT = 4096;
  private static final int MAX_DESCRIPTION = 8192;
  private static final int MAX_MARKER = 1024;
  private static final Pattern ALIAS_NAME = Pattern.compile("^[a-zA-Z0-9:/_-]+$");
  private static final Pattern GRANT_ID = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern PRINCIPAL_ARN =
      Pattern.compile("arn:[a-z0-9-]+:(iam|sts)::[0-9]{12}:.+|[0-9]{12}");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]+");
  private static final List<String> ENCRYPTION_ALGORITHMS =
      List.of(SYMMETRIC_DEFAULT, "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE");
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
  private static final Set<KmsOperation> READ_ONLY =
      EnumSet.of(
          KmsOperation.DESCRIBE_KEY,
          KmsOperation.LIST_KEYS,
          KmsOperation.LIST_ALIASES,
          KmsOperation.GENERATE_DATA_KEY,
          KmsOperation.GENERATE_DATA_KEY_WITHOUT_PLAINTEXT,
          KmsOperation.ENCRYPT,
          KmsOperation.DECRYPT,
          KmsOperation.RE_ENCRYPT,
          KmsOperation.LIST_GRANTS,
          KmsOperation.GET_KEY_POLICY,
          KmsOperation.GET_KEY_ROTATION_STATUS,
          KmsOperation.GENERATE_RANDOM);
  /** The data-plane actions a backend's policy can refuse, by the backend use they need. */
  private static final Map<KeyUse, List<String>> USE_ACTIONS =
      Map.of(
          KeyUse.GENERATE, List.of("kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext"),
          KeyUse.ENCRYPT, List.of("kms:Encrypt"),
          KeyUse.DECRYPT, List.of("kms:Decrypt"),
          KeyUse.REENCRYPT, List.of("kms:ReEncryptFrom", "kms:ReEncryptTo"));
  /**
   * How often the endpoint re-reads the key store for changes made by its other users (keys
   * created, destroyed or scheduled for destruction through the store): at most this long after
   * such a change, ListKeys, ListAliases and the deletion schedule reflect it.
   */
  private static final Duration RECONCILE_EVERY = Duration.ofMinutes(1);
  /** How long maintenance leaves a key alone after the backend refused to rotate or delete it. */
  private static final Duration MAINTENANCE_BACKOFF = Duration.ofHours(1);

  private final KmsBackend backend;
  private final KmsRegistry registry;
  private final Arns arns;
  private final List<String> regions;
  private final Clock clock;
  private final Duration grantPropagationDelay;
  private final String serviceCaller;
  private final SecureRandom random = new SecureRandom();
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Map<String, KeyPolicyDocument> policies = new ConcurrentHashMap<>();
  private volatile Instant nextMaintenance;
  private volatile Instant lastReconciled = Instant.MIN;
  /** key id → when maintenance may try it again after the backend refused (guarded by lock). */
  private final Map<String, Instant> maintenanceBackoff = new HashMap<>();

  /** Who is calling, from which Region (the one their signature was scoped to). */
  public record Caller(String principalArn, String account, String region) {}

  /** A key as one Region sees it. */
  private record Key(KeyRecord record, BackendKey backend, String region, String arn) {
    String keyId() {
      return record.keyId();
    }

    BackendKeyState state() {
      return backend.state();
    }
  }

  public KmsService(
      KmsBackend backend,
      KmsRegistry registry,
      Arns arns,
      List<String> regions,
      Clock clock,
      Duration grantPropagationDelay,
      String serviceCaller) {
    this.backend = backend;
    this.registry = registry;
    this.arns = arns;
    this.regions = List.copyOf(regions);
    this.clock = clock;
    this.grantPropagationDelay = grantPropagationDelay;
    this.serviceCaller = serviceCaller;
    reconcile();
  }

  /**
   * Runs one operation for an authenticated caller.
   *
   * @throws KmsException with the KMS error for any failure the client should see
   */
  public JsonObject handle(KmsOperation op, Caller caller, Json request) {
    maintain();
    Lock l = READ_ONLY.contains(op) ? lock.readLock() : lock.writeLock();
    l.lock();
    try {
      return dispatch(op, caller, request);
    } catch (BackendException e) {
      // A call not wrapped with its exact action (see backendCall): name the operation's.
      throw toKms(caller, op.action(), e);
    } finally {
      l.unlock();
    }
  }

  /** Runs a backend call, turning its refusals into the KMS errors for {@code action}. */
  private <T> T backendCall(Caller c, String action, Supplier<T> call) {
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
  private KmsException toKms(Caller c, String action, BackendException e) {
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

  private JsonObject dispatch(KmsOperation op, Caller c, Json r) {
    return switch (op) {
      case CREATE_KEY -> createKey(c, r);
      case DESCRIBE_KEY -> describeKey(c, r);
      case LIST_KEYS -> listKeys(c, r);
      case CREATE_ALIAS -> createAlias(c, r);
      case UPDATE_ALIAS -> updateAlias(c, r);
      case DELETE_ALIAS -> deleteAlias(c, r);
      case LIST_ALIASES -> listAliases(c, r);
      case GENERATE_DATA_KEY -> generateDataKey(c, r, true);
      case GENERATE_DATA_KEY_WITHOUT_PLAINTEXT -> generateDataKey(c, r, false);
      case ENCRYPT -> encrypt(c, r);
      case DECRYPT -> decrypt(c, r);
      case RE_ENCRYPT -> reEncrypt(c, r);
      case ENABLE_KEY -> enableKey(c, r, true);
      case DISABLE_KEY -> enableKey(c, r, false);
      case SCHEDULE_KEY_DELETION -> scheduleKeyDeletion(c, r);
      case CANCEL_KEY_DELETION -> cancelKeyDeletion(c, r);
      case ENABLE_KEY_ROTATION -> keyRotation(c, r, true);
      case DISABLE_KEY_ROTATION -> keyRotation(c, r, false);
      case GET_KEY_ROTATION_STATUS -> getKeyRotationStatus(c, r);
      case ROTATE_KEY_ON_DEMAND -> rotateKeyOnDemand(c, r);
      case CREATE_GRANT -> createGrant(c, r);
      case LIST_GRANTS -> listGrants(c, r);
      case RETIRE_GRANT -> retireGrant(c, r);
      case REVOKE_GRANT -> revokeGrant(c, r);
      case GET_KEY_POLICY -> getKeyPolicy(c, r);
      case PUT_KEY_POLICY -> putKeyPolicy(c, r);
      case REPLICATE_KEY -> replicateKey(c, r);
      case GENERATE_RANDOM -> generateRandom(r);
      case UPDATE_KEY_DESCRIPTION -> updateKeyDescription(c, r);
    };
  }

  // ---------------------------------------------------------------- keys

  private JsonObject createKey(Caller c, Json r) {
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
    out.add("KeyMetadata", metadata(new Key(rec, bk, c.region(), arns.keyArn(c.region(), keyId))));
    return out;
  }

  private JsonObject describeKey(Caller c, Json r) {
    String keyId = r.requiredString("KeyId", 1, MAX_KEY_ID);
    Set<String> tokens = grantTokens(r);
    Key k = resolve(c, keyId, true);
    authorize(c, k, "kms:DescribeKey", null, tokens, null);
    JsonObject out = new JsonObject();
    out.add("KeyMetadata", metadata(k));
    return out;
  }

  private JsonObject listKeys(Caller c, Json r) {
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

  private JsonObject updateKeyDescription(Caller c, Json r) {
    String keyId = r.requiredString("KeyId", 1, MAX_KEY_ID);
    String description = r.requiredString("Description", 0, MAX_DESCRIPTION);
    Key k = resolve(c, keyId, false);
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

  private JsonObject enableKey(Caller c, Json r, boolean enable) {
    Key k = resolve(c, r.requiredString("KeyId", 1, MAX_KEY_ID), false);
    authorize(c, k, enable ? "kms:EnableKey" : "kms:DisableKey", null, Set.of(), null);
    if (k.state() == BackendKeyState.PENDING_DELETION) {
      throw KmsException.pendingDeletion(k.arn());
    }
    backendCall(
        c,
        enable ? "kms:EnableKey" : "kms:DisableKey",
        () -> backend.setEnabled(k.keyId(), enable, c.principalArn()));
    scheduleMaintenance();
    return new JsonObject();
  }

  private JsonObject scheduleKeyDeletion(Caller c, Json r) {
    String keyId = r.requiredString("KeyId", 1, MAX_KEY_ID);
    Integer days = r.integer("PendingWindowInDays", 7, 30);
    Key k = resolve(c, keyId, false);
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
    scheduleMaintenance();
    JsonObject out = new JsonObject();
    out.addProperty("KeyId", k.arn());
    out.add("DeletionDate", Json.timestamp(deletionDate));
    out.addProperty("KeyState", BackendKeyState.PENDING_DELETION.kmsName());
    out.addProperty("PendingWindowInDays", window);
    return out;
  }

  private JsonObject cancelKeyDeletion(Caller c, Json r) {
    Key k = resolve(c, r.requiredString("KeyId", 1, MAX_KEY_ID), false);
    authorize(c, k, "kms:CancelKeyDeletion", null, Set.of(), null);
    if (k.state() != BackendKeyState.PENDING_DELETION) {
      throw KmsException.invalidState(k.arn() + " is not pending deletion.");
    }
    backendCall(
        c, "kms:CancelKeyDeletion", () -> backend.cancelDeletion(k.keyId(), c.principalArn()));
    scheduleMaintenance();
    JsonObject out = new JsonObject();
    out.addProperty("KeyId", k.arn());
    return out;
  }

  private JsonObject keyRotation(Caller c, Json r, boolean enable) {
    String keyId = r.requiredString("KeyId", 1, MAX_KEY_ID);
    Integer period = enable ? r.integer("RotationPeriodInDays", 90, 2560) : null;
    Key k = resolve(c, keyId, false);
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
    scheduleMaintenance();
    return new JsonObject();
  }

  private JsonObject getKeyRotationStatus(Caller c, Json r) {
    Key k = resolve(c, r.requiredString("KeyId", 1, MAX_KEY_ID), false);
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

  private JsonObject rotateKeyOnDemand(Caller c, Json r) {
    Key k = resolve(c, r.requiredString("KeyId", 1, MAX_KEY_ID), false);
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

  private JsonObject replicateKey(Caller c, Json r) {
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
    Key k = resolve(c, keyId, false);
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
    Key replica = new Key(rec, k.backend(), replicaRegion, arns.keyArn(replicaRegion, k.keyId()));
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

  // ---------------------------------------------------------------- policies

  private JsonObject getKeyPolicy(Caller c, Json r) {
    String keyId = r.requiredString("KeyId", 1, MAX_KEY_ID);
    policyName(r);
    Key k = resolve(c, keyId, false);
    authorize(c, k, "kms:GetKeyPolicy", null, Set.of(), null);
    JsonObject out = new JsonObject();
    out.addProperty("Policy", k.record().policy());
    out.addProperty("PolicyName", "default");
    return out;
  }

  private JsonObject putKeyPolicy(Caller c, Json r) {
    String keyId = r.requiredString("KeyId", 1, MAX_KEY_ID);
    policyName(r);
    String policy = r.requiredString("Policy", 1, KeyPolicyDocument.MAX_CHARS);
    boolean bypass = r.bool("BypassPolicyLockoutSafetyCheck");
    Key k = resolve(c, keyId, false);
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
  private static Set<KeyUse> forbiddenUses(KeyPolicyDocument policy) {
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

  private void lockoutCheck(Caller c, KeyPolicyDocument policy, String keyArn, boolean multiRegion) {
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

  private KeyPolicyDocument parsePolicy(String policy) {
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

  // ---------------------------------------------------------------- aliases

  private JsonObject createAlias(Caller c, Json r) {
    String alias = aliasName(r);
    String targetKeyId = r.requiredString("TargetKeyId", 1, MAX_KEY_ID);
    Key k = resolve(c, targetKeyId, false);
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

  private JsonObject updateAlias(Caller c, Json r) {
    String alias = aliasName(r);
    String targetKeyId = r.requiredString("TargetKeyId", 1, MAX_KEY_ID);
    Key target = resolve(c, targetKeyId, false);
    AliasRecord existing = existingAlias(c, alias);
    Key current =
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

  private JsonObject deleteAlias(Caller c, Json r) {
    String alias = aliasName(r);
    AliasRecord existing = existingAlias(c, alias);
    keyInRegion(existing.targetKeyId(), c.region())
        .ifPresent(k -> authorize(c, k, "kms:DeleteAlias", null, Set.of(), null));
    registry.aliasesIn(c.region()).remove(alias);
    registry.save();
    return new JsonObject();
  }

  private JsonObject listAliases(Caller c, Json r) {
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

  private String aliasNotFound(Caller c, String alias) {
    return "Alias " + arns.aliasArn(c.region(), alias) + " is not found.";
  }

  // ---------------------------------------------------------------- cryptographic operations

  private JsonObject generateDataKey(Caller c, Json r, boolean withPlaintext) {
    String keyId = r.requiredString("KeyId", 1, MAX_KEY_ID);
    Map<String, String> context = r.stringMap("EncryptionContext");
    EncryptionContext ec = encryptionContext(context);
    Integer numberOfBytes = r.integer("NumberOfBytes", 1, 1024);
    String keySpec = r.enumValue("KeySpec", List.of("AES_256", "AES_128"));
    Set<String> tokens = grantTokens(r);
    boolean dryRun = r.bool("DryRun");
    if (r.has("Recipient")) {
      throw KmsException.unsupported(
          "Recipient (attested Nitro Enclaves requests) is not supported by this local endpoint.");
    }
    if ((numberOfBytes == null) == (keySpec == null)) {
      throw KmsException.validation("Please specify either number of bytes or key spec.");
    }
    int length = numberOfBytes != null ? numberOfBytes : keySpec.equals("AES_256") ? 32 : 16;
    Key k = resolve(c, keyId, true);
    String action = withPlaintext ? "kms:GenerateDataKey" : "kms:GenerateDataKeyWithoutPlaintext";
    authorize(c, k, action, context, tokens, null);
    requireUsable(k);
    dryRun(dryRun);
    KmsBackend.Generated generated =
        backendCall(
            c, action, () -> backend.generateDataKey(k.keyId(), length, ec, c.principalArn()));
    byte[] plaintext = generated.plaintext();
    try {
      JsonObject out = new JsonObject();
      out.addProperty(
          "CiphertextBlob", Json.base64(CiphertextBlob.encode(k.keyId(), generated.payload())));
      if (withPlaintext) {
        out.addProperty("Plaintext", Json.base64(plaintext));
      }
      out.addProperty("KeyId", k.arn());
      out.addProperty("KeyMaterialId", keyMaterialId(k.keyId(), generated.version()));
      return out;
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  private JsonObject encrypt(Caller c, Json r) {
    String keyId = r.requiredString("KeyId", 1, MAX_KEY_ID);
    byte[] plaintext = r.requiredBlob("Plaintext", 1, MAX_PLAINTEXT);
    try {
      Map<String, String> context = r.stringMap("EncryptionContext");
      EncryptionContext ec = encryptionContext(context);
      Set<String> tokens = grantTokens(r);
      String algorithm = encryptionAlgorithm(r, "EncryptionAlgorithm");
      boolean dryRun = r.bool("DryRun");
      Key k = resolve(c, keyId, true);
      authorize(c, k, "kms:Encrypt", context, tokens, algorithm);
      requireUsable(k);
      requireSymmetric(algorithm);
      dryRun(dryRun);
      KmsBackend.Sealed sealed =
          backendCall(
              c, "kms:Encrypt", () -> backend.encrypt(k.keyId(), plaintext, ec, c.principalArn()));
      JsonObject out = new JsonObject();
      out.addProperty(
          "CiphertextBlob", Json.base64(CiphertextBlob.encode(k.keyId(), sealed.payload())));
      out.addProperty("KeyId", k.arn());
      out.addProperty("EncryptionAlgorithm", SYMMETRIC_DEFAULT);
      return out;
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  private JsonObject decrypt(Caller c, Json r) {
    byte[] blobBytes = r.requiredBlob("CiphertextBlob", 1, CiphertextBlob.MAX_BLOB);
    Map<String, String> context = r.stringMap("EncryptionContext");
    EncryptionContext ec = encryptionContext(context);
    Set<String> tokens = grantTokens(r);
    String keyId = r.optionalString("KeyId", 1, MAX_KEY_ID);
    String algorithm = encryptionAlgorithm(r, "EncryptionAlgorithm");
    boolean dryRun = r.bool("DryRun");
    if (r.has("Recipient")) {
      throw KmsException.unsupported(
          "Recipient (attested Nitro Enclaves requests) is not supported by this local endpoint.");
    }
    Key named = keyId == null ? null : resolve(c, keyId, true);
    CiphertextBlob blob = CiphertextBlob.decode(blobBytes);
    Key k = keyOfBlob(c, blob);
    if (named != null && !named.keyId().equals(k.keyId())) {
      throw new KmsException(
          "IncorrectKeyException",
          "The key ID in the request does not identify a CMK that can perform this operation.");
    }
    authorize(c, k, "kms:Decrypt", context, tokens, algorithm);
    requireUsable(k);
    requireSymmetric(algorithm);
    dryRun(dryRun);
    KmsBackend.Opened opened =
        backendCall(
            c,
            "kms:Decrypt",
            () -> backend.decrypt(k.keyId(), blob.payload(), ec, c.principalArn()));
    byte[] plaintext = opened.plaintext();
    try {
      JsonObject out = new JsonObject();
      out.addProperty("KeyId", k.arn());
      out.addProperty("Plaintext", Json.base64(plaintext));
      out.addProperty("EncryptionAlgorithm", SYMMETRIC_DEFAULT);
      out.addProperty("KeyMaterialId", keyMaterialId(k.keyId(), opened.version()));
      return out;
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  private JsonObject reEncrypt(Caller c, Json r) {
    byte[] blobBytes = r.requiredBlob("CiphertextBlob", 1, CiphertextBlob.MAX_BLOB);
    Map<String, String> sourceContext = r.stringMap("SourceEncryptionContext");
    EncryptionContext sourceEc = encryptionContext(sourceContext);
    String sourceKeyId = r.optionalString("SourceKeyId", 1, MAX_KEY_ID);
    String destinationKeyId = r.requiredString("DestinationKeyId", 1, MAX_KEY_ID);
    Map<String, String> destinationContext = r.stringMap("DestinationEncryptionContext");
    EncryptionContext destinationEc = encryptionContext(destinationContext);
    String sourceAlgorithm = encryptionAlgorithm(r, "SourceEncryptionAlgorithm");
    String destinationAlgorithm = encryptionAlgorithm(r, "DestinationEncryptionAlgorithm");
    Set<String> tokens = grantTokens(r);
    boolean dryRun = r.bool("DryRun");
    Key named = sourceKeyId == null ? null : resolve(c, sourceKeyId, true);
    Key destination = resolve(c, destinationKeyId, true);
    CiphertextBlob blob = CiphertextBlob.decode(blobBytes);
    Key source = keyOfBlob(c, blob);
    if (named != null && !named.keyId().equals(source.keyId())) {
      throw new KmsException(
          "IncorrectKeyException",
          "The key ID in the request does not identify a CMK that can perform this operation.");
    }
    authorize(c, source, "kms:ReEncryptFrom", sourceContext, tokens, sourceAlgorithm);
    authorize(c, destination, "kms:ReEncryptTo", destinationContext, tokens, destinationAlgorithm);
    requireUsable(source);
    requireUsable(destination);
    requireSymmetric(sourceAlgorithm);
    requireSymmetric(destinationAlgorithm);
    dryRun(dryRun);
    KmsBackend.Resealed resealed =
        backendCall(
            c,
            "kms:ReEncrypt*",
            () ->
                backend.reEncrypt(
                    source.keyId(),
                    blob.payload(),
                    sourceEc,
                    destination.keyId(),
                    destinationEc,
                    c.principalArn()));
    JsonObject out = new JsonObject();
    out.addProperty(
        "CiphertextBlob",
        Json.base64(CiphertextBlob.encode(destination.keyId(), resealed.payload())));
    out.addProperty("SourceKeyId", source.arn());
    out.addProperty("KeyId", destination.arn());
    out.addProperty("SourceEncryptionAlgorithm", SYMMETRIC_DEFAULT);
    out.addProperty("DestinationEncryptionAlgorithm", SYMMETRIC_DEFAULT);
    out.addProperty(
        "SourceKeyMaterialId", keyMaterialId(source.keyId(), resealed.sourceVersion()));
    out.addProperty(
        "DestinationKeyMaterialId",
        keyMaterialId(destination.keyId(), resealed.destinationVersion()));
    return out;
  }

  private JsonObject generateRandom(Json r) {
    Integer n = r.integer("NumberOfBytes", 1, 1024);
    if (n == null) {
      throw KmsException.constraint(null, "numberOfBytes", "Member must not be null");
    }
    if (r.has("CustomKeyStoreId") || r.has("Recipient")) {
      throw KmsException.unsupported(
          "CustomKeyStoreId and Recipient are not supported by this local endpoint.");
    }
    byte[] bytes = new byte[n];
    random.nextBytes(bytes);
    JsonObject out = new JsonObject();
    out.addProperty("Plaintext", Json.base64(bytes));
    return out;
  }

  /** The key a blob names, as seen from the caller's Region. */
  private Key keyOfBlob(Caller c, CiphertextBlob blob) {
    KeyRecord rec = registry.keys.get(blob.keyId());
    if (rec == null || backend.find(blob.keyId()).isEmpty()) {
      throw KmsException.keyNotFound(arns.keyArn(c.region(), blob.keyId()));
    }
    if (!rec.existsIn(c.region())) {
      // A key of another Region: this Region cannot interpret the blob, as in KMS.
      throw KmsException.invalidCiphertext();
    }
    return keyInRegion(blob.keyId(), c.region()).orElseThrow(KmsException::invalidCiphertext);
  }

  /**
   * The request's encryption context as the backend binds it: keys and values must be non-empty
   * (KMS answers "Invalid EncryptionContext" too) and well-formed Unicode, the encoding at most
   * 65535 bytes.
   */
  private static EncryptionContext encryptionContext(Map<String, String> pairs) {
    try {
      EncryptionContext context = EncryptionContext.from(pairs);
      context.canonicalLength(); // throws if the encoding is over 65535 bytes
      return context;
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw KmsException.validation(
          "Invalid EncryptionContext: keys and values must be non-empty, well-formed Unicode"
              + " strings, at most 65535 bytes together.");
    }
  }

  private static String encryptionAlgorithm(Json r, String field) {
    return r.enumValue(field, ENCRYPTION_ALGORITHMS);
  }

  private static void requireSymmetric(String algorithm) {
    if (algorithm != null && !algorithm.equals(SYMMETRIC_DEFAULT)) {
      throw new KmsException(
          "InvalidKeyUsageException",
          "You cannot use the encryption algorithm "
              + algorithm
              + " with a symmetric encryption KMS key. Use SYMMETRIC_DEFAULT.");
    }
  }

  private static void dryRun(boolean dryRun) {
    if (dryRun) {
      throw new KmsException(
          "DryRunOperationException",
          "The request would have succeeded, but the DryRun option is set.",
          412);
    }
  }

  private static String keyMaterialId(String keyId, int version) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(keyId.getBytes(StandardCharsets.US_ASCII));
      sha.update(ByteBuffer.allocate(4).putInt(version).array());
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available from the JCA", e);
    }
  }

  // ---------------------------------------------------------------- grants

  private JsonObject createGrant(Caller c, Json r) {
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
    Key k = resolve(c, keyId, false);
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

  /** The grant ids named by valid tokens. */
  private Set<String> grantTokens(Json r) {
    List<String> tokens = r.stringList("GrantTokens", MAX_GRANT_TOKENS);
    Set<String> ids = new HashSet<>();
    for (String token : tokens) {
      ids.add(grantIdOfToken(token));
    }
    return ids;
  }

  private static String grantIdOfToken(String token) {
    if (token.isEmpty() || token.length() > MAX_GRANT_TOKEN) {
      throw KmsException.hiddenConstraint(
          "grantTokens", "Member must have length between 1 and " + MAX_GRANT_TOKEN);
    }
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      throw invalidGrantToken();
    }
    if (bytes.length != 49 || bytes[0] != 1) {
      throw invalidGrantToken();
    }
    return HexFormat.of().formatHex(bytes, 1, 33);
  }

  private static KmsException invalidGrantToken() {
    return new KmsException("InvalidGrantTokenException", "The grant token is not valid.");
  }

  private JsonObject listGrants(Caller c, Json r) {
    String keyId = r.requiredString("KeyId", 1, MAX_KEY_ID);
    int limit = Math.min(limit(r, 1000, 50), 100);
    String after = marker(r);
    String grantId = r.optionalString("GrantId", 1, 128);
    String grantee = r.optionalString("GranteePrincipal", 1, 256);
    Key k = resolve(c, keyId, false);
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

  private JsonObject grantEntry(Key k, GrantRecord g) {
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

  private JsonObject retireGrant(Caller c, Json r) {
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
      Key k = resolve(c, keyId, false);
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

  private JsonObject revokeGrant(Caller c, Json r) {
    String keyId = r.requiredString("KeyId", 1, MAX_KEY_ID);
    String grantId = r.requiredString("GrantId", 1, 128);
    boolean dryRun = r.bool("DryRun");
    Key k = resolve(c, keyId, false);
    authorize(c, k, "kms:RevokeGrant", null, Set.of(), null);
    GrantRecord g = grantOfKey(c, k, grantId);
    dryRun(dryRun);
    registry.grants.remove(g.grantId());
    registry.save();
    return new JsonObject();
  }

  private GrantRecord grantOfKey(Caller c, Key k, String grantId) {
    if (!GRANT_ID.matcher(grantId).matches()) {
      throw new KmsException("InvalidGrantIdException", "Invalid grant ID " + grantId);
    }
    GrantRecord g = registry.grants.get(grantId);
    if (g == null || !g.keyId().equals(k.keyId()) || !g.region().equals(c.region())) {
      throw KmsException.notFound("Grant ID " + grantId + " not found for key " + k.arn());
    }
    return g;
  }

  // ---------------------------------------------------------------- resolution and checks

  /**
   * Finds the key a request names, in the caller's Region.
   *
   * @param allowAlias whether the operation accepts an alias name or alias ARN
   */
  private Key resolve(Caller c, String identifier, boolean allowAlias) {
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

  private java.util.Optional<Key> keyInRegion(String keyId, String region) {
    KeyRecord rec = registry.keys.get(keyId);
    if (rec == null || !rec.existsIn(region)) {
      return java.util.Optional.empty();
    }
    return backend.find(keyId).map(bk -> new Key(rec, bk, region, arns.keyArn(region, keyId)));
  }

  /** Cryptographic operations need an enabled key (key-state table: DisabledException, ...). */
  private static void requireUsable(Key k) {
    if (k.state() == BackendKeyState.DISABLED) {
      throw KmsException.disabled(k.arn());
    }
    if (k.state() == BackendKeyState.PENDING_DELETION) {
      throw KmsException.pendingDeletion(k.arn());
    }
  }

  private static void requirePrimaryRegion(Key k) {
    if (k.record().multiRegion() && !k.record().primaryRegion().equals(k.region())) {
      throw KmsException.unsupported(
          k.arn()
              + " is a multi-Region replica key; its key material"
              + " is rotated through the primary key in "
              + k.record().primaryRegion()
              + ".");
    }
  }

  private void authorize(
      Caller c,
      Key k,
      String action,
      Map<String, String> context,
      Set<String> grantTokens,
      String algorithm) {
    authorize(c, k, action, context, grantTokens, algorithm, null);
  }

  /**
   * Key policy first (explicit deny wins), then grants: a grant counts once it has propagated
   * ({@code grantPropagationDelay} after creation) or at once when its token is in the request.
   */
  private void authorize(
      Caller c,
      Key k,
      String action,
      Map<String, String> context,
      Set<String> grantTokens,
      String algorithm,
      List<String> grantOperations) {
    KeyPolicyDocument policy = parsePolicy(k.record().policy());
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

  private boolean grantAllows(
      Caller c,
      Key k,
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

  private boolean principalMatches(String pattern, Caller c) {
    if (pattern.equals(c.principalArn())) {
      return true;
    }
    if (pattern.matches("[0-9]{12}")) {
      return pattern.equals(c.account());
    }
    return pattern.matches("arn:[a-z0-9-]+:iam::[0-9]{12}:root")
        && pattern.split(":")[4].equals(c.account());
  }

  // ---------------------------------------------------------------- responses

  private JsonObject metadata(Key k) {
    BackendKey bk = k.backend();
    KeyRecord rec = k.record();
    JsonObject m = new JsonObject();
    m.addProperty("AWSAccountId", arns.account());
    m.addProperty("KeyId", rec.keyId());
    m.addProperty("Arn", k.arn());
    m.add("CreationDate", Json.timestamp(bk.created()));
    m.addProperty("Enabled", bk.state() == BackendKeyState.ENABLED);
    m.addProperty("Description", bk.description());
    m.addProperty("KeyUsage", "ENCRYPT_DECRYPT");
    m.addProperty("KeyState", bk.state().kmsName());
    if (bk.deletionDate() != null) {
      m.add("DeletionDate", Json.timestamp(bk.deletionDate()));
    }
    m.addProperty("Origin", "AWS_KMS");
    m.addProperty("KeyManager", "CUSTOMER");
    m.addProperty("CustomerMasterKeySpec", SYMMETRIC_DEFAULT);
    m.addProperty("KeySpec", SYMMETRIC_DEFAULT);
    m.add("EncryptionAlgorithms", Json.stringArray(List.of(SYMMETRIC_DEFAULT)));
    m.addProperty("MultiRegion", rec.multiRegion());
    if (rec.multiRegion()) {
      JsonObject mrc = new JsonObject();
      mrc.addProperty(
          "MultiRegionKeyType", rec.primaryRegion().equals(k.region()) ? "PRIMARY" : "REPLICA");
      mrc.add("PrimaryKey", regionalKey(rec.primaryRegion(), rec.keyId()));
      JsonArray replicas = new JsonArray();
      rec.replicaRegions().forEach(region -> replicas.add(regionalKey(region, rec.keyId())));
      mrc.add("ReplicaKeys", replicas);
      m.add("MultiRegionConfiguration", mrc);
    }
    m.addProperty("CurrentKeyMaterialId", keyMaterialId(rec.keyId(), bk.primaryVersion()));
    return m;
  }

  private JsonObject regionalKey(String region, String keyId) {
    JsonObject o = new JsonObject();
    o.addProperty("Arn", arns.keyArn(region, keyId));
    o.addProperty("Region", region);
    return o;
  }

  private static int limit(Json r, int max, int defaultLimit) {
    Integer limit = r.integer("Limit", 1, max);
    return limit == null ? defaultLimit : limit;
  }

  private static String marker(Json r) {
    String marker = r.optionalString("Marker", 1, MAX_MARKER);
    if (marker == null) {
      return null;
    }
    try {
      return new String(Base64.getUrlDecoder().decode(marker), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new KmsException("InvalidMarkerException", "The marker is not valid.");
    }
  }

  private static void page(JsonObject out, boolean truncated, String last) {
    out.addProperty("Truncated", truncated);
    if (truncated) {
      out.addProperty(
          "NextMarker",
          Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(last.getBytes(StandardCharsets.UTF_8)));
    }
  }

  private static Map<String, String> tags(Json r) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (Json t : r.objectList("Tags", 50)) {
      String key = t.requiredString("TagKey", 1, 128);
      String value = t.requiredString("TagValue", 0, 256);
      if (tags.put(key, value) != null) {
        throw new KmsException("TagException", "Duplicate tag key " + key);
      }
    }
    return Map.copyOf(tags);
  }

  // ---------------------------------------------------------------- lifecycle over time

  /**
   * Brings the registry in line with the backend at start: adopts keys the backend has but the
   * registry does not (e.g. after a crash between the two writes, or keys made in the key store
   * directly) into the first Region with the default key policy, and forgets records whose key is
   * gone.
   */
  private void reconcile() {
    boolean changed = false;
    Set<String> present = new HashSet<>();
    for (BackendKey bk : backend.list()) {
      present.add(bk.keyId());
      if (!registry.keys.containsKey(bk.keyId())) {
        registry.keys.put(
            bk.keyId(),
            new KeyRecord(
                bk.keyId(),
                regions.get(0),
                List.of(),
                false,
                365,
                null,
                null,
                30,
                Map.of(),
                KeyPolicyDocument.defaultPolicy(arns.accountRootArn())));
        changed = true;
      }
    }
    changed |= forgetMissingKeys(present);
    if (changed) {
      registry.save();
    }
    lastReconciled = clock.instant();
    scheduleMaintenance();
  }

  private boolean forgetMissingKeys(Set<String> present) {
    boolean changed = registry.keys.keySet().retainAll(present);
    changed |= registry.grants.values().removeIf(g -> !present.contains(g.keyId()));
    for (TreeMap<String, AliasRecord> inRegion : registry.aliases.values()) {
      changed |= inRegion.values().removeIf(a -> !present.contains(a.targetKeyId()));
    }
    return changed;
  }

  /** Deletes keys whose waiting period has passed and rotates keys whose rotation is due. */
  private void maintain() {
    Instant due = nextMaintenance;
    Instant checkedAt = lastReconciled;
    Instant at = clock.instant();
    boolean reconcileDue = !at.isBefore(checkedAt.plus(RECONCILE_EVERY));
    if (!reconcileDue && (due == null || at.isBefore(due))) {
      return;
    }
    lock.writeLock().lock();
    try {
      Instant now = clock.instant();
      if (!now.isBefore(lastReconciled.plus(RECONCILE_EVERY))) {
        try {
          reconcile(); // see what other users of the key store changed meanwhile
        } catch (RuntimeException e) {
          // e.g. a damaged key file: keep serving the other keys, try again later
          LOG.log(System.Logger.Level.WARNING, "could not re-read the key store: " + e, e);
          lastReconciled = now;
        }
      }
      if (nextMaintenance == null || now.isBefore(nextMaintenance)) {
        return;
      }
      Set<String> deleted = new HashSet<>();
      for (BackendKey bk : backend.list()) {
        if (bk.state() == BackendKeyState.PENDING_DELETION && !now.isBefore(bk.deletionDate())) {
          deleted.add(bk.keyId());
        }
      }
      boolean destroyed = false;
      for (String keyId : deleted) {
        destroyed |= tryMaintenance(keyId, now, () -> backend.delete(keyId, serviceCaller));
      }
      if (destroyed) {
        // Destroy first, then forget: a crash in between leaves a record of a destroyed key, which
        // resolves to nothing and is forgotten at the next reconcile.
        Set<String> present = new HashSet<>();
        backend.list().forEach(bk -> present.add(bk.keyId()));
        forgetMissingKeys(present);
        registry.save();
      }
      boolean rotated = false;
      for (KeyRecord rec : new ArrayList<>(registry.keys.values())) {
        if (!rec.rotationEnabled() || now.isBefore(rec.nextRotationDate())) {
          continue;
        }
        if (backend.find(rec.keyId()).map(bk -> bk.state() == BackendKeyState.ENABLED).orElse(false)
            && tryMaintenance(rec.keyId(), now, () -> backend.rotate(rec.keyId(), serviceCaller))) {
          registry.keys.put(
              rec.keyId(),
              rec.withRotation(
                  true,
                  rec.rotationPeriodDays(),
                  now.plus(Duration.ofDays(rec.rotationPeriodDays()))));
          rotated = true;
        }
      }
      if (rotated) {
        registry.save();
      }
      scheduleMaintenance();
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Runs one maintenance step on a key unless it is backing off; a backend refusal (its own policy
   * does not allow the service caller, or another process changed the key) is audited by the
   * backend and retried after {@link #MAINTENANCE_BACKOFF}, without failing the request that
   * happened to trigger maintenance.
   *
   * @return whether the step ran and succeeded
   */
  private boolean tryMaintenance(String keyId, Instant now, Runnable step) {
    Instant retry = maintenanceBackoff.get(keyId);
    if (retry != null && now.isBefore(retry)) {
      return false;
    }
    try {
      step.run();
      maintenanceBackoff.remove(keyId);
      return true;
    } catch (BackendException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "maintenance of key " + keyId + " was refused (" + e.kind() + "): " + e.getMessage());
      maintenanceBackoff.put(keyId, now.plus(MAINTENANCE_BACKOFF));
      return false;
    }
  }

  private void scheduleMaintenance() {
    Instant next = null;
    for (BackendKey bk : backend.list()) {
      if (bk.state() == BackendKeyState.PENDING_DELETION) {
        next = earliest(next, later(bk.deletionDate(), maintenanceBackoff.get(bk.keyId())));
      }
      KeyRecord rec = registry.keys.get(bk.keyId());
      if (rec != null && rec.rotationEnabled() && bk.state() == BackendKeyState.ENABLED) {
        next = earliest(next, later(rec.nextRotationDate(), maintenanceBackoff.get(bk.keyId())));
      }
    }
    nextMaintenance = next;
  }

  private static Instant later(Instant a, Instant b) {
    return b == null || a.isAfter(b) ? a : b;
  }

  private static Instant earliest(Instant a, Instant b) {
    return a == null || b.isBefore(a) ? b : a;
  }
}
