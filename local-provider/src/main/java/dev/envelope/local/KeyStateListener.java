package dev.envelope.local;

/**
 * The incident-response hook: told when a key is disabled, scheduled for destruction, destroyed
 * or enabled, so that a data-key cache can purge data keys wrapped under it.
 *
 * <p>Called synchronously after the change is durable on disk, on the thread that made it.
 * Every listener is called even if one throws; the first failure is then reported to the caller
 * (the change itself stays made). Changes made by another process are reported when this process
 * next loads the key.
 */
@FunctionalInterface
public interface KeyStateListener {
  void onKeyStateChange(KeyStateEvent event);
}
