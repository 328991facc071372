package dev.envelope.cli;

import static dev.envelope.cli.Cli.assertFailure;
import static dev.envelope.cli.Cli.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.local.AuditLog;
import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.KeyMetadata;
import dev.envelope.local.KeyOperation;
import dev.envelope.local.KeyPolicy;
import dev.envelope.local.KeyPolicyViolationException;
import dev.envelope.local.KeyState;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.testkit.junit.KeyStoreExtension;
import dev.envelope.testkit.junit.KeyStoreFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The {@code keys} commands on the local key store: output, effects on the store, failures. */
class KeysCommandTest {
  @RegisterExtension
  static final KeyStoreExtension STORE = CliKeyStore.perTest();

  @TempDir Path dir;
  Path store;
  KeyStoreFixture keys;

  @BeforeEach
  void store(KeyStoreFixture keys) {
    this.keys = keys;
    store = keys.directory();
  }

  Cli.Result keys(String command, String... more) {
    List<String> a = new ArrayList<>(List.of("keys", command, "--keystore", store.toString()));
    a.addAll(List.of(more));
    return Cli.runWithEnv(CliKeyStore.env(), a.toArray(String[]::new));
  }

  static JsonObject json(Cli.Result r) {
    return JsonParser.parseString(r.stdoutText()).getAsJsonObject();
  }

  KeyMetadata describe(String key) {
    try (LocalKeyStore s = keys.reopen()) {
      return s.describeKey(key);
    }
  }

  // ------------------------------------------------------------------ create

  @Test
  void create_newDirectory_createsTheStoreAndAKeyTheCliCanUse() throws IOException {
    store = dir.resolve("new-store");
    Cli.Result r = keys("create", "--alias", "invoices", "--description", "invoice PDFs", "--json");
    assertSuccess(r);
    JsonObject key = json(r);
    assertTrue(key.getAsJsonObject("keyStore").get("created").getAsBoolean());
    assertEquals("invoices", key.get("alias").getAsString());
    assertEquals("invoice PDFs", key.get("description").getAsString());
    assertEquals("ENABLED", key.get("state").getAsString());
    assertEquals(1, key.get("primaryVersion").getAsInt());
    assertTrue(Files.exists(store.resolve("store.json")));

    Path plain = Files.writeString(dir.resolve("p.txt"), "invoice 1");
    Path m = dir.resolve("p.env");
    assertSuccess(Cli.runWithEnv(CliKeyStore.env(), "encrypt", "--in", plain.toString(), "--out", m.toString(),
        "--keystore", store.toString(), "--key", "invoices"));
    String info = new String(Envelope.inspectUnauthenticated(Files.readAllBytes(m)).encryptedDataKeys().get(0)
        .providerInfo(), StandardCharsets.ISO_8859_1);
    assertTrue(info.startsWith(key.get("keyId").getAsString() + "/v1"), info);
  }

  @Test
  void create_newStoreWithShortPassphrase_failsWithUsageAndCreatesNothing() {
    store = dir.resolve("new-store");
    Cli.Result r = Cli.runWithEnv(Map.of(KeyStores.PASSPHRASE_VARIABLE, "short"),
        "keys", "create", "--keystore", store.toString(), "--alias", "a");
    assertFailure(r, ExitCode.USAGE, "at least " + KeyStores.MIN_NEW_PASSPHRASE + " characters");
    assertFalse(Files.exists(store.resolve("store.json")));
  }

  @Test
  void create_existingStore_addsAKeyWithItsPolicy() {
    Cli.Result r = keys("create", "--alias", "eu-data", "--require-context-key", "tenant",
        "--allow-context-value", "region=eu-west", "--allow-context-value", "region=eu-central",
        "--loggable-context-key", "region", "--grant", "app=generate,decrypt", "--grant", "admin=rotate");
    assertSuccess(r);
    assertFalse(r.stdoutText().contains("created a key store"), r.stdoutText());
    assertTrue(r.stdoutText().contains("context must have tenant"), r.stdoutText());
    KeyPolicy policy = describe("eu-data").policy();
    assertEquals(java.util.Set.of("tenant"), policy.requiredContextKeys());
    assertEquals(java.util.Set.of("eu-west", "eu-central"), policy.allowedContextValues().get("region"));
    assertEquals(java.util.Set.of("region"), policy.loggableContextKeys());
    assertEquals(java.util.Set.of(KeyOperation.GENERATE, KeyOperation.DECRYPT), policy.callerGrants().get("app"));
    assertEquals(java.util.Set.of(KeyOperation.ROTATE), policy.callerGrants().get("admin"));
  }

