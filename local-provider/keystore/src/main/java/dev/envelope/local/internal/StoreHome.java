package dev.envelope.local.internal;

import com.google.gson.JsonObject;
import java.util.List;

/**
 * Where a key store keeps its state: the store record ({@code store.json}), one sealed record per
 * key, the manifest that names each key's current generation, and the audit trail. The engine
 * decides what the bytes mean and authenticates them; a home only keeps them, atomically, and
 * serializes writers. {@link DirectoryHome} keeps them in a directory; another home (a PostgreSQL
 * schema: advisory lock, one row per key, a transaction for the KEK switch) implements the same
 * contract.
 *
 * <p>The contract:
 *
 * <ul>
 *   <li>{@link #lock} excludes every other writer and every locked reader, in this process and in
 *       others. Every method except {@link #keyStamp}, {@link #manifestStamp} and {@link
 *       #readStoreRecord} (as an optimistic first read) is called with the lock held.
 *   <li>Each write replaces one record atomically and durably: a crash leaves the old record or the
 *       new one.
 *   <li>A {@link KekSwitch} stages a complete new set of key records and a manifest; {@link
 *       KekSwitch#commit} makes them and the new store record current in one atomic step and only
 *       then drops the old set. Until then the old set stays current; a crash at any point leaves
 *       one complete set, and {@link #tidy} drops the other.
 *   <li>Stamps are cheap change detectors (a file's identity, a row version): equal stamps mean
 *       the same bytes. They may be read without the lock.
 * </ul>
 */
public interface StoreHome extends AutoCloseable {
  /** A held lock; closing it releases it. */
  interface Held extends AutoCloseable {
    @Override
    void close();
  }

  /** Where the store is, for messages ("the key store at /srv/keys"). */
  String describe();

  /** Where a key's record is, for messages (a file, a table row). */
  String describeKey(String keyId);

  /** Blocks until this thread holds the store's lock. Reentrant. */
  Held lock();

  /** The store record, or null if there is no store here. */
  JsonObject readStoreRecord();

  /**
   * Makes a new store: the home (its parent must exist), an empty set of key records with {@code
   * manifest}, and {@code storeRecord}, written last.
   *
   * @throws IllegalStateException if a store exists here already
   */
  void create(JsonObject storeRecord, byte[] manifest);

  /**
   * Refuses a home that others than its owner can read or write.
   *
   * @throws dev.envelope.local.KeyStorePermissionException naming what to fix
   */
  void checkOwnerOnly();

  /** Drops what crashed writers left: half-written records, a KEK switch that did not commit. */
  void tidy();

  /** The ids of the key records present (including any the manifest does not name yet). */
  List<String> keyIds();

  /** A change detector for a key's record, or null if there is none. */
  Object keyStamp(String keyId);

  /** The key's record, or null if there is none. */
  byte[] readKey(String keyId);

  void writeKey(String keyId, byte[] record);

  /** A change detector for the manifest, or null if there is none. */
  Object manifestStamp();

  /** The manifest, or null if there is none. */
  byte[] readManifest();

  void writeManifest(byte[] manifest);

  /** Stages a KEK change; see the class comment. */
  KekSwitch beginKekSwitch();

  /** A staged set of key records under a new KEK. */
  interface KekSwitch {
    void writeKey(String keyId, byte[] record);

    void writeManifest(byte[] manifest);

    /** Atomically makes the staged records and {@code storeRecord} current, then drops the old set. */
    void commit(JsonObject storeRecord);

    /** Drops the staged records; the old set stays current. */
    void abort();
  }

  /**
   * The store's audit trail, keyed with {@code macKey} (null: unkeyed hash chain only) and bound to
   * {@code storeId}; {@code generation} gives the manifest generation to record in each entry.
   */
  AuditStore openAudit(byte[] macKey, String storeId, java.util.function.LongSupplier generation);

  /**
   * As {@link #openAudit(byte[], String, java.util.function.LongSupplier)}, for a home that keeps
   * its trail in segments: a new one is started when the current one reaches {@code segmentBytes},
   * or when its first record is {@code segmentAge} (null: no limit) older than a new one. A home
   * without segments (the default) ignores both.
   */
  default AuditStore openAudit(byte[] macKey, String storeId, java.util.function.LongSupplier generation,
      long segmentBytes, java.time.Duration segmentAge) {
    return openAudit(macKey, storeId, generation);
  }

  /**
   * What a home with a change feed tells an open store ({@link #watch}). Each call is a hint, never
   * a fact: the store re-reads the record under its own checks, so a false or forged hint costs a
   * read and changes nothing.
   */
  interface ChangeSink {
    /** The record of {@code keyId} may have changed in another process. */
    void keyChanged(String keyId);

    /** Any record may have changed (the feed was interrupted, or a change named no key). */
    void allStale();
  }

  /** A running change feed; closing it stops it and waits for its thread. */
  interface Watch extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Starts telling {@code sink} of changes made by any process, on a thread of the home's own,
   * until the result is closed. Called once by an explicit open (or create) of a store. A home
   * without a change feed (a directory) returns null: there, changes made by another process are
   * seen when this process next loads the key.
   */
  default Watch watch(ChangeSink sink) {
    return null;
  }

  @Override
  void close();
}
