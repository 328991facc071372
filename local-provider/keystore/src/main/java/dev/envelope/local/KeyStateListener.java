package dev.envelope.local;

import dev.envelope.cache.CachingMaterialsManager;
import java.util.Objects;

/**
 * The incident-response hook: told when a key is disabled, scheduled for destruction, destroyed
 * or enabled, so that a data-key cache can purge data keys wrapped under it.
 *
 * <p>Called synchronously after the change is durable on disk, on the thread that made it.
 * Every listener is called even if one throws; the first failure is then reported to the caller
 * (the change itself stays made). Changes made by another process are reported when this process
 * next loads the key (any use of it, {@code describeKey}, or {@code listKeys}, which loads every
 * key: call it periodically to pick such changes up while a cache serves hits). A store kept in
 * PostgreSQL reports them without waiting for a use: its listener thread hears of each change
 * (LISTEN/NOTIFY) and calls the listeners, on that thread, within a second of the commit, for
 * every key this instance has loaded.
 *
 * <pre>{@code
 * store.addKeyStateListener(KeyStateListener.purging(cache));
 * }</pre>
 */
@FunctionalInterface
public interface KeyStateListener {
  void onKeyStateChange(KeyStateEvent event);

  /**
   * A listener that, whenever a key becomes unusable ({@link KeyStateEvent#revokesUse()}),
   * evicts from {@code cache} every entry with an encrypted data key wrapped under that key
   * ({@link KeyStateEvent#matches}): encrypt entries, and decrypt entries of messages that have
   * such a key, whose cached data keys the cache then zeroes. The next use goes to the keyring,
   * which refuses the key ({@link KeyDisabledException} and the like) instead of the cache
   * serving a data key wrapped under it. Enabling a key purges nothing.
   *
   * <h4>Security guarantees</h4>
   *
   * Once the state change has returned, no entry cached before it that the key wrapped is served
   * again, and loads running during the purge are not cached (see {@link
   * CachingMaterialsManager#invalidateIf}). Not promised: a change made by another process is
   * only seen when this process next loads the key, or, for a store in PostgreSQL, when its
   * listener hears of it (see above); until then, {@link
   * CachingMaterialsManager.Builder#maxAge} bounds how long its cached data keys stay in use.
   */
  static KeyStateListener purging(CachingMaterialsManager cache) {
    Objects.requireNonNull(cache, "cache");
    return event -> {
      if (event.revokesUse()) {
        cache.invalidateIf(edks -> edks.stream().anyMatch(event::matches));
      }
    };
  }
}