  @Test
  void create_aliasInUse_failsWithKeyProvider() {
    assertFailure(keys("create", "--alias", "orders"), ExitCode.KEY_PROVIDER, "'orders'", "already used", "choose another alias");
  }

  @Test
  void create_invalidAlias_failsWithUsage() {
    assertFailure(keys("create", "--alias", "no spaces please"), ExitCode.USAGE, "is not valid");
  }

  @Test
  void create_unknownGrantOperation_failsWithUsage() {
    assertFailure(keys("create", "--alias", "x", "--grant", "app=launch"), ExitCode.USAGE, "unknown operation 'launch'");
  }

  @Test
  void create_malformedAllowedValue_failsWithUsage() {
    assertFailure(keys("create", "--alias", "x", "--allow-context-value", "novalue"), ExitCode.USAGE, "KEY=VALUE");
  }

  // ------------------------------------------------------------------ list, describe

  @Test
  void list_table_showsEveryKey() {
    keys.store().createKey(CreateKeyRequest.withAlias("invoices"));
    Cli.Result r = keys("list");
    assertSuccess(r);
    List<String> lines = r.stdoutText().lines().toList();
    assertEquals(3, lines.size(), r.stdoutText());
    assertTrue(lines.get(0).startsWith("KEY ID"), lines.get(0));
    assertTrue(lines.get(1).contains("orders") && lines.get(1).contains("ENABLED"), lines.get(1));
    assertTrue(lines.get(2).contains("invoices"), lines.get(2));
  }

  @Test
  void list_json_isAnArrayOfKeys() {
    Cli.Result r = keys("list", "--json");
    assertSuccess(r);
    JsonArray all = JsonParser.parseString(r.stdoutText()).getAsJsonArray();
    assertEquals(1, all.size());
    assertEquals(describe("orders").keyId(), all.get(0).getAsJsonObject().get("keyId").getAsString());
  }

  @Test
  void list_emptyStore_saysHowToCreateAKey() {
    store = dir.resolve("empty-store");
    LocalKeyStore.builder(store).kek(keys.kek()).create().close();
    Cli.Result r = keys("list");
    assertSuccess(r);
    assertTrue(r.stdoutText().startsWith("no keys;"), r.stdoutText());
  }

  @Test
  void describe_table_showsMetadataButNeverKeyMaterial() {
    Cli.Result r = keys("describe", "--key", "orders");
    assertSuccess(r);
    String text = r.stdoutText();
    assertTrue(text.contains("alias            orders"), text);
    assertTrue(text.contains("state            ENABLED"), text);
    assertTrue(text.contains(describe("orders").keyId()), text);
    assertTrue(text.contains("last rotated     never"), text);
  }

  @Test
  void describe_policyWithUnloggableValues_showsOnlyHowMany() {
    keys.store().createKey(CreateKeyRequest.builder().alias("secretive").policy(KeyPolicy.defaultPolicy().toBuilder()
        .allowContextValues("customer", "alice-1234", "bob-5678").build()).build());
    Cli.Result r = keys("describe", "--key", "secretive", "--json");
    assertSuccess(r);
    assertFalse(r.stdoutText().contains("alice-1234"), r.stdoutText());
    assertEquals("2 values (not loggable)", json(r).getAsJsonObject("policy")
        .getAsJsonObject("allowedContextValues").get("customer").getAsString());
  }

  @Test
  void describe_unknownKey_failsWithKeyProvider() {
    assertFailure(keys("describe", "--key", "nope"), ExitCode.KEY_PROVIDER, "'nope'");
  }

  @Test
  void describe_wrongPassphrase_failsWithKeyProvider() {
    Cli.Result r = Cli.runWithEnv(Map.of(KeyStores.PASSPHRASE_VARIABLE, "not it at all"),
        "keys", "describe", "--keystore", store.toString(), "--key", "orders");
    assertFailure(r, ExitCode.KEY_PROVIDER, "wrong key store passphrase");
  }

