package dev.envelope.localkms.internal;

import dev.envelope.AuthenticationFailedException;
import dev.envelope.EncryptionContext;
import dev.envelope.MalformedMessageException;
import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.DecryptResult;
import dev.envelope.local.GeneratedDataKey;
import dev.envelope.local.KeyDestroyedException;
import dev.envelope.local.KeyDisabledException;
import dev.envelope.local.KeyMetadata;
import dev.envelope.local.KeyNotFoundException;
import dev.envelope.local.KeyOperation;
import dev.envelope.local.KeyPendingDestructionException;
import dev.envelope.local.KeyPolicy;
import dev.envelope.local.KeyPolicyViolationException;
import dev.envelope.local.KeyStateException;
import dev.envelope.local.KeyVersion;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.local.LocalKeyring;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The {@link KmsBackend} over the local key store: KMS keys are key-store keys, so their material
 * is sealed at rest under the store's KEK, their versions are the store's versions, their
 * lifecycle is the store's lifecycle, and every call is checked against the store's {@link
 * KeyPolicy} and written to its audit log under the KMS caller's principal ARN ({@link
 * LocalKeyStore#withCaller}).
 *
 * <h2>Mapping</h2>
 *
 * <table>
 *   <caption>KMS and the key store</caption>
 *   <tr><th>KMS</th><th>key store</th></tr>
 *   <tr><td>key id (UUID)</td><td>key id</td></tr>
 *   <tr><td>multi-Region key id ({@code mrk-…}); all its replicas</td><td>one key whose alias
 *       is the {@code mrk-} id</td></tr>
 *   <tr><td>key material versions (RotateKeyOnDemand, automatic rotation)</td><td>key versions
 *       ({@code rotateKey})</td></tr>
 *   <tr><td>Enabled / Disabled / PendingDeletion; deletion</td><td>ENABLED / DISABLED /
 *       PENDING_DESTRUCTION; DESTROYED (a destroyed key no longer exists for KMS)</td></tr>
 *   <tr><td>PendingWindowInDays (7 to 30)</td><td>destruction waiting period (1 to 365 days)</td></tr>
 *   <tr><td>GenerateDataKey(WithoutPlaintext) / Encrypt / Decrypt / ReEncrypt</td><td>GENERATE /
 *       ENCRYPT / DECRYPT / REWRAP, each audited with the encryption context's keys</td></tr>
 *   <tr><td>actions the key policy denies to everyone unconditionally</td><td>operations the
 *       key's store policy does not allow</td></tr>
 *   <tr><td>description</td><td>description</td></tr>
 * </table>
 *
 * <p>A payload is the store's own ciphertext ({@link LocalKeyStore#encrypt}): it names the store
 * key and version, and is AES-256-GCM under that version with the canonical encryption context as
 * associated data. Before decrypting one, this backend checks that it names the store key behind
 * the KMS key the request was authorized for, so a payload spliced from another key's blob is
 * refused instead of decrypted under a key the caller was not authorized for.
 *
 * <p>Store exceptions become {@link BackendException}s: {@code KeyNotFoundException} and {@code
 * KeyDestroyedException} → {@link Kind#NOT_FOUND}; {@code KeyDisabledException} → {@link
 * Kind#DISABLED}; {@code KeyPendingDestructionException} → {@link Kind#PENDING_DELETION}; other
 * {@code KeyStateException}s → {@link Kind#INVALID_STATE};
 * {@code AuthenticationFailedException} and {@code MalformedMessageException} → {@link
 * Kind#BAD_CIPHERTEXT}; {@code KeyPolicyViolationException} → {@link Kind#ACCESS_DENIED}.
 *
 * <p>Thread-safe (the store is).
 */
public final class KeyStoreKmsBackend implements KmsBackend {
  private final LocalKeyStore store;

  /** A backend over {@code store}, which the caller keeps open while this backend is used. */
  public KeyStoreKmsBackend(LocalKeyStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  // ---------------------------------------------------------------- keys

  @Override
  public BackendKey create(
      boolean multiRegion, String description, Set<KeyUse> forbiddenUses, String caller) {
    KeyPolicy.Builder policy = KeyPolicy.defaultPolicy().toBuilder();
    forbiddenUses.forEach(u -> policy.deny(operation(u)));
    CreateKeyRequest.Builder request =
        CreateKeyRequest.builder().description(description).policy(policy.build());
    if (multiRegion) {
      request.alias(KeyIds.newKeyId(true));
    }
    KeyMetadata created = call(null, id -> null, () -> as(caller).createKey(request.build()));
    return toBackendKey(created);
  }

  @Override
  public Optional<BackendKey> find(String keyId) {
    return metadata(keyId).map(KeyStoreKmsBackend::toBackendKey);
  }

  @Override
  public List<BackendKey> list() {
    List<BackendKey> out = new ArrayList<>();
    for (KeyMetadata m : store.listKeys()) {
      if (m.state() != dev.envelope.local.KeyState.DESTROYED) {
        out.add(toBackendKey(m));
      }
    }
    out.sort(Comparator.comparing(BackendKey::keyId));
    return out;
  }

  /** The store key behind a KMS key id: not destroyed, and known to KMS by exactly that id. */
  private Optional<KeyMetadata> metadata(String keyId) {
    if (!KeyIds.isValid(keyId)) {
      return Optional.empty();
    }
    KeyMetadata m;
    try {
      m = store.describeKey(keyId); // a UUID is a store key id; an mrk- id is a store alias
    } catch (KeyNotFoundException e) {
      return Optional.empty();
    }
    if (m.state() == dev.envelope.local.KeyState.DESTROYED || !kmsKeyId(m).equals(keyId)) {
      return Optional.empty(); // e.g. the store UUID of a multi-Region key: KMS knows it as mrk-…
    }
    return Optional.of(m);
  }

  private KeyMetadata existing(String keyId) {
    return metadata(keyId)
        .orElseThrow(() -> new BackendException(Kind.NOT_FOUND, keyId, "no such key", null));
  }

  /** The KMS key id of a store key: its {@code mrk-} alias if it has one, else its key id. */
  static String kmsKeyId(KeyMetadata m) {
    return m.alias()
        .filter(a -> KeyIds.isMultiRegion(a) && KeyIds.isValid(a))
        .orElse(m.keyId());
  }

  private static BackendKey toBackendKey(KeyMetadata m) {
    BackendKeyState state =
        switch (m.state()) {
          case ENABLED -> BackendKeyState.ENABLED;
          case DISABLED -> BackendKeyState.DISABLED;
          case PENDING_DESTRUCTION -> BackendKeyState.PENDING_DELETION;
          case DESTROYED -> throw new IllegalArgumentException("key " + m.keyId() + " is destroyed");
        };
    Instant primaryCreated = null;
    for (KeyVersion v : m.versions()) {
      if (v.number() == m.primaryVersion()) {
        primaryCreated = v.createdAt();
      }
    }
    return new BackendKey(
        kmsKeyId(m),
        m.description(),
        state,
        m.createdAt(),
        state == BackendKeyState.PENDING_DELETION ? m.destructionDate().orElse(null) : null,
        m.primaryVersion(),
        primaryCreated == null ? m.lastRotatedAt().orElse(m.createdAt()) : primaryCreated);
  }

  // ---------------------------------------------------------------- key use

  @Override
  public Sealed encrypt(String keyId, byte[] plaintext, EncryptionContext context, String caller) {
    byte[] payload =
        call(keyId, sameKey(keyId), () -> as(caller).encrypt(keyId, plaintext, context));
    return new Sealed(parse(payload).version(), payload);
  }

  @Override
  public Generated generateDataKey(
      String keyId, int numberOfBytes, EncryptionContext context, String caller) {
    try (GeneratedDataKey g =
        call(
            keyId,
            sameKey(keyId),
            () -> as(caller).generateDataKey(keyId, numberOfBytes, context))) {
      return new Generated(g.keyVersion(), g.plaintext().copyPlaintext(), g.ciphertext());
    }
  }

  @Override
  public Opened decrypt(String keyId, byte[] payload, EncryptionContext context, String caller) {
    KeyMetadata m = existing(keyId);
    int version = checkPayload(keyId, m, payload);
    try (DecryptResult r =
        call(keyId, sameKey(keyId), () -> as(caller).decrypt(payload, context))) {
      if (!r.keyId().equals(m.keyId()) || r.keyVersion() != version) {
        throw badCiphertext(keyId); // cannot happen: the store decrypts what the payload names
      }
      return new Opened(r.keyVersion(), r.plaintext());
    }
  }

  @Override
  public Resealed reEncrypt(
      String sourceKeyId,
      byte[] payload,
      EncryptionContext sourceContext,
      String destinationKeyId,
      EncryptionContext destinationContext,
      String caller) {
    KeyMetadata source = existing(sourceKeyId);
    KeyMetadata destination = existing(destinationKeyId);
    int sourceVersion = checkPayload(sourceKeyId, source, payload);
    byte[] out =
        call(
            sourceKeyId,
            storeId -> storeId.equals(destination.keyId()) ? destinationKeyId : sourceKeyId,
            () ->
                as(caller)
                    .reEncrypt(payload, sourceContext, destinationKeyId, destinationContext));
    return new Resealed(sourceVersion, parse(out).version(), out);
  }

  /**
   * The version a payload names, after checking that it names the store key behind {@code keyId}
   * and a version that key has. This is what stops a payload of another key, spliced into a blob
   * of this one, from being decrypted under the other key.
   */
  private static int checkPayload(String keyId, KeyMetadata m, byte[] payload) {
    LocalKeyring.WrappingKey p;
    try {
      p = parse(payload);
    } catch (MalformedMessageException e) {
      throw badCiphertext(keyId);
    }
    boolean hasVersion = m.versions().stream().anyMatch(v -> v.number() == p.version());
    if (!p.keyId().equals(m.keyId()) || !hasVersion) {
      throw badCiphertext(keyId);
    }
    return p.version();
  }

  private static LocalKeyring.WrappingKey parse(byte[] payload) {
    return LocalKeyStore.wrappingKeyOf(payload);
  }

  private static BackendException badCiphertext(String keyId) {
    return new BackendException(Kind.BAD_CIPHERTEXT, keyId, "the ciphertext does not open", null);
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public BackendKey setEnabled(String keyId, boolean enabled, String caller) {
    return lifecycle(
        keyId, () -> enabled ? as(caller).enableKey(keyId) : as(caller).disableKey(keyId));
  }

  @Override
  public BackendKey scheduleDeletion(String keyId, Duration waitingPeriod, String caller) {
    return lifecycle(keyId, () -> as(caller).scheduleDestruction(keyId, waitingPeriod));
  }

  @Override
  public BackendKey cancelDeletion(String keyId, String caller) {
    return lifecycle(keyId, () -> as(caller).cancelDestruction(keyId));
  }

  @Override
  public BackendKey rotate(String keyId, String caller) {
    return lifecycle(keyId, () -> as(caller).rotateKey(keyId));
  }

  @Override
  public BackendKey updateDescription(String keyId, String description, String caller) {
    return lifecycle(keyId, () -> as(caller).updateDescription(keyId, description));
  }

  @Override
  public BackendKey restrictUses(
      String keyId, Set<KeyUse> forbidden, Set<KeyUse> previouslyForbidden, String caller) {
    KeyPolicy current = existing(keyId).policy();
    KeyPolicy.Builder next = current.toBuilder();
    for (KeyUse use : previouslyForbidden) {
      if (!forbidden.contains(use)) {
        next.allow(operation(use));
      }
    }
    forbidden.forEach(use -> next.deny(operation(use)));
    KeyPolicy policy = next.build();
    // Always through the store, even when nothing changes: the policy change is checked against
    // the store's own policy for this caller, and audited.
    return lifecycle(keyId, () -> as(caller).updatePolicy(keyId, policy));
  }

  @Override
  public void delete(String keyId, String caller) {
    lifecycle(keyId, () -> as(caller).destroyKey(keyId));
  }

  private BackendKey lifecycle(String keyId, Supplier<KeyMetadata> change) {
    existing(keyId);
    KeyMetadata m = call(keyId, sameKey(keyId), change);
    return m.state() == dev.envelope.local.KeyState.DESTROYED ? null : toBackendKey(m);
  }

  // ---------------------------------------------------------------- store calls

  private LocalKeyStore as(String caller) {
    return store.withCaller(caller);
  }

  private static KeyOperation operation(KeyUse use) {
    return switch (use) {
      case GENERATE -> KeyOperation.GENERATE;
      case ENCRYPT -> KeyOperation.ENCRYPT;
      case DECRYPT -> KeyOperation.DECRYPT;
      case REENCRYPT -> KeyOperation.REWRAP;
    };
  }

  /** Every store key id of a single-key call stands for {@code keyId}. */
  private static UnaryOperator<String> sameKey(String keyId) {
    return storeId -> keyId;
  }

  /**
   * Runs a store call, turning its refusals into {@link BackendException}s.
   *
   * @param keyId the KMS key id of the call (for refusals that name no key)
   * @param kmsIdOf the KMS key id of a store key id a refusal names
   */
  private static <T> T call(String keyId, UnaryOperator<String> kmsIdOf, Supplier<T> storeCall) {
    try {
      return storeCall.get();
    } catch (KeyNotFoundException e) {
      throw new BackendException(Kind.NOT_FOUND, keyId, "no such key or version", e);
    } catch (KeyStateException e) {
      String id = e.keyId() == null ? keyId : kmsIdOf.apply(e.keyId());
      Kind kind;
      if (e instanceof KeyDisabledException) {
        kind = Kind.DISABLED;
      } else if (e instanceof KeyPendingDestructionException) {
        kind = Kind.PENDING_DELETION;
      } else if (e instanceof KeyDestroyedException) {
        kind = Kind.NOT_FOUND; // deleted, in KMS terms
      } else {
        kind = Kind.INVALID_STATE; // a transition the key's state does not allow
      }
      throw new BackendException(kind, id, e.getMessage(), e);
    } catch (KeyPolicyViolationException e) {
      throw new BackendException(Kind.ACCESS_DENIED, kmsIdOf.apply(e.keyId()), e.rule(), e);
    } catch (AuthenticationFailedException | MalformedMessageException e) {
      throw new BackendException(Kind.BAD_CIPHERTEXT, keyId, "the ciphertext does not open", e);
    }
  }

  @Override
  public String toString() {
    return "KeyStoreKmsBackend{" + store + "}";
  }
}
