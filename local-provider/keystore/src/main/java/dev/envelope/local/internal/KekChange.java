package dev.envelope.local.internal;

import com.google.crypto.tink.KeysetHandle;
import com.google.gson.JsonObject;
import dev.envelope.KeyProviderException;
import dev.envelope.local.AuditOutcome;
import dev.envelope.local.KeyOperation;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * Re-seals every key under a new KEK. Crash-safe by staging ({@link StoreHome.KekSwitch}): every
 * key record and a manifest one generation later are written to a staged set, then the store
 * record naming the new KEK and its re-sealed store secret is switched to it in one atomic step,
 * and only then is the old set dropped. A crash before the switch leaves the old store whole, after
 * it the new one; the next open (under the lock) drops the other set. The whole change holds the
 * store lock, so no open can see a half-made switch or drop the set being staged.
 */
@SuppressWarnings("try") // the lock holder is a try-with-resources guard
final class KekChange {
  private KekChange() {}

  static void run(StoreState state, KeyFiles keys, Events events, KekSpec next, String caller) {
    try (StoreHome.Held held = state.lockCurrent()) {
      JsonObject record = state.home.readStoreRecord();
      Manifest manifest = keys.manifest();
      JsonObject kekRecord = new JsonObject();
      kekRecord.addProperty("kind", next.kind());
      Kek nextKek = next.forNewStore(kekRecord);
      byte[] secret = StoreOpener.unsealSecret(state, record);
      JsonObject nextRecord = record.deepCopy();
      try {
        nextRecord.add("kek", kekRecord);
        nextRecord.addProperty("secret", Base64.getEncoder().encodeToString(
            nextKek.encrypt(secret, StoreSecrets.sealAad(state.storeId, state.namespace))));
        byte[] check = new byte[32];
        state.random.nextBytes(check);
        nextRecord.addProperty("kekCheck", Base64.getEncoder().encodeToString(
            nextKek.encrypt(check, StoreOpener.checkAad(state.storeId, state.namespace))));
      } catch (GeneralSecurityException e) {
        throw new KeyProviderException("the new KEK failed: " + e.getMessage(), e);
      } finally {
        java.util.Arrays.fill(secret, (byte) 0);
      }
      Manifest nextManifest = manifest.advanced();
      events.audit(KeyOperation.CHANGE_KEK, AuditOutcome.INTENT, null, 0, null, null, caller,
          "about to re-seal " + manifest.keys.size() + " key(s) under a new KEK of kind " + next.kind());
      StoreHome.KekSwitch staged = state.home.beginKekSwitch();
      boolean committed = false;
      try {
        for (String keyId : manifest.keys.keySet()) {
          KeyFiles.LoadedKey k = keys.readVerified(keyId);
          KeysetHandle keyset = k.keyset;
          staged.writeKey(keyId, keys.encode(k.metadata, keyset, k.gen, nextKek));
        }
        staged.writeManifest(nextManifest.encode(state.secrets, state.storeId));
        staged.commit(nextRecord);
        committed = true;
      } catch (RuntimeException e) {
        events.audit(KeyOperation.CHANGE_KEK, AuditOutcome.FAILURE, null, 0, null, null, caller,
            "the KEK was not changed: " + e.getClass().getSimpleName());
        throw e;
      } finally {
        if (!committed) {
          staged.abort();
        }
      }
      keys.adoptGeneration(nextManifest.generation);
      events.audit(KeyOperation.CHANGE_KEK, AuditOutcome.SUCCESS, null, 0, null, null, caller,
          "re-sealed " + manifest.keys.size() + " key(s) under a new KEK of kind " + next.kind());
    }
  }
}
