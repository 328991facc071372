package dev.envelope.local.internal;

import com.google.gson.JsonObject;
import dev.envelope.KeyProviderException;
import dev.envelope.local.KeyStoreIntegrityException;
import dev.envelope.local.KeyStoreNotFoundException;
import dev.envelope.local.WrongKekException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.AEADBadTagException;

/**
 * Creating and opening a store: the store record, its KEK check and sealed secret, and the checks
 * an open makes under the lock.
 *
 * <pre>
 * store.json  {"format":"envelope-local-store/1","storeId":uuid,"namespace":…,"createdAt":…,
 *              "kek":{"kind":…, parameters},"kekCheck":base64(KEK(random 32 bytes, check AAD)),
 *              "secret":base64(KEK(store secret, secret AAD)),"keysDir":…}
 * </pre>
 *
 * Opening derives the KEK from the record read without the lock (the KDF may take a second), then
 * takes the lock and reads the record again: if a KEK change replaced it meanwhile, it starts over
 * with the new record. Everything it then trusts (which keys directory is current, what to tidy,
 * the manifest) comes from that second read, so an open never acts on a stale record.
 */
@SuppressWarnings("try") // the lock holder is a try-with-resources guard
final class StoreOpener {
  static final String STORE_FORMAT = "envelope-local-store/1";
  private static final int MAX_ATTEMPTS = 8;

  private StoreOpener() {}

  static byte[] checkAad(String storeId, String namespace) {
    return ("envelope-local/kek-check\0" + storeId + "\0" + namespace).getBytes(StandardCharsets.UTF_8);
  }

  /** The parts of a store record the opener needs. */
  private static final class Parsed {
    final String storeId;
    final String namespace;
    final JsonObject kekRecord;
    final String kind;
    final byte[] secret;

    Parsed(JsonObject store, String where) {
      try {
        if (!STORE_FORMAT.equals(store.get("format").getAsString())) {
          throw new KeyStoreIntegrityException(where + " has format " + store.get("format") + "; this release reads "
              + STORE_FORMAT);
        }
        storeId = store.get("storeId").getAsString();
        namespace = store.get("namespace").getAsString();
        kekRecord = store.getAsJsonObject("kek");
        kind = kekRecord.has("kind") ? kekRecord.get("kind").getAsString() : "?";
        if (!store.has("secret")) {
          throw new KeyStoreIntegrityException(where + " has no sealed store secret: it was made by an earlier"
              + " release of Envelope, which had no manifest or keyed audit trail; create a new store and move the"
              + " keys with exportKeyVersionInsecure, or open it with that release");
        }
        secret = Base64.getDecoder().decode(store.get("secret").getAsString());
      } catch (KeyStoreIntegrityException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new KeyStoreIntegrityException(where + " is malformed: " + e.getMessage(), e);
      }
    }
  }

  /** Creates a new, empty store in {@code home}. */
  static StoreEngine create(StoreHome home, KekSpec spec, StoreEngine.Options o) {
    Names.checkNamespace(o.namespace);
    String storeId = UUID.randomUUID().toString();
    JsonObject kekRecord = new JsonObject();
    kekRecord.addProperty("kind", spec.kind());
    Kek kek = spec.forNewStore(kekRecord);
    byte[] check = new byte[32];
    o.random.nextBytes(check);
    byte[] secret = new byte[StoreSecrets.SECRET_LENGTH];
    o.random.nextBytes(secret);
    JsonObject store = new JsonObject();
    store.addProperty("format", STORE_FORMAT);
    store.addProperty("storeId", storeId);
    store.addProperty("namespace", o.namespace);
    store.addProperty("createdAt", o.clock.instant().toString());
    store.add("kek", kekRecord);
    try {
      store.addProperty("kekCheck", Base64.getEncoder().encodeToString(kek.encrypt(check, checkAad(storeId, o.namespace))));
      store.addProperty("secret",
          Base64.getEncoder().encodeToString(kek.encrypt(secret, StoreSecrets.sealAad(storeId, o.namespace))));
    } catch (GeneralSecurityException e) {
      throw new KeyProviderException("the KEK could not encrypt the store's secret: " + e.getMessage(), e);
    }
    StoreSecrets secrets = StoreSecrets.derive(secret, storeId);
    home.create(store, Manifest.empty().encode(secrets, storeId));
    StoreEngine engine;
    try (StoreHome.Held held = home.lock()) {
      JsonObject written = home.readStoreRecord();
      engine = StoreEngine.assemble(new StoreState(home, written, storeId, o.namespace, kek, secrets, o.clock, o.random), o);
    }
    engine.startWatching();
    return engine;
  }

