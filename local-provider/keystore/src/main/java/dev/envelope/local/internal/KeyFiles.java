package dev.envelope.local.internal;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.envelope.KeyProviderException;
import dev.envelope.local.KeyMetadata;
import dev.envelope.local.KeyNotFoundException;
import dev.envelope.local.KeyState;
import dev.envelope.local.KeyStateEvent;
import dev.envelope.local.KeyStoreIntegrityException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The store's key records: their format, their authentication against the manifest, and the
 * in-memory cache.
 *
 * <pre>
 * {"format":"envelope-local-key/1","metadata":"&lt;metadata JSON&gt;","keyset":base64|null,"gen":N,"mac":hex}
 * keyset sealed under the KEK with AAD = "envelope-local-key/1" 00 storeId 00 keyId 00 metadata
 * mac = HMAC-SHA256(record key, "envelope-local-key/1" 00 storeId 00 keyId 00 N 00 metadata 00 keyset-or-empty 00)
 * </pre>
 *
 * The MAC covers destroyed keys (which have no keyset) and the generation N; the manifest says
 * which generation is current, so an older copy of a record (from before a disable, a tightened
 * policy or a destruction) is refused with {@link KeyStoreIntegrityException}. A record newer than
 * the manifest is one whose manifest update a crash lost: it is adopted.
 *
 * <p>Reads that miss the cache happen under the store lock ({@link StoreState#lockCurrent}); a
 * cache hit costs one stat of the record, so a change by another process is seen by the next use.
 */
final class KeyFiles {
  static final String KEY_FORMAT = "envelope-local-key/1";

  /** A key as loaded from its record. Immutable. */
  static final class LoadedKey {
    final KeyMetadata metadata;
    final KeysetHandle keyset; // null once destroyed
    final Map<Integer, Aead> aeads; // empty once destroyed
    final Object stamp;
    final long gen;

    LoadedKey(KeyMetadata metadata, KeysetHandle keyset, Map<Integer, Aead> aeads, Object stamp, long gen) {
      this.metadata = metadata;
      this.keyset = keyset;
      this.aeads = aeads;
      this.stamp = stamp;
      this.gen = gen;
    }
  }

  private final StoreState state;
  private final Events events;
  private final ConcurrentHashMap<String, LoadedKey> cache = new ConcurrentHashMap<>();
  private volatile Manifest manifest;
  private volatile Object manifestStamp;
  private volatile long knownGeneration;

  KeyFiles(StoreState state, Events events) {
    this.state = state;
    this.events = events;
  }

  /** The highest manifest generation this instance has seen. */
  long knownGeneration() {
    return knownGeneration;
  }

  // ------------------------------------------------------------------------- manifest

  /** The current manifest, authenticated. Call under the lock. */
  Manifest manifest() {
    Object stamp = state.home.manifestStamp();
    Manifest m = manifest;
    if (m != null && stamp != null && stamp.equals(manifestStamp)) {
      return m;
    }
    byte[] bytes = state.home.readManifest();
    if (bytes == null) {
      throw new KeyStoreIntegrityException("the manifest of " + state.home.describe() + " is missing: it was"
          + " deleted, or the store was made by an earlier release; restore the whole store directory from a backup");
    }
    m = Manifest.decode(bytes, state.secrets, state.storeId, state.home.describe());
    if (m.generation < knownGeneration) {
      throw new KeyStoreIntegrityException("the manifest of " + state.home.describe() + " went back from generation "
          + knownGeneration + " to " + m.generation + ": it was rolled back (replaced by an older copy)");
    }
    manifest = m;
    manifestStamp = stamp;
    knownGeneration = m.generation;
    return m;
  }

  private void saveManifest(Manifest m) {
    state.home.writeManifest(m.encode(state.secrets, state.storeId));
    manifest = m;
    manifestStamp = state.home.manifestStamp();
    knownGeneration = Math.max(knownGeneration, m.generation);
  }

  /** Records that the store moved to manifest generation {@code gen} (after a KEK switch). */
  void adoptGeneration(long gen) {
    knownGeneration = Math.max(knownGeneration, gen);
    manifest = null;
    manifestStamp = null;
    cache.clear();
  }

  /** The ids of the keys the manifest names. Call under the lock. */
  List<String> keyIds() {
    return new ArrayList<>(manifest().keys.keySet());
  }

  // ------------------------------------------------------------------------- records

  private byte[] keyAad(String keyId, String metadataJson) {
    return (KEY_FORMAT + "\0" + state.storeId + "\0" + keyId + "\0" + metadataJson).getBytes(StandardCharsets.UTF_8);
  }

  private String mac(String keyId, long gen, String metadataJson, String sealed) {
    return state.secrets.recordMac(KEY_FORMAT, state.storeId, keyId, Long.toString(gen), metadataJson,
        sealed == null ? "" : sealed);
  }

  /** A key record, its keyset sealed under {@code kek}. */
  byte[] encode(KeyMetadata md, KeysetHandle keyset, long gen, Kek kek) {
    String metadataJson = KeyRecords.toJson(md);
    JsonObject o = new JsonObject();
    o.addProperty("format", KEY_FORMAT);
    o.addProperty("metadata", metadataJson);
    String sealed = null;
    if (keyset == null) {
      o.add("keyset", JsonNull.INSTANCE);
    } else {
      try {
        sealed = Base64.getEncoder().encodeToString(Keysets.seal(keyset, kek, keyAad(md.keyId(), metadataJson)));
      } catch (GeneralSecurityException e) {
        throw new KeyProviderException("the KEK could not seal key " + md.keyId() + ": " + e.getMessage(), e);
      }
      o.addProperty("keyset", sealed);
    }
    o.addProperty("gen", gen);
    o.addProperty("mac", mac(md.keyId(), gen, metadataJson, sealed));
    return o.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Parses and authenticates a key record. */
  LoadedKey decode(String keyId, byte[] bytes, Object stamp) {
    String where = state.home.describeKey(keyId);
    String metadataJson;
    JsonElement sealedElement;
    long gen;
    String mac;
    try {
      JsonObject o = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8)).getAsJsonObject();
      if (!KEY_FORMAT.equals(o.get("format").getAsString())) {
        throw new KeyStoreIntegrityException(where + " has an unknown format; this release reads " + KEY_FORMAT);
      }
      metadataJson = o.get("metadata").getAsString();
      sealedElement = o.get("keyset");
      gen = o.get("gen").getAsLong();
      mac = o.get("mac").getAsString();
    } catch (KeyStoreIntegrityException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new KeyStoreIntegrityException(where + " is malformed", e);
    }
    boolean hasKeyset = sealedElement != null && !sealedElement.isJsonNull();
    String sealed = hasKeyset ? sealedElement.getAsString() : null;
    if (!state.secrets.matches(mac, KEY_FORMAT, state.storeId, keyId, Long.toString(gen), metadataJson,
        sealed == null ? "" : sealed)) {
      throw new KeyStoreIntegrityException(where + " fails authentication under the store's KEK: it was modified,"
          + " or comes from another store; restore the whole store directory from a backup");
    }
    KeyMetadata md = KeyRecords.fromJson(metadataJson, state.namespace, where);
    if (!md.keyId().equals(keyId)) {
      throw new KeyStoreIntegrityException(where + " holds key " + md.keyId());
    }
    if (md.state() == KeyState.DESTROYED) {
      if (hasKeyset) {
        throw new KeyStoreIntegrityException(where + " says the key is destroyed but holds key material");
      }
      return new LoadedKey(md, null, Map.of(), stamp, gen);
    }
    if (!hasKeyset) {
      throw new KeyStoreIntegrityException(where + " has no key material but the key is " + md.state());
    }
    try {
      KeysetHandle keyset = Keysets.open(Base64.getDecoder().decode(sealed), state.kek, keyAad(keyId, metadataJson));
      Map<Integer, Aead> aeads = Keysets.primitives(keyset);
      List<Integer> numbers = new ArrayList<>();
      md.versions().forEach(v -> numbers.add(v.number()));
      if (aeads.size() != md.versions().size() || !aeads.keySet().containsAll(numbers)
          || Keysets.primaryVersion(keyset) != md.primaryVersion()) {
        throw new KeyStoreIntegrityException(where + ": the keyset's versions do not match its metadata");
      }
      return new LoadedKey(md, keyset, aeads, stamp, gen);
    } catch (KekFailedException e) {
      throw kekUnavailable("open key " + keyId, e);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new KeyStoreIntegrityException(where + " fails authentication under the store's KEK: it was modified,"
          + " or comes from another store; restore the whole store directory from a backup", e);
    }
  }

  /** The KEK itself failed (not the data): say so instead of blaming the key record. */
  static KeyProviderException kekUnavailable(String action, KekFailedException e) {
    return new KeyProviderException(
        "the key store's KEK failed and could not " + action + " (" + e.getMessage()
            + "): check that the KEK is available, e.g. that its token is present and the token key still exists", e);
  }

  /**
   * Reads a key's current record, checked against the manifest, bypassing the cache. Call under
   * the lock.
   *
   * @throws KeyNotFoundException if the store has no such key
   * @throws KeyStoreIntegrityException if the record is missing, forged or older than the manifest says
   */
  LoadedKey readVerified(String keyId) {
    Manifest m = manifest();
    Long expected = m.keys.get(keyId);
    Object stamp = state.home.keyStamp(keyId);
    byte[] bytes = state.home.readKey(keyId);
    if (bytes == null) {
      if (expected != null) {
        throw new KeyStoreIntegrityException("the record of key " + keyId + " is missing from " + state.home.describe()
            + " although the manifest names it: it was deleted; restore the whole store directory from a backup");
      }
      throw new KeyNotFoundException("there is no key " + keyId + " in " + state.home.describe());
    }
    LoadedKey k = decode(keyId, bytes, stamp);
    if (expected != null && k.gen < expected) {
      throw new KeyStoreIntegrityException("the record of key " + keyId + " in " + state.home.describe()
          + " is older (generation " + k.gen + ") than the store's manifest says (generation " + expected
          + "): it was rolled back, e.g. copied back from a backup; restore the whole store directory instead");
    }
    if (expected == null || k.gen > expected) {
      // A record written by a change whose manifest update a crash lost (only a KEK holder can
      // write one that authenticates): adopt it.
      saveManifest(m.with(keyId, k.gen));
    }
    return k;
  }

  /** The current version of a key: from the cache if its record has not changed, else read under the lock. */
  LoadedKey load(String keyId) {
    state.checkOpen();
    LoadedKey cached = cache.get(keyId);
    if (cached != null && cached.stamp != null && cached.stamp.equals(state.home.keyStamp(keyId))) {
      return cached;
    }
    LoadedKey fresh;
    try (StoreHome.Held held = state.lockCurrent()) {
      fresh = readVerified(keyId);
    }
    boolean installed = cached == null ? cache.putIfAbsent(keyId, fresh) == null : cache.replace(keyId, cached, fresh);
    if (installed && cached != null && cached.metadata.state() != fresh.metadata.state()) {
      // Another process changed the state: tell this process's listeners too.
      events.notifyState(KeyStateEvent.of(fresh.metadata, cached.metadata.state(), state.clock.instant(),
          "(another process)"));
    }
    return fresh;
  }

  /**
   * Re-reads a key this instance has loaded, after a hint that another process changed it; if its
   * state changed, the state listeners hear of it (on the calling thread). A key not loaded here is
   * left alone: its first use reads it.
   */
  void refresh(String keyId) {
    if (cache.containsKey(keyId)) {
      load(keyId);
    }
  }

  /**
   * Re-reads every key this instance has loaded ({@link #refresh}); goes on past a key that fails
   * and then throws the first failure.
   */
  void refreshAll() {
    RuntimeException first = null;
    for (String keyId : new ArrayList<>(cache.keySet())) {
      try {
        refresh(keyId);
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** Caches a record just read under the lock. */
  void remember(LoadedKey k) {
    cache.put(k.metadata.keyId(), k);
  }

  /**
   * Writes a key's new record and advances the manifest to name it: the change is made once the
   * manifest is written. Call under the lock.
   */
  void commit(KeyMetadata md, KeysetHandle keyset) {
    Manifest m = manifest();
    long gen = m.generation + 1;
    state.home.writeKey(md.keyId(), encode(md, keyset, gen, state.kek));
    Object stamp = state.home.keyStamp(md.keyId());
    saveManifest(m.with(md.keyId(), gen));
    try {
      Map<Integer, Aead> aeads = keyset == null ? Map.of() : Keysets.primitives(keyset);
      cache.put(md.keyId(), new LoadedKey(md, keyset, aeads, stamp, gen));
    } catch (GeneralSecurityException e) {
      throw new KeyProviderException("could not load key " + md.keyId() + " just written: " + e.getMessage(), e);
    }
  }

  void clear() {
    cache.clear();
  }

  @Override
  public String toString() {
    return "KeyFiles[" + Objects.toString(state.home) + "]";
  }
}
