package dev.envelope.local.internal;

import com.google.gson.JsonObject;

/**
 * How to obtain a {@link Kek}: for a new store (choosing and recording parameters such as a
 * salt in the store's {@code kek} record) or for an existing one (reading them back).
 */
public abstract class KekSpec {
  /** The kind recorded in the store: {@code passphrase}, {@code secret-key} or {@code keyring}. */
  public abstract String kind();

  /** Builds the KEK of a new store and writes its parameters into {@code record}. */
  public abstract Kek forNewStore(JsonObject record);

  /**
   * Builds the KEK of an existing store from its parameters.
   *
   * @throws dev.envelope.local.KeyStoreIntegrityException if the parameters are malformed or out
   *     of bounds
   */
  public abstract Kek forExistingStore(JsonObject record);

  /** What to tell a user whose KEK does not open the store. */
  public abstract String wrongKekHint();

  /** Zeroes secrets this spec holds, if any. */
  public void destroy() {}
}
