package dev.envelope.local.internal;

import com.google.crypto.tink.KeysetHandle;
import dev.envelope.KeyProviderException;
import dev.envelope.local.AliasInUseException;
import dev.envelope.local.AuditOutcome;
import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.KeyManager;
import dev.envelope.local.KeyMetadata;
import dev.envelope.local.KeyNotFoundException;
import dev.envelope.local.KeyOperation;
import dev.envelope.local.KeyPolicy;
import dev.envelope.local.KeyPolicyViolationException;
import dev.envelope.local.KeyState;
import dev.envelope.local.KeyStateEvent;
import dev.envelope.local.KeyStateException;
import dev.envelope.local.KeyVersion;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Lifecycle transitions: create, rotate, disable, enable, schedule and cancel destruction,
 * destroy, policy, description and minimum decryption version changes. Each runs under the store lock on the key's current
 * record, checks the policy, records its intent in the audit trail, commits the new record and
 * manifest ({@link KeyFiles#commit}) and then records the outcome.
 */
@SuppressWarnings("try") // lock holders are try-with-resources guards
final class Lifecycle {
  private final StoreState state;
  private final KeyFiles keys;
  private final Events events;
  private final Resolver resolver;

  Lifecycle(StoreState state, KeyFiles keys, Events events, Resolver resolver) {
    this.state = state;
    this.keys = keys;
    this.events = events;
    this.resolver = resolver;
  }

  KeyMetadata createKey(CreateKeyRequest request, String caller, boolean ifAbsent) {
    Objects.requireNonNull(request, "request");
    KeyMetadata md;
    try (StoreHome.Held held = state.lockCurrent()) {
      if (request.alias().isPresent()) {
        String alias = request.alias().get();
        String existing = resolver.find(alias);
        if (existing != null) {
          if (ifAbsent) {
            return keys.load(existing).metadata;
          }
          String why = "alias '" + alias + "' is already used by key " + existing;
          events.audit(KeyOperation.CREATE, AuditOutcome.DENIED, null, 0, null, null, caller, why);
          throw new AliasInUseException(alias, existing, why + " in " + state.home.describe() + "; choose another alias,"
              + " or use createKeyIfAbsent to get the existing key");
        }
      }
      String keyId = UUID.randomUUID().toString();
      Instant now = state.clock.instant();
      KeysetHandle keyset;
      try {
        keyset = Keysets.create();
      } catch (GeneralSecurityException e) {
        throw new KeyProviderException("could not generate key material: " + e.getMessage(), e);
      }
      md =
          KeyMetadata.builder()
              .keyId(keyId)
              .alias(request.alias().orElse(null))
              .description(request.description())
              .state(KeyState.ENABLED)
              .versions(List.of(KeyVersion.of(keyId, 1, now)))
              .primaryVersion(1)
              .createdAt(now)
              .stateChangedAt(now)
              .policy(request.policy())
              .keyNamespace(state.namespace)
              .build();
      commit(KeyOperation.CREATE, md, keyset, caller, 1);
      request.alias().ifPresent(a -> resolver.remember(a, keyId));
    }
    events.audit(KeyOperation.CREATE, AuditOutcome.SUCCESS, md.keyId(), 1, null, md.policy(), caller, "");
    return md;
  }

  /** Records the intent, commits, and records a failure if the commit fails. Under the lock. */
  private void commit(KeyOperation op, KeyMetadata md, KeysetHandle keyset, String caller, int version) {
    events.audit(op, AuditOutcome.INTENT, md.keyId(), version, null, md.policy(), caller,
        "about to " + describe(op, md));
    try {
      keys.commit(md, keyset);
    } catch (RuntimeException e) {
      events.audit(op, AuditOutcome.FAILURE, md.keyId(), version, null, md.policy(), caller,
          "saving the change failed (" + e.getClass().getSimpleName() + "): the key's state says whether it landed");
      throw e;
    }
  }

  private static String describe(KeyOperation op, KeyMetadata md) {
    switch (op) {
      case CREATE:
        return "create the key";
      case ROTATE:
        return "add version " + md.primaryVersion();
      case UPDATE_POLICY:
        return "change the policy or description (minimum decryption version " + md.minDecryptionVersion() + ")";
      default:
        return "make the key " + md.state();
    }
  }

  List<KeyMetadata> listKeys() {
    state.checkOpen();
    List<String> ids;
    try (StoreHome.Held held = state.lockCurrent()) {
      ids = keys.keyIds();
    }
    List<KeyMetadata> out = new ArrayList<>();
    for (String id : ids) {
      out.add(keys.load(id).metadata);
    }
    out.sort(Comparator.comparing(KeyMetadata::createdAt).thenComparing(KeyMetadata::keyId));
    return out;
  }

  /** A lifecycle transition: the new metadata and keyset, or null for "no change". */
  private interface Transition {
    Result apply(KeyFiles.LoadedKey current, Instant now);
  }

  private static final class Result {
    final KeyMetadata metadata;
    final KeysetHandle keyset;

    Result(KeyMetadata metadata, KeysetHandle keyset) {
      this.metadata = metadata;
      this.keyset = keyset;
    }
  }

  private KeyMetadata change(String key, KeyOperation op, String caller, Transition t) {
    state.checkOpen();
    KeyStateEvent event = null;
    KeyMetadata result;
    try (StoreHome.Held held = state.lockCurrent()) {
      String keyId;
      try {
        keyId = resolver.resolve(key);
      } catch (KeyNotFoundException e) {
        events.audit(op, AuditOutcome.FAILURE, null, 0, null, null, caller, e.getMessage());
        throw e;
      }
      KeyFiles.LoadedKey current = keys.readVerified(keyId);
      KeyPolicy policy = current.metadata.policy();
      String denial = AccessChecks.denial(policy, op, caller, null);
      if (denial != null) {
        events.audit(op, AuditOutcome.DENIED, keyId, 0, null, policy, caller, denial);
        throw new KeyPolicyViolationException(keyId, op, denial);
      }
      Instant now = state.clock.instant();
      Result r;
      try {
        r = t.apply(current, now);
      } catch (KeyStateException | IllegalArgumentException e) {
        events.audit(op, AuditOutcome.DENIED, keyId, 0, null, policy, caller, e.getMessage());
        throw e;
      }
      int version = op == KeyOperation.ROTATE && r != null ? r.metadata.primaryVersion() : 0;
      if (r == null) {
        result = current.metadata;
        keys.remember(current);
      } else {
        commit(op, r.metadata, r.keyset, caller, version);
        result = r.metadata;
        if (r.metadata.state() != current.metadata.state()) {
          event = KeyStateEvent.of(r.metadata, current.metadata.state(), now, caller);
        }
      }
      events.audit(op, AuditOutcome.SUCCESS, keyId, op == KeyOperation.ROTATE ? result.primaryVersion() : 0, null,
          result.policy(), caller, r == null ? "no change: the key is already " + result.state()
              + (op == KeyOperation.UPDATE_POLICY ? " with minimum decryption version " + result.minDecryptionVersion() : "")
              : "");
    }
    if (event != null) {
      events.notifyState(event);
    }
    return result;
  }

  KeyMetadata rotateKey(String key, String caller) {
    return change(key, KeyOperation.ROTATE, caller, (cur, now) -> {
      AccessChecks.refuseUnlessEnabled(cur.metadata);
      int next = cur.metadata.versions().get(cur.metadata.versions().size() - 1).number() + 1;
      KeysetHandle keyset;
      try {
        keyset = Keysets.addVersion(cur.keyset, next);
      } catch (GeneralSecurityException e) {
        throw new KeyProviderException("could not generate key material: " + e.getMessage(), e);
      }
      List<KeyVersion> versions = new ArrayList<>(cur.metadata.versions());
      versions.add(KeyVersion.of(cur.metadata.keyId(), next, now));
      return new Result(
          cur.metadata.toBuilder().versions(versions).primaryVersion(next).lastRotatedAt(now).build(), keyset);
    });
  }

  KeyMetadata disableKey(String key, String caller) {
    return change(key, KeyOperation.DISABLE, caller, (cur, now) -> {
      KeyMetadata m = cur.metadata;
      switch (m.state()) {
        case DISABLED:
          return null;
        case ENABLED:
          return new Result(m.toBuilder().state(KeyState.DISABLED).stateChangedAt(now).build(), cur.keyset);
        default:
          throw AccessChecks.refusal(m, "it is already unusable");
      }
    });
  }

  KeyMetadata enableKey(String key, String caller) {
    return change(key, KeyOperation.ENABLE, caller, (cur, now) -> {
      KeyMetadata m = cur.metadata;
      switch (m.state()) {
        case ENABLED:
          return null;
        case DISABLED:
          return new Result(m.toBuilder().state(KeyState.ENABLED).stateChangedAt(now).build(), cur.keyset);
        case PENDING_DESTRUCTION:
          throw new KeyStateException(m.keyId(), m.state(),
              "key " + AccessChecks.name(m) + " is scheduled for destruction; cancel the destruction first, then enable it");
        default:
          throw AccessChecks.refusal(m, "it cannot be enabled");
      }
    });
  }

  KeyMetadata scheduleDestruction(String key, Duration wait, String caller) {
    Objects.requireNonNull(wait, "waitingPeriod");
    return change(key, KeyOperation.SCHEDULE_DESTRUCTION, caller, (cur, now) -> {
      if (wait.compareTo(KeyManager.MIN_DESTRUCTION_WAIT) < 0 || wait.compareTo(KeyManager.MAX_DESTRUCTION_WAIT) > 0) {
        throw new IllegalArgumentException(
            "the destruction waiting period must be between " + KeyManager.MIN_DESTRUCTION_WAIT.toDays() + " and "
                + KeyManager.MAX_DESTRUCTION_WAIT.toDays() + " days: " + wait);
      }
      KeyMetadata m = cur.metadata;
      if (m.state() == KeyState.PENDING_DESTRUCTION) {
        throw new KeyStateException(m.keyId(), m.state(),
            "key " + AccessChecks.name(m) + " is already scheduled for destruction at " + m.destructionDate().orElseThrow());
      }
      if (m.state() == KeyState.DESTROYED) {
        throw AccessChecks.refusal(m, "there is nothing left to destroy");
      }
      return new Result(
          m.toBuilder().state(KeyState.PENDING_DESTRUCTION).stateChangedAt(now).destructionDate(now.plus(wait)).build(),
          cur.keyset);
    });
  }

  KeyMetadata cancelDestruction(String key, String caller) {
    return change(key, KeyOperation.CANCEL_DESTRUCTION, caller, (cur, now) -> {
      KeyMetadata m = cur.metadata;
      if (m.state() != KeyState.PENDING_DESTRUCTION) {
        if (m.state() == KeyState.DESTROYED) {
          throw AccessChecks.refusal(m, "it is too late to cancel");
        }
        throw new KeyStateException(m.keyId(), m.state(),
            "key " + AccessChecks.name(m) + " is not scheduled for destruction (it is " + m.state() + ")");
      }
      return new Result(
          m.toBuilder().state(KeyState.DISABLED).stateChangedAt(now).destructionDate(null).build(), cur.keyset);
    });
  }

  KeyMetadata destroyKey(String key, String caller) {
    return change(key, KeyOperation.DESTROY, caller, (cur, now) -> {
      KeyMetadata m = cur.metadata;
      switch (m.state()) {
        case DESTROYED:
          return null;
        case PENDING_DESTRUCTION:
          Instant due = m.destructionDate().orElseThrow();
          if (now.isBefore(due)) {
            throw new KeyStateException(m.keyId(), m.state(),
                "key " + AccessChecks.name(m) + " cannot be destroyed before its waiting period ends at " + due
                    + "; cancel the destruction if it is still needed");
          }
          return new Result(m.toBuilder().state(KeyState.DESTROYED).stateChangedAt(now).destructionDate(now).build(), null);
        default:
          throw new KeyStateException(m.keyId(), m.state(),
              "key " + AccessChecks.name(m) + " is " + m.state() + "; schedule its destruction first (scheduleDestruction)");
      }
    });
  }

  /** Destroys every key pending destruction whose waiting period is over; returns them. */
  List<KeyMetadata> destroyDueKeys(String caller) {
    List<KeyMetadata> destroyed = new ArrayList<>();
    Instant now = state.clock.instant();
    for (KeyMetadata m : listKeys()) {
      if (m.state() == KeyState.PENDING_DESTRUCTION && !now.isBefore(m.destructionDate().orElseThrow())) {
        destroyed.add(destroyKey(m.keyId(), caller));
      }
    }
    return destroyed;
  }

  KeyMetadata updatePolicy(String key, KeyPolicy policy, String caller) {
    Objects.requireNonNull(policy, "policy");
    return change(key, KeyOperation.UPDATE_POLICY, caller, (cur, now) -> {
      KeyMetadata m = cur.metadata;
      if (m.state() == KeyState.DESTROYED) {
        throw AccessChecks.refusal(m, "its policy can no longer change");
      }
      return new Result(m.toBuilder().policy(policy).build(), cur.keyset);
    });
  }

  KeyMetadata setMinDecryptionVersion(String key, int version, String caller) {
    return change(key, KeyOperation.UPDATE_POLICY, caller, (cur, now) -> {
      KeyMetadata m = cur.metadata;
      if (m.state() == KeyState.DESTROYED) {
        throw AccessChecks.refusal(m, "its minimum decryption version can no longer change");
      }
      if (version < 1 || version > m.primaryVersion()) {
        throw new IllegalArgumentException("the minimum decryption version of key " + AccessChecks.name(m)
            + " must be between 1 and its primary version " + m.primaryVersion() + ": " + version);
      }
      if (version == m.minDecryptionVersion()) {
        return null;
      }
      return new Result(m.toBuilder().minDecryptionVersion(version).build(), cur.keyset);
    });
  }

  KeyMetadata updateDescription(String key, String description, String caller) {
    Objects.requireNonNull(description, "description");
    return change(key, KeyOperation.UPDATE_POLICY, caller, (cur, now) -> {
      KeyMetadata m = cur.metadata;
      if (m.state() == KeyState.DESTROYED) {
        throw AccessChecks.refusal(m, "its description can no longer change");
      }
      return new Result(m.toBuilder().description(description).build(), cur.keyset);
    });
  }
}