  @Test
  void list_missingStore_failsWithKeyFile() {
    store = dir.resolve("absent");
    assertFailure(keys("list"), ExitCode.KEY_FILE, "does not exist");
  }

  @Test
  void keys_withoutSubcommand_failsWithUsageListingThem() {
    assertFailure(Cli.run("keys"), ExitCode.USAGE, "create", "schedule-destroy", "audit");
  }

  // ------------------------------------------------------------------ lifecycle

  @Test
  void rotate_addsAPrimaryVersion() {
    Cli.Result r = keys("rotate", "--key", "orders", "--json");
    assertSuccess(r);
    assertEquals(2, json(r).get("primaryVersion").getAsInt());
    assertEquals(2, json(r).getAsJsonArray("versions").size());
    assertEquals(2, describe("orders").primaryVersion());
  }

  @Test
  void rotate_callerWithoutGrant_failsWithPolicy() {
    keys.store().createKey(CreateKeyRequest.builder().alias("guarded").policy(KeyPolicy.defaultPolicy().toBuilder()
        .grant("admin", KeyOperation.ROTATE).build()).build());
    assertFailure(keys("rotate", "--key", "guarded", "--caller", "intern"), ExitCode.POLICY,
        "caller 'intern' has no grant for ROTATE");
    assertSuccess(keys("rotate", "--key", "guarded", "--caller", "admin"));
    assertEquals(2, describe("guarded").primaryVersion());
  }

  @Test
  void disable_thenEncrypt_isRefusedUntilEnabled() throws IOException {
    assertSuccess(keys("disable", "--key", "orders"));
    assertEquals(KeyState.DISABLED, describe("orders").state());
    Path plain = Files.writeString(dir.resolve("p.txt"), "x");
    Path m = dir.resolve("p.env");
    String[] encrypt = {"encrypt", "--in", plain.toString(), "--out", m.toString(), "--keystore", store.toString(),
        "--key", "orders"};
    assertFailure(Cli.runWithEnv(CliKeyStore.env(), encrypt), ExitCode.KEY_PROVIDER, "disabled");
    assertSuccess(keys("enable", "--key", "orders"));
    assertEquals(KeyState.ENABLED, describe("orders").state());
    assertSuccess(Cli.runWithEnv(CliKeyStore.env(), encrypt));
  }

  @Test
  void rotate_disabledKey_failsWithKeyProvider() {
    assertSuccess(keys("disable", "--key", "orders"));
    assertFailure(keys("rotate", "--key", "orders"), ExitCode.KEY_PROVIDER, "disabled");
  }

  @Test
  void scheduleDestroy_defaultWaitingPeriod_isThirtyDays() {
    Instant before = Instant.now();
    Cli.Result r = keys("schedule-destroy", "--key", "orders", "--json");
    assertSuccess(r);
    KeyMetadata key = describe("orders");
    assertEquals(KeyState.PENDING_DESTRUCTION, key.state());
    Instant due = key.destructionDate().orElseThrow();
    assertFalse(due.isBefore(before.plus(Duration.ofDays(30))), due::toString);
    assertTrue(due.isBefore(Instant.now().plus(Duration.ofDays(30)).plusSeconds(1)), due::toString);
    assertEquals(due.toString(), json(r).get("destructionDate").getAsString());
  }

  @Test
  void scheduleDestroy_customDays_setsTheDateAndCancelLeavesItDisabled() {
    Instant before = Instant.now();
    assertSuccess(keys("schedule-destroy", "--key", "orders", "--days", "7"));
    Instant due = describe("orders").destructionDate().orElseThrow();
    assertFalse(due.isBefore(before.plus(Duration.ofDays(7))));
    assertTrue(due.isBefore(before.plus(Duration.ofDays(8))));

    Cli.Result r = keys("cancel-destroy", "--key", "orders");
    assertSuccess(r);
    assertTrue(r.stdoutText().contains("state            DISABLED"), r.stdoutText());
    assertEquals(KeyState.DISABLED, describe("orders").state());
    assertTrue(describe("orders").destructionDate().isEmpty());
  }

