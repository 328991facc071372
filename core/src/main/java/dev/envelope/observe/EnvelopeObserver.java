package dev.envelope.observe;

import java.util.Set;

/**
 * Hears what an {@code Envelope} (and a {@code CachingMaterialsManager}) does, without secrets;
 * see the {@linkplain dev.envelope.observe package documentation} for what is and is never
 * reported. Implementations must be thread-safe, fast, and must not throw (an exception is caught
 * and ignored: observation never changes an operation's outcome).
 *
 * <pre>{@code
 * Envelope envelope = Envelope.builder()
 *     .keyring(keyring)
 *     .observer(myObserver)
 *     .build();
 * }</pre>
 */
public interface EnvelopeObserver {
  /**
   * An operation begins. Returns the handle that hears its keyring calls and its end ({@link
   * OperationObservation#NONE} to ignore it).
   *
   * @param operation what begins
   * @param streaming whether it is the stream (or channel) form of the operation
   */
  OperationObservation started(Operation operation, boolean streaming);

  /** Something happened in a cache this observer is registered on. Default: nothing. */
  default void cacheEvent(CacheEvent event) {}

  /**
   * The encryption-context keys whose <em>values</em> this observer may be told (an allow-list;
   * empty by default, so no context value is ever reported). Read once, when the observer is
   * registered. Name only keys whose values are not secret, such as a tenant or a table name.
   */
  default Set<String> recordedContextKeys() {
    return Set.of();
  }
}