  /** Opens the store in {@code home}, checking that {@code spec} gives the KEK it was created with. */
  static StoreEngine open(StoreHome home, KekSpec spec, StoreEngine.Options o) {
    String where = home.describe();
    JsonObject record = readRecord(home);
    home.checkOwnerOnly();
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      StoreEngine engine;
      Parsed p = new Parsed(record, where);
      if (!p.kind.equals(spec.kind())) {
        throw new WrongKekException(where + " is protected by a KEK of kind '" + p.kind
            + "', but a KEK of kind '" + spec.kind() + "' was given");
      }
      Kek kek = spec.forExistingStore(p.kekRecord);
      byte[] secret = unseal(kek, p, spec, where);
      try (StoreHome.Held held = home.lock()) {
        JsonObject current = readRecord(home);
        if (!current.equals(record)) {
          // A KEK change switched the store while the KEK was derived: start over from what is current.
          java.util.Arrays.fill(secret, (byte) 0);
          record = current;
          continue;
        }
        home.checkOwnerOnly();
        home.tidy();
        StoreSecrets secrets = StoreSecrets.derive(secret, p.storeId);
        StoreState state = new StoreState(home, current, p.storeId, p.namespace, kek, secrets, o.clock, o.random);
        engine = StoreEngine.assemble(state, o);
        try {
          engine.checkOnOpen();
        } catch (RuntimeException e) {
          engine.close();
          throw e;
        }
      }
      try {
        engine.startWatching();
      } catch (RuntimeException e) {
        engine.close();
        throw e;
      }
      return engine;
    }
    throw new KeyProviderException(where + " changed its KEK " + MAX_ATTEMPTS
        + " times while it was being opened; try again");
  }

  private static JsonObject readRecord(StoreHome home) {
    JsonObject record = home.readStoreRecord();
    if (record == null) {
      throw new KeyStoreNotFoundException("there is no key store at " + home.describe().replace("the key store at ", "")
          + " (no " + DirectoryHome.STORE_FILE + "); check the path, or create the store first");
    }
    return record;
  }

  private static byte[] unseal(Kek kek, Parsed p, KekSpec spec, String where) {
    try {
      return kek.decrypt(p.secret, StoreSecrets.sealAad(p.storeId, p.namespace));
    } catch (AEADBadTagException e) {
      throw new WrongKekException(
          "cannot open " + where + ": " + spec.wrongKekHint() + " (or " + DirectoryHome.STORE_FILE
              + " was modified)", e);
    } catch (GeneralSecurityException e) {
      throw new KeyProviderException("the KEK failed while opening " + where + ": " + e.getMessage(), e);
    }
  }

  /** The store secret, unsealed with the store's current KEK (for a KEK change). */
  static byte[] unsealSecret(StoreState state, JsonObject record) {
    try {
      byte[] sealed = Base64.getDecoder().decode(record.get("secret").getAsString());
      return state.kek.decrypt(sealed, StoreSecrets.sealAad(state.storeId, state.namespace));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new KeyStoreIntegrityException("the sealed secret of " + state.home.describe()
          + " does not open under the store's KEK", e);
    }
  }
}
