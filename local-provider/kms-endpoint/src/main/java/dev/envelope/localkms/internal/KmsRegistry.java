package dev.envelope.localkms.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.envelope.local.internal.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the endpoint knows beyond the keys themselves: the Regions each key lives in (its
 * multi-Region replicas), key policy documents, rotation settings, tags, aliases per Region and
 * grants. No key material: the keys are in the key store. Persisted, when a
 * directory is given, as one JSON file ({@code kms-state.json}) replaced atomically on every
 * change. Not thread-safe: the caller holds a lock.
 */
public final class KmsRegistry {
  private static final String FORMAT = "envelope-local-kms-state/2";
  private static final long MAX_FILE_BYTES = 64L * 1024 * 1024;

  /**
   * KMS facts about one key. {@code replicaRegions} excludes the primary Region; {@code policy} is
   * the key policy document exactly as the caller put it.
   */
  public record KeyRecord(
      String keyId,
      String primaryRegion,
      List<String> replicaRegions,
      boolean rotationEnabled,
      int rotationPeriodDays,
      Instant nextRotationDate,
      Instant onDemandRotationStartDate,
      int pendingWindowDays,
      Map<String, String> tags,
      String policy) {

    public boolean multiRegion() {
      return KeyIds.isMultiRegion(keyId);
    }

    public boolean existsIn(String region) {
      return primaryRegion.equals(region) || replicaRegions.contains(region);
    }

    public KeyRecord withReplica(String region) {
      List<String> replicas = new ArrayList<>(replicaRegions);
      replicas.add(region);
      return new KeyRecord(
          keyId,
          primaryRegion,
          List.copyOf(replicas),
          rotationEnabled,
          rotationPeriodDays,
          nextRotationDate,
          onDemandRotationStartDate,
          pendingWindowDays,
          tags,
          policy);
    }

    public KeyRecord withRotation(boolean enabled, int periodDays, Instant next) {
      return new KeyRecord(
          keyId,
          primaryRegion,
          replicaRegions,
          enabled,
          periodDays,
          next,
          onDemandRotationStartDate,
          pendingWindowDays,
          tags,
          policy);
    }

    public KeyRecord withOnDemandRotation(Instant start) {
      return new KeyRecord(
          keyId,
          primaryRegion,
          replicaRegions,
          rotationEnabled,
          rotationPeriodDays,
          nextRotationDate,
          start,
          pendingWindowDays,
          tags,
          policy);
    }

    public KeyRecord withPolicy(String document) {
      return new KeyRecord(
          keyId,
          primaryRegion,
          replicaRegions,
          rotationEnabled,
          rotationPeriodDays,
          nextRotationDate,
          onDemandRotationStartDate,
          pendingWindowDays,
          tags,
          document);
    }

    public KeyRecord withPendingWindow(int days) {
      return new KeyRecord(
          keyId,
          primaryRegion,
          replicaRegions,
          rotationEnabled,
          rotationPeriodDays,
          nextRotationDate,
          onDemandRotationStartDate,
          days,
          tags,
          policy);
    }
  }

  /** An alias in one Region; {@code aliasName} includes the {@code alias/} prefix. */
  public record AliasRecord(
      String region, String aliasName, String targetKeyId, Instant created, Instant updated) {}

  /** A grant on a key in one Region. Constraint maps are empty when absent. */
  public record GrantRecord(
      String grantId,
      String keyId,
      String region,
      String name,
      Instant created,
      String granteePrincipal,
      String retiringPrincipal,
      List<String> operations,
      Map<String, String> contextSubset,
      Map<String, String> contextEquals,
      boolean hasConstraints) {}

  private final Path file;
  final Map<String, KeyRecord> keys = new TreeMap<>();

  /** region → alias name → alias. */
  final Map<String, TreeMap<String, AliasRecord>> aliases = new TreeMap<>();

  /** grant id → grant, in creation order. */
  final Map<String, GrantRecord> grants = new LinkedHashMap<>();

  private KmsRegistry(Path file) {
    this.file = file;
  }

  public static KmsRegistry inMemory() {
    return new KmsRegistry(null);
  }

