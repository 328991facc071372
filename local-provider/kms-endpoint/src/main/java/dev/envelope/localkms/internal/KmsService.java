package dev.envelope.localkms.internal;

import com.google.gson.JsonObject;
import dev.envelope.localkms.KmsOperation;
import dev.envelope.localkms.internal.KmsBackend.BackendException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The KMS operations over a {@link KmsBackend}: the dispatcher. It runs due maintenance, takes the
 * lock, hands the request to its operation family ({@link KeyAdmin}, {@link PolicyOps}, {@link
 * AliasOps}, {@link CryptoOps}, {@link GrantOps}) and maps what the backend refuses to the KMS
 * errors ({@link KmsContext#toKms}). The families validate requests, resolve and authorize keys
 * ({@link KeyResolver}: key id, key ARN, alias name, alias ARN, per Region; key policy, then
 * grants), apply the key-state rules and answer in the response shapes of the AWS KMS API
 * reference.
 *
 * <p>Every backend call names the caller's principal ARN, so the backend's own policy and audit
 * see who asked; what the endpoint does on its own ({@link Maintenance}: rotation when due,
 * deletion when the waiting period ends) names the service caller label instead.
 *
 * <p>Thread-safe: read-only and cryptographic operations share a read lock; operations that change
 * keys, aliases or grants take the write lock (and persist before they answer).
 */
public final class KmsService {
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

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final KmsContext ctx;
  private final Maintenance maintenance;
  private final KeyAdmin keyAdmin;
  private final PolicyOps policies;
  private final AliasOps aliases;
  private final CryptoOps crypto;
  private final GrantOps grants;

  public KmsService(
      KmsBackend backend,
      KmsRegistry registry,
      Arns arns,
      List<String> regions,
      Clock clock,
      Duration grantPropagationDelay,
      String serviceCaller) {
    this.ctx =
        new KmsContext(
            backend,
            registry,
            arns,
            List.copyOf(regions),
            clock,
            grantPropagationDelay,
            serviceCaller,
            new SecureRandom(),
            new ConcurrentHashMap<>());
    KeyResolver keys = new KeyResolver(ctx);
    this.maintenance = new Maintenance(ctx, lock);
    this.keyAdmin = new KeyAdmin(ctx, keys, maintenance);
    this.policies = new PolicyOps(ctx, keys);
    this.aliases = new AliasOps(ctx, keys);
    this.crypto = new CryptoOps(ctx, keys);
    this.grants = new GrantOps(ctx, keys);
    maintenance.reconcile();
  }

  /**
   * Runs one operation for an authenticated caller.
   *
   * @throws KmsException with the KMS error for any failure the client should see
   */
  public JsonObject handle(KmsOperation op, Caller caller, Json request) {
    maintenance.maintain();
    Lock l = READ_ONLY.contains(op) ? lock.readLock() : lock.writeLock();
    l.lock();
    try {
      return dispatch(op, caller, request);
    } catch (BackendException e) {
      // A call not wrapped with its exact action (see KmsContext.backendCall): name the operation's.
      throw ctx.toKms(caller, op.action(), e);
    } finally {
      l.unlock();
    }
  }

  private JsonObject dispatch(KmsOperation op, Caller c, Json r) {
    return switch (op) {
      case CREATE_KEY -> keyAdmin.createKey(c, r);
      case DESCRIBE_KEY -> keyAdmin.describeKey(c, r);
      case LIST_KEYS -> keyAdmin.listKeys(c, r);
      case CREATE_ALIAS -> aliases.createAlias(c, r);
      case UPDATE_ALIAS -> aliases.updateAlias(c, r);
      case DELETE_ALIAS -> aliases.deleteAlias(c, r);
      case LIST_ALIASES -> aliases.listAliases(c, r);
      case GENERATE_DATA_KEY -> crypto.generateDataKey(c, r, true);
      case GENERATE_DATA_KEY_WITHOUT_PLAINTEXT -> crypto.generateDataKey(c, r, false);
      case ENCRYPT -> crypto.encrypt(c, r);
      case DECRYPT -> crypto.decrypt(c, r);
      case RE_ENCRYPT -> crypto.reEncrypt(c, r);
      case ENABLE_KEY -> keyAdmin.enableKey(c, r, true);
      case DISABLE_KEY -> keyAdmin.enableKey(c, r, false);
      case SCHEDULE_KEY_DELETION -> keyAdmin.scheduleKeyDeletion(c, r);
      case CANCEL_KEY_DELETION -> keyAdmin.cancelKeyDeletion(c, r);
      case ENABLE_KEY_ROTATION -> keyAdmin.keyRotation(c, r, true);
      case DISABLE_KEY_ROTATION -> keyAdmin.keyRotation(c, r, false);
      case GET_KEY_ROTATION_STATUS -> keyAdmin.getKeyRotationStatus(c, r);
      case ROTATE_KEY_ON_DEMAND -> keyAdmin.rotateKeyOnDemand(c, r);
      case CREATE_GRANT -> grants.createGrant(c, r);
      case LIST_GRANTS -> grants.listGrants(c, r);
      case RETIRE_GRANT -> grants.retireGrant(c, r);
      case REVOKE_GRANT -> grants.revokeGrant(c, r);
      case GET_KEY_POLICY -> policies.getKeyPolicy(c, r);
      case PUT_KEY_POLICY -> policies.putKeyPolicy(c, r);
      case REPLICATE_KEY -> keyAdmin.replicateKey(c, r);
      case GENERATE_RANDOM -> crypto.generateRandom(r);
      case UPDATE_KEY_DESCRIPTION -> keyAdmin.updateKeyDescription(c, r);
    };
  }
}