  @Test
  void scheduleDestroy_daysOutOfRange_failsWithUsageBeforeTouchingTheStore() throws IOException {
    long records = AuditLog.verify(store.resolve(AuditLog.FIRST_SEGMENT)).records();
    assertFailure(keys("schedule-destroy", "--key", "orders", "--days", "0"), ExitCode.USAGE, "--days", "1 and 365");
    assertFailure(keys("schedule-destroy", "--key", "orders", "--days", "366"), ExitCode.USAGE, "--days");
    assertEquals(KeyState.ENABLED, describe("orders").state());
    assertEquals(records, AuditLog.verify(store.resolve(AuditLog.FIRST_SEGMENT)).records(), "nothing was attempted");
  }

  @Test
  void scheduleDestroy_alreadyPending_failsWithKeyProvider() {
    assertSuccess(keys("schedule-destroy", "--key", "orders"));
    assertFailure(keys("schedule-destroy", "--key", "orders"), ExitCode.KEY_PROVIDER, "already scheduled");
  }

  @Test
  void cancelDestroy_keyNotPending_failsWithKeyProvider() {
    assertFailure(keys("cancel-destroy", "--key", "orders"), ExitCode.KEY_PROVIDER, "not scheduled for destruction");
  }

  @Test
  void enable_pendingDestruction_failsWithKeyProvider() {
    assertSuccess(keys("schedule-destroy", "--key", "orders"));
    assertFailure(keys("enable", "--key", "orders"), ExitCode.KEY_PROVIDER, "cancel the destruction first");
  }

  // ------------------------------------------------------------------ audit

  @Test
  void audit_intactLog_printsEveryRecordAndAnAnchor() {
    assertSuccess(keys("rotate", "--key", "orders"));
    Cli.Result r = Cli.run("keys", "audit", "--keystore", store.toString()); // no passphrase needed
    assertSuccess(r);
    List<String> lines = r.stdoutText().lines().toList();
    assertTrue(lines.get(0).startsWith("SEQ"), lines.get(0));
    // Each change is an intent, then its outcome.
    assertTrue(lines.get(1).contains("CREATE") && lines.get(1).contains("INTENT"), lines.get(1));
    assertTrue(lines.get(2).contains("CREATE") && lines.get(2).contains("SUCCESS"), lines.get(2));
    assertTrue(lines.get(3).contains("ROTATE") && lines.get(3).contains("INTENT"), lines.get(3));
    assertTrue(lines.get(4).contains("ROTATE") && lines.get(4).contains("v2") && lines.get(4).contains("SUCCESS"),
        lines.get(4));
    var v = AuditLog.verify(store.resolve(AuditLog.FIRST_SEGMENT));
    assertEquals("hash chain verified: 4 records; anchor 4:" + v.lastHash(), lines.get(5));
  }

  @Test
  void audit_json_listsRecordsWithOutcomes() throws IOException {
    try (LocalKeyStore s = keys.reopen()) {
      s.disableKey("orders");
      try {
        Envelope.builder().keyring(s.keyring("orders")).build().encrypt(new byte[1], EncryptionContext.of("a", "b"));
      } catch (RuntimeException expected) {
        // audited as DENIED
      }
    }
    Cli.Result r = Cli.run("keys", "audit", "--keystore", store.toString(), "--json");
    assertSuccess(r);
    JsonObject o = json(r);
    assertTrue(o.get("valid").getAsBoolean());
    assertEquals(5, o.get("records").getAsInt());
    JsonArray entries = o.getAsJsonArray("entries");
    assertEquals("INTENT", entries.get(2).getAsJsonObject().get("outcome").getAsString());
    assertEquals("DISABLE", entries.get(3).getAsJsonObject().get("operation").getAsString());
    assertEquals("SUCCESS", entries.get(3).getAsJsonObject().get("outcome").getAsString());
    JsonObject denied = entries.get(4).getAsJsonObject();
    assertEquals("GENERATE", denied.get("operation").getAsString());
    assertEquals("DENIED", denied.get("outcome").getAsString());
    assertEquals("a", denied.getAsJsonArray("contextKeys").get(0).getAsString());
    assertFalse(r.stdoutText().contains("\"b\""), "context values of unloggable keys never appear");
  }

