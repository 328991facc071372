package dev.envelope.local.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.envelope.local.KeyMetadata;
import dev.envelope.local.KeyOperation;
import dev.envelope.local.KeyPolicy;
import dev.envelope.local.KeyState;
import dev.envelope.local.KeyStoreIntegrityException;
import dev.envelope.local.KeyVersion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON form of key metadata and policies inside a key file.
 *
 * <pre>
 * key file  {"format":"envelope-local-key/1","metadata":"&lt;metadata JSON as a string&gt;","keyset":base64|null}
 * metadata  {"keyId","alias"?,"description","state","createdAt","lastRotatedAt"?,"stateChangedAt",
 *            "destructionDate"?,"primaryVersion","minDecryptionVersion"? (absent = 1),
 *            "versions":[{"number","createdAt"}],"policy":{…}}
 * policy    {"allow":[ops],"requiredContextKeys":[…],"allowedContextValues":{key:[values]},
 *            "loggableContextKeys":[…],"grants":{caller:[ops]}}
 * </pre>
 *
 * The metadata is kept as a string so its exact bytes can be authenticated: they are part of the
 * associated data under which the keyset is sealed (see {@link StoreEngine}).
 */
final class KeyRecords {
  private KeyRecords() {}

  static String toJson(KeyMetadata m) {
    JsonObject o = new JsonObject();
    o.addProperty("keyId", m.keyId());
    m.alias().ifPresent(a -> o.addProperty("alias", a));
    o.addProperty("description", m.description());
    o.addProperty("state", m.state().name());
    o.addProperty("createdAt", m.createdAt().toString());
    m.lastRotatedAt().ifPresent(t -> o.addProperty("lastRotatedAt", t.toString()));
    o.addProperty("stateChangedAt", m.stateChangedAt().toString());
    m.destructionDate().ifPresent(t -> o.addProperty("destructionDate", t.toString()));
    o.addProperty("primaryVersion", m.primaryVersion());
    if (m.minDecryptionVersion() != 1) {
      o.addProperty("minDecryptionVersion", m.minDecryptionVersion());
    }
    JsonArray versions = new JsonArray();
    for (KeyVersion v : m.versions()) {
      JsonObject vo = new JsonObject();
      vo.addProperty("number", v.number());
      vo.addProperty("createdAt", v.createdAt().toString());
      versions.add(vo);
    }
    o.add("versions", versions);
    o.add("policy", policyToJson(m.policy()));
    return o.toString();
  }

  static KeyMetadata fromJson(String text, String namespace, String file) {
    try {
      JsonObject o = JsonParser.parseString(text).getAsJsonObject();
      String keyId = o.get("keyId").getAsString();
      KeyMetadata.Builder b =
          KeyMetadata.builder()
              .keyId(keyId)
              .alias(o.has("alias") ? o.get("alias").getAsString() : null)
              .description(o.get("description").getAsString())
              .state(KeyState.valueOf(o.get("state").getAsString()))
              .createdAt(Instant.parse(o.get("createdAt").getAsString()))
              .lastRotatedAt(o.has("lastRotatedAt") ? Instant.parse(o.get("lastRotatedAt").getAsString()) : null)
              .stateChangedAt(Instant.parse(o.get("stateChangedAt").getAsString()))
              .destructionDate(o.has("destructionDate") ? Instant.parse(o.get("destructionDate").getAsString()) : null)
              .primaryVersion(o.get("primaryVersion").getAsInt())
              .minDecryptionVersion(o.has("minDecryptionVersion") ? o.get("minDecryptionVersion").getAsInt() : 1)
              .policy(policyFromJson(o.getAsJsonObject("policy")))
              .keyNamespace(namespace);
      List<KeyVersion> versions = new ArrayList<>();
      int expected = 1;
      for (JsonElement e : o.getAsJsonArray("versions")) {
        JsonObject vo = e.getAsJsonObject();
        int n = vo.get("number").getAsInt();
        if (n != expected++) {
          throw new IllegalArgumentException("versions are not numbered 1, 2, … in order");
        }
        versions.add(KeyVersion.of(keyId, n, Instant.parse(vo.get("createdAt").getAsString())));
      }
      return b.versions(versions).build();
    } catch (RuntimeException e) {
      throw new KeyStoreIntegrityException("the metadata in key file " + file + " is malformed: " + e.getMessage(), e);
    }
  }

  static JsonObject policyToJson(KeyPolicy p) {
    JsonObject o = new JsonObject();
    o.add("allow", ops(p.allowedOperations()));
    o.add("requiredContextKeys", strings(p.requiredContextKeys()));
    JsonObject values = new JsonObject();
    p.allowedContextValues().forEach((k, v) -> values.add(k, strings(v)));
    o.add("allowedContextValues", values);
    o.add("loggableContextKeys", strings(p.loggableContextKeys()));
    JsonObject grants = new JsonObject();
    p.callerGrants().forEach((k, v) -> grants.add(k, ops(v)));
    o.add("grants", grants);
    return o;
  }

  static KeyPolicy policyFromJson(JsonObject o) {
    KeyPolicy.Builder b = KeyPolicy.builder();
    for (JsonElement e : o.getAsJsonArray("allow")) {
      b.allow(KeyOperation.valueOf(e.getAsString()));
    }
    for (JsonElement e : o.getAsJsonArray("requiredContextKeys")) {
      b.requireContextKey(e.getAsString());
    }
    for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("allowedContextValues").entrySet()) {
      List<String> values = new ArrayList<>();
      e.getValue().getAsJsonArray().forEach(v -> values.add(v.getAsString()));
      b.allowContextValues(e.getKey(), values.toArray(new String[0]));
    }
    List<String> loggable = new ArrayList<>();
    o.getAsJsonArray("loggableContextKeys").forEach(v -> loggable.add(v.getAsString()));
    b.loggableContextKeys(loggable.toArray(new String[0]));
    for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("grants").entrySet()) {
      List<KeyOperation> ops = new ArrayList<>();
      e.getValue().getAsJsonArray().forEach(v -> ops.add(KeyOperation.valueOf(v.getAsString())));
      b.grant(e.getKey(), ops.toArray(new KeyOperation[0]));
    }
    return b.build();
  }

  private static JsonArray ops(Set<KeyOperation> ops) {
    JsonArray a = new JsonArray();
    ops.forEach(op -> a.add(op.name()));
    return a;
  }

  private static JsonArray strings(Set<String> s) {
    JsonArray a = new JsonArray();
    s.forEach(a::add);
    return a;
  }
}
