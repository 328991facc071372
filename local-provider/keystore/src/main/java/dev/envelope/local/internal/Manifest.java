package dev.envelope.local.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.envelope.local.KeyStoreIntegrityException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The store's manifest: which keys exist and the generation of each one's current record, under
 * a MAC only a KEK holder can compute. Immutable.
 *
 * <pre>
 * {"format":"envelope-local-manifest/1","generation":N,"keys":{"&lt;keyId&gt;":gen,…},"mac":hex}
 * mac = HMAC-SHA256(record key, "envelope-local-manifest/1" 00 storeId 00 N 00 (keyId 00 gen 00)* sorted)
 * </pre>
 *
 * {@code generation} grows by one with every change to the store; each key record carries the
 * generation it was written at (authenticated too, see {@link KeyFiles}). A key record older than
 * the manifest says, or a manifest older than the audit trail's last record, is a rollback.
 */
final class Manifest {
  static final String FORMAT = "envelope-local-manifest/1";

  final long generation;
  final Map<String, Long> keys; // unmodifiable, sorted

  Manifest(long generation, Map<String, Long> keys) {
    this.generation = generation;
    this.keys = java.util.Collections.unmodifiableMap(new TreeMap<>(keys));
  }

  static Manifest empty() {
    return new Manifest(0, Map.of());
  }

  /** This manifest with {@code keyId} at generation {@code gen}, which becomes the new generation. */
  Manifest with(String keyId, long gen) {
    Map<String, Long> next = new TreeMap<>(keys);
    next.put(keyId, gen);
    return new Manifest(Math.max(gen, generation), next);
  }

  /** This manifest one generation later, with the same keys. */
  Manifest advanced() {
    return new Manifest(generation + 1, keys);
  }

  private String[] macInput(String storeId) {
    String[] parts = new String[3 + 2 * keys.size()];
    parts[0] = FORMAT;
    parts[1] = storeId;
    parts[2] = Long.toString(generation);
    int i = 3;
    for (Map.Entry<String, Long> e : keys.entrySet()) {
      parts[i++] = e.getKey();
      parts[i++] = Long.toString(e.getValue());
    }
    return parts;
  }

  byte[] encode(StoreSecrets secrets, String storeId) {
    JsonObject o = new JsonObject();
    o.addProperty("format", FORMAT);
    o.addProperty("generation", generation);
    JsonObject k = new JsonObject();
    keys.forEach(k::addProperty);
    o.add("keys", k);
    o.addProperty("mac", secrets.recordMac(macInput(storeId)));
    return o.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Parses and authenticates a manifest.
   *
   * @throws KeyStoreIntegrityException if it is malformed or its MAC does not verify
   */
  static Manifest decode(byte[] bytes, StoreSecrets secrets, String storeId, String where) {
    Manifest m;
    String mac;
    try {
      JsonObject o = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8)).getAsJsonObject();
      if (!FORMAT.equals(o.get("format").getAsString())) {
        throw new KeyStoreIntegrityException("the manifest of " + where + " has an unknown format");
      }
      Map<String, Long> keys = new TreeMap<>();
      for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("keys").entrySet()) {
        if (!Names.isKeyId(e.getKey())) {
          throw new KeyStoreIntegrityException("the manifest of " + where + " names an invalid key id");
        }
        keys.put(e.getKey(), e.getValue().getAsLong());
      }
      m = new Manifest(o.get("generation").getAsLong(), keys);
      mac = o.get("mac").getAsString();
    } catch (KeyStoreIntegrityException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new KeyStoreIntegrityException("the manifest of " + where + " is malformed", e);
    }
    if (!secrets.matches(mac, m.macInput(storeId))) {
      throw new KeyStoreIntegrityException("the manifest of " + where + " fails authentication under the store's"
          + " KEK: it was edited or comes from another store; restore the whole store directory from a backup");
    }
    return m;
  }
}
