package dev.envelope.localkms.internal;

import dev.envelope.localkms.internal.KmsBackend.BackendException;
import dev.envelope.localkms.internal.KmsBackend.BackendKey;
import dev.envelope.localkms.internal.KmsBackend.BackendKeyState;
import dev.envelope.localkms.internal.KmsRegistry.AliasRecord;
import dev.envelope.localkms.internal.KmsRegistry.KeyRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The endpoint's work over time, run from the dispatcher before each call: re-reading the key
 * store for changes made by its other users, deleting keys whose waiting period has passed and
 * rotating keys whose rotation is due.
 */
final class Maintenance {
  private static final System.Logger LOG = System.getLogger(Maintenance.class.getName());
  /**
   * How often the endpoint re-reads the key store for changes made by its other users (keys
   * created, destroyed or scheduled for destruction through the store): at most this long after
   * such a change, ListKeys, ListAliases and the deletion schedule reflect it.
   */
  private static final Duration RECONCILE_EVERY = Duration.ofMinutes(1);
  /** How long maintenance leaves a key alone after the backend refused to rotate or delete it. */
  private static final Duration MAINTENANCE_BACKOFF = Duration.ofHours(1);
  private volatile Instant nextMaintenance;
  private volatile Instant lastReconciled = Instant.MIN;
  /** key id → when maintenance may try it again after the backend refused (guarded by lock). */
  private final Map<String, Instant> maintenanceBackoff = new HashMap<>();

  private final KmsBackend backend;
  private final KmsRegistry registry;
  private final Arns arns;
  private final List<String> regions;
  private final Clock clock;
  private final String serviceCaller;
  private final ReentrantReadWriteLock lock;

  Maintenance(KmsContext ctx, ReentrantReadWriteLock lock) {
    this.backend = ctx.backend();
    this.registry = ctx.registry();
    this.arns = ctx.arns();
    this.regions = ctx.regions();
    this.clock = ctx.clock();
    this.serviceCaller = ctx.serviceCaller();
    this.lock = lock;
  }

  /**
   * Brings the registry in line with the backend at start: adopts keys the backend has but the
   * registry does not (e.g. after a crash between the two writes, or keys made in the key store
   * directly) into the first Region with the default key policy, and forgets records whose key is
   * gone.
   */
  void reconcile() {
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
    schedule();
  }

  boolean forgetMissingKeys(Set<String> present) {
    boolean changed = registry.keys.keySet().retainAll(present);
    changed |= registry.grants.values().removeIf(g -> !present.contains(g.keyId()));
    for (TreeMap<String, AliasRecord> inRegion : registry.aliases.values()) {
      changed |= inRegion.values().removeIf(a -> !present.contains(a.targetKeyId()));
    }
    return changed;
  }

  /** Deletes keys whose waiting period has passed and rotates keys whose rotation is due. */
  void maintain() {
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
      schedule();
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
  boolean tryMaintenance(String keyId, Instant now, Runnable step) {
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

  void schedule() {
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

  static Instant later(Instant a, Instant b) {
    return b == null || a.isAfter(b) ? a : b;
  }

  static Instant earliest(Instant a, Instant b) {
    return a == null || b.isBefore(a) ? b : a;
  }
}
