package dev.envelope.localkms.internal;

import static dev.envelope.localkms.internal.OperationFamily.SYMMETRIC_DEFAULT;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.envelope.localkms.internal.KmsBackend.BackendKey;
import dev.envelope.localkms.internal.KmsBackend.BackendKeyState;
import dev.envelope.localkms.internal.KmsRegistry.KeyRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The response shapes shared by several operations: key metadata, paging (Limit, Marker,
 * NextMarker), tags and key material ids.
 */
final class Responses {
  private static final int MAX_MARKER = 1024;

  private Responses() {}

  static String keyMaterialId(String keyId, int version) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(keyId.getBytes(StandardCharsets.US_ASCII));
      sha.update(ByteBuffer.allocate(4).putInt(version).array());
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available from the JCA", e);
    }
  }

  static JsonObject metadata(Arns arns, RegionalKey k) {
    BackendKey bk = k.backend();
    KeyRecord rec = k.record();
    JsonObject m = new JsonObject();
    m.addProperty("AWSAccountId", arns.account());
    m.addProperty("KeyId", rec.keyId());
    m.addProperty("Arn", k.arn());
    m.add("CreationDate", Json.timestamp(bk.created()));
    m.addProperty("Enabled", bk.state() == BackendKeyState.ENABLED);
    m.addProperty("Description", bk.description());
    m.addProperty("KeyUsage", "ENCRYPT_DECRYPT");
    m.addProperty("KeyState", bk.state().kmsName());
    if (bk.deletionDate() != null) {
      m.add("DeletionDate", Json.timestamp(bk.deletionDate()));
    }
    m.addProperty("Origin", "AWS_KMS");
    m.addProperty("KeyManager", "CUSTOMER");
    m.addProperty("CustomerMasterKeySpec", SYMMETRIC_DEFAULT);
    m.addProperty("KeySpec", SYMMETRIC_DEFAULT);
    m.add("EncryptionAlgorithms", Json.stringArray(List.of(SYMMETRIC_DEFAULT)));
    m.addProperty("MultiRegion", rec.multiRegion());
    if (rec.multiRegion()) {
      JsonObject mrc = new JsonObject();
      mrc.addProperty(
          "MultiRegionKeyType", rec.primaryRegion().equals(k.region()) ? "PRIMARY" : "REPLICA");
      mrc.add("PrimaryKey", regionalKey(arns, rec.primaryRegion(), rec.keyId()));
      JsonArray replicas = new JsonArray();
      rec.replicaRegions().forEach(region -> replicas.add(regionalKey(arns, region, rec.keyId())));
      mrc.add("ReplicaKeys", replicas);
      m.add("MultiRegionConfiguration", mrc);
    }
    m.addProperty("CurrentKeyMaterialId", keyMaterialId(rec.keyId(), bk.primaryVersion()));
    return m;
  }

  static JsonObject regionalKey(Arns arns, String region, String keyId) {
    JsonObject o = new JsonObject();
    o.addProperty("Arn", arns.keyArn(region, keyId));
    o.addProperty("Region", region);
    return o;
  }

  static int limit(Json r, int max, int defaultLimit) {
    Integer limit = r.integer("Limit", 1, max);
    return limit == null ? defaultLimit : limit;
  }

  static String marker(Json r) {
    String marker = r.optionalString("Marker", 1, MAX_MARKER);
    if (marker == null) {
      return null;
    }
    try {
      return new String(Base64.getUrlDecoder().decode(marker), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new KmsException("InvalidMarkerException", "The marker is not valid.");
    }
  }

  static void page(JsonObject out, boolean truncated, String last) {
    out.addProperty("Truncated", truncated);
    if (truncated) {
      out.addProperty(
          "NextMarker",
          Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(last.getBytes(StandardCharsets.UTF_8)));
    }
  }

  static Map<String, String> tags(Json r) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (Json t : r.objectList("Tags", 50)) {
      String key = t.requiredString("TagKey", 1, 128);
      String value = t.requiredString("TagValue", 0, 256);
      if (tags.put(key, value) != null) {
        throw new KmsException("TagException", "Duplicate tag key " + key);
      }
    }
    return Map.copyOf(tags);
  }
}