  /**
   * Loads {@code file} if it exists, after deleting what an interrupted write left; later changes
   * are written back to it. The caller is its only writer (it holds the directory lock of the endpoint).
   */
  public static KmsRegistry persistent(Path file) throws IOException {
    AtomicFiles.deleteTemporaries(file);
    KmsRegistry r = new KmsRegistry(file);
    if (Files.exists(file)) {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new IOException(file + " is larger than " + MAX_FILE_BYTES + " bytes");
      }
      try {
        r.decode(
            Json.parseObject(Files.readAllBytes(file), (int) MAX_FILE_BYTES).getAsJsonObject());
      } catch (RuntimeException e) {
        throw new IOException(file + " is not a valid state file: " + e, e);
      }
    }
    return r;
  }

  public TreeMap<String, AliasRecord> aliasesIn(String region) {
    return aliases.computeIfAbsent(region, r -> new TreeMap<>());
  }

  /** Writes the state durably (no-op in memory). */
  public void save() {
    if (file == null) {
      return;
    }
    try {
      AtomicFiles.write(file, encode().toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private JsonObject encode() {
    JsonObject root = new JsonObject();
    root.addProperty("format", FORMAT);
    JsonArray ks = new JsonArray();
    for (KeyRecord k : keys.values()) {
      JsonObject o = new JsonObject();
      o.addProperty("keyId", k.keyId());
      o.addProperty("primaryRegion", k.primaryRegion());
      o.add("replicaRegions", Json.stringArray(k.replicaRegions()));
      o.addProperty("rotationEnabled", k.rotationEnabled());
      o.addProperty("rotationPeriodDays", k.rotationPeriodDays());
      putInstant(o, "nextRotationDate", k.nextRotationDate());
      putInstant(o, "onDemandRotationStartDate", k.onDemandRotationStartDate());
      o.addProperty("pendingWindowDays", k.pendingWindowDays());
      o.add("tags", Json.stringObject(k.tags()));
      o.addProperty("policy", k.policy());
      ks.add(o);
    }
    root.add("keys", ks);
    JsonArray as = new JsonArray();
    for (TreeMap<String, AliasRecord> inRegion : aliases.values()) {
      for (AliasRecord a : inRegion.values()) {
        JsonObject o = new JsonObject();
        o.addProperty("region", a.region());
        o.addProperty("aliasName", a.aliasName());
        o.addProperty("targetKeyId", a.targetKeyId());
        putInstant(o, "created", a.created());
        putInstant(o, "updated", a.updated());
        as.add(o);
      }
    }
    root.add("aliases", as);
    JsonArray gs = new JsonArray();
    for (GrantRecord g : grants.values()) {
      JsonObject o = new JsonObject();
      o.addProperty("grantId", g.grantId());
      o.addProperty("keyId", g.keyId());
      o.addProperty("region", g.region());
      o.addProperty("name", g.name());
      putInstant(o, "created", g.created());
      o.addProperty("granteePrincipal", g.granteePrincipal());
      o.addProperty("retiringPrincipal", g.retiringPrincipal());
      o.add("operations", Json.stringArray(g.operations()));
      o.add("contextSubset", Json.stringObject(g.contextSubset()));
      o.add("contextEquals", Json.stringObject(g.contextEquals()));
      o.addProperty("hasConstraints", g.hasConstraints());
      gs.add(o);
    }
    root.add("grants", gs);
    return root;
  }

  private void decode(JsonObject root) {
    String format = root.get("format").getAsString();
    if (!FORMAT.equals(format)) {
      throw new IllegalArgumentException(
          "it has format " + format + "; this release reads " + FORMAT
              + (format.equals("envelope-local-kms-state/1")
                  ? " (state of an earlier endpoint that kept keys unencrypted: start afresh)"
                  : ""));
    }
    for (JsonElement e : root.getAsJsonArray("keys")) {
      JsonObject o = e.getAsJsonObject();
      String keyId = o.get("keyId").getAsString();
      if (!KeyIds.isValid(keyId)) {
        throw new IllegalArgumentException("invalid key id in state file");
      }
      keys.put(
          keyId,
          new KeyRecord(
              keyId,
              o.get("primaryRegion").getAsString(),
              strings(o.getAsJsonArray("replicaRegions")),
              o.get("rotationEnabled").getAsBoolean(),
              o.get("rotationPeriodDays").getAsInt(),
              instant(o, "nextRotationDate"),
              instant(o, "onDemandRotationStartDate"),
              o.get("pendingWindowDays").getAsInt(),
              map(o.getAsJsonObject("tags")),
              o.get("policy").getAsString()));
    }
    for (JsonElement e : root.getAsJsonArray("aliases")) {
      JsonObject o = e.getAsJsonObject();
      AliasRecord a =
          new AliasRecord(
              o.get("region").getAsString(),
              o.get("aliasName").getAsString(),
              o.get("targetKeyId").getAsString(),
              instant(o, "created"),
              instant(o, "updated"));
      aliasesIn(a.region()).put(a.aliasName(), a);
    }
    for (JsonElement e : root.getAsJsonArray("grants")) {
      JsonObject o = e.getAsJsonObject();
      GrantRecord g =
          new GrantRecord(
              o.get("grantId").getAsString(),
              o.get("keyId").getAsString(),
              o.get("region").getAsString(),
              o.has("name") && !o.get("name").isJsonNull() ? o.get("name").getAsString() : null,
              instant(o, "created"),
              o.get("granteePrincipal").getAsString(),
              o.has("retiringPrincipal") && !o.get("retiringPrincipal").isJsonNull()
                  ? o.get("retiringPrincipal").getAsString()
                  : null,
              strings(o.getAsJsonArray("operations")),
              map(o.getAsJsonObject("contextSubset")),
              map(o.getAsJsonObject("contextEquals")),
              o.get("hasConstraints").getAsBoolean());
      grants.put(g.grantId(), g);
    }
  }

  private static void putInstant(JsonObject o, String member, Instant value) {
    if (value != null) {
      o.addProperty(member, value.toString());
    }
  }

  private static Instant instant(JsonObject o, String member) {
    JsonElement e = o.get(member);
    return e == null || e.isJsonNull() ? null : Instant.parse(e.getAsString());
  }

  private static List<String> strings(JsonArray a) {
    List<String> out = new ArrayList<>();
    a.forEach(e -> out.add(e.getAsString()));
    return List.copyOf(out);
  }

  private static Map<String, String> map(JsonObject o) {
    Map<String, String> out = new LinkedHashMap<>();
    o.entrySet().forEach(e -> out.put(e.getKey(), e.getValue().getAsString()));
    return java.util.Collections.unmodifiableMap(out);
  }
}