  @Test
  void audit_editedRecord_failsWithAuthenticationAndPrintsNoRecords() throws IOException {
    assertSuccess(keys("rotate", "--key", "orders"));
    Path log = store.resolve(AuditLog.FIRST_SEGMENT);
    String text = Files.readString(log);
    Files.writeString(log, text.replaceFirst("\"caller\":\"fixture\"", "\"caller\":\"someone\""));
    Cli.Result r = Cli.run("keys", "audit", "--keystore", store.toString());
    assertFailure(r, ExitCode.AUTHENTICATION, "does not verify", "line");
  }

  @Test
  void audit_chainedRecordNotInTheStoreFormat_failsWithAuthenticationNamingTheField() throws IOException {
    Path log = store.resolve(AuditLog.FIRST_SEGMENT);
    // The chain fields are right (first record, zero prev hash), so only reading the record finds it.
    Files.writeString(log, "{\"seq\":1,\"prev\":\"" + "0".repeat(64) + "\",\"time\":\"2025-01-01T00:00:00Z\","
        + "\"operation\":\"STEAL\",\"outcome\":\"SUCCESS\",\"caller\":\"x\",\"contextKeys\":[],\"context\":{},"
        + "\"detail\":\"\"}\n");
    assertSuccess(Cli.run("keys", "audit", "--keystore", store.toString(), "--summary"));
    assertFailure(Cli.run("keys", "audit", "--keystore", store.toString()), ExitCode.AUTHENTICATION,
        "not in the key store's format", "'operation'");
  }

  @Test
  void audit_anchor_passesWhileTheLogGrowsAndFailsOnceItIsCut() throws IOException {
    Cli.Result first = Cli.run("keys", "audit", "--keystore", store.toString(), "--summary");
    assertSuccess(first);
    String line = first.stdoutText().strip();
    String anchor = line.substring(line.lastIndexOf("anchor ") + "anchor ".length());
    assertSuccess(keys("rotate", "--key", "orders"));
    Cli.Result later = Cli.run("keys", "audit", "--keystore", store.toString(), "--anchor", anchor, "--summary");
    assertSuccess(later);
    assertTrue(later.stdoutText().contains("4 records, starting with the anchored 2"), later.stdoutText());

    Cli.Result anchorAll = Cli.run("keys", "audit", "--keystore", store.toString(), "--json", "--summary");
    String anchor2 = json(anchorAll).get("anchor").getAsString();
    Path log = store.resolve(AuditLog.FIRST_SEGMENT);
    List<String> lines = Files.readAllLines(log);
    Files.writeString(log, lines.get(0) + "\n"); // the tail cut off: the chain alone still verifies
    assertSuccess(Cli.run("keys", "audit", "--keystore", store.toString()));
    assertFailure(Cli.run("keys", "audit", "--keystore", store.toString(), "--anchor", anchor2),
        ExitCode.AUTHENTICATION, "does not verify");
  }

  @Test
  void audit_malformedAnchor_failsWithUsage() {
    assertFailure(Cli.run("keys", "audit", "--keystore", store.toString(), "--anchor", "12:abc"), ExitCode.USAGE,
        "RECORDS:HASH");
  }

  @Test
  void audit_noStore_failsWithKeyFile() {
    assertFailure(Cli.run("keys", "audit", "--keystore", dir.resolve("nothing").toString()), ExitCode.KEY_FILE,
        "does not exist");
  }

  @Test
  void policyDenialThroughTheLibrary_isVisibleInTheAudit() {
    keys.store().createKey(CreateKeyRequest.builder().alias("strict")
        .policy(KeyPolicy.defaultPolicy().toBuilder().requireContextKey("tenant").build()).build());
    try (LocalKeyStore s = keys.reopen()) {
      Envelope e = Envelope.builder().keyring(s.keyring("strict")).build();
      try {
        e.encrypt(new byte[1], EncryptionContext.empty());
      } catch (KeyPolicyViolationException expected) {
        // audited
      }
    }
    Cli.Result r = Cli.run("keys", "audit", "--keystore", store.toString());
    assertSuccess(r);
    assertTrue(r.stdoutText().lines().anyMatch(l -> l.contains("GENERATE") && l.contains("DENIED")
        && l.contains("lacks the required key 'tenant'")), r.stdoutText());
  }
}
