package dev.envelope.local.internal;

import com.google.gson.JsonObject;
import dev.envelope.local.WrongKekException;
import java.security.SecureRandom;
import java.time.Clock;

/**
 * What the parts of one open store share: its home, identity, KEK and MAC keys, as read under the
 * lock when it was opened. {@link #lockCurrent} is the only way the parts take the lock: it
 * re-reads the store record under it and refuses to go on if a KEK change (here or in another
 * process) replaced it since.
 */
final class StoreState {
  final StoreHome home;
  final String storeId;
  final String namespace;
  final Kek kek;
  final StoreSecrets secrets;
  final Clock clock;
  final SecureRandom random;
  private final JsonObject openedRecord;
  private volatile boolean closed;

  StoreState(StoreHome home, JsonObject openedRecord, String storeId, String namespace, Kek kek,
      StoreSecrets secrets, Clock clock, SecureRandom random) {
    this.home = home;
    this.openedRecord = openedRecord;
    this.storeId = storeId;
    this.namespace = namespace;
    this.kek = kek;
    this.secrets = secrets;
    this.clock = clock;
    this.random = random;
  }

  void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this key store was closed");
    }
  }

  /**
   * Takes the store lock, after checking that the store record is still the one this instance
   * opened.
   *
   * @throws WrongKekException if the store's KEK was changed since: reopen it with the new KEK
   */
  StoreHome.Held lockCurrent() {
    checkOpen();
    StoreHome.Held held = home.lock();
    try {
      JsonObject now = home.readStoreRecord();
      if (now == null || !now.equals(openedRecord)) {
        throw new WrongKekException("the KEK of " + home.describe() + " was changed since this instance opened it"
            + " (by another process, or by changeKek); close it and open the store again with the new KEK");
      }
      return held;
    } catch (RuntimeException e) {
      held.close();
      throw e;
    }
  }

  void close() {
    closed = true;
    secrets.destroy();
  }
}
