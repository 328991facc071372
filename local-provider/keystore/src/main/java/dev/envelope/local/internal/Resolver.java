package dev.envelope.local.internal;

import dev.envelope.local.KeyMetadata;
import dev.envelope.local.KeyNotFoundException;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** Resolves a key id or alias to a key id, remembering aliases between calls. */
final class Resolver {
  private final StoreState state;
  private final KeyFiles keys;
  private final ConcurrentHashMap<String, String> aliases = new ConcurrentHashMap<>();

  Resolver(StoreState state, KeyFiles keys) {
    this.state = state;
    this.keys = keys;
  }

  /**
   * The key id of {@code key} (an id or an alias).
   *
   * @throws KeyNotFoundException if the store has no such key
   */
  String resolve(String key) {
    Objects.requireNonNull(key, "key");
    state.checkOpen();
    if (Names.isKeyId(key)) {
      keys.load(key);
      return key;
    }
    String id = aliases.get(key);
    if (id != null) {
      try {
        if (key.equals(keys.load(id).metadata.alias().orElse(null))) {
          return id;
        }
      } catch (KeyNotFoundException gone) {
        // fall through to a rescan
      }
      aliases.remove(key, id);
    }
    String found = find(key);
    if (found == null) {
      throw new KeyNotFoundException("there is no key with id or alias '" + key + "' in " + state.home.describe());
    }
    return found;
  }

  /** The id of the key with alias {@code alias}, or null; scans every key under the lock. */
  String find(String alias) {
    try (StoreHome.Held held = state.lockCurrent()) {
      for (String candidate : keys.keyIds()) {
        KeyMetadata md = keys.load(candidate).metadata;
        md.alias().ifPresent(a -> aliases.put(a, candidate));
        if (md.alias().filter(alias::equals).isPresent()) {
          return candidate;
        }
      }
    }
    return null;
  }

  void remember(String alias, String keyId) {
    aliases.put(alias, keyId);
  }
}
