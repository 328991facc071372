package dev.envelope.pkcs11;

import static dev.envelope.pkcs11.Pkcs11TestTokens.AES_KEY;
import static dev.envelope.pkcs11.Pkcs11TestTokens.RSA_KEY;
import static dev.envelope.pkcs11.Pkcs11TestTokens.TEST_ONLY_HMAC_KEY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.AlgorithmSuite;
import dev.envelope.DecryptionMaterials;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.KeyProviderException;
import dev.envelope.Keyring;
import dev.envelope.NoMatchingKeyException;
import dev.envelope.cache.CachingMaterialsManager;
import dev.envelope.local.AuditEvent;
import dev.envelope.local.AuditLog;
import dev.envelope.local.AuditOutcome;
import dev.envelope.local.AuditVerification;
import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.KeyDestroyedException;
import dev.envelope.local.KeyLifecycle;
import dev.envelope.local.KeyMetadata;
import dev.envelope.local.KeyNotFoundException;
import dev.envelope.local.KeyOperation;
import dev.envelope.local.KeyPolicy;
import dev.envelope.local.KeyState;
import dev.envelope.local.KeyStateEvent;
import dev.envelope.local.KeyStateListener;
import dev.envelope.local.KeyStoreIntegrityException;
import dev.envelope.local.KeyVersion;
import dev.envelope.KeyProviderException.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Pkcs11KeyManager}: key lifecycle, audit and state events for keys in a real SoftHSM2 token. */
class Pkcs11KeyManagerTest {
  private static final String NAMESPACE = "envelope-hsm";
  private static final AtomicInteger LABELS = new AtomicInteger();
  private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
  private static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme", "secret-ish", "value-9f3");

  @TempDir Path dir;

  private final Pkcs11TestTokens tokens = Pkcs11TestTokens.get();
  private final List<AuditEvent> audit = new CopyOnWriteArrayList<>();
  private final List<KeyStateEvent> events = new CopyOnWriteArrayList<>();

  /** A label no other test uses: token objects outlive a test. */
  private static String label(String name) {
    return "km-" + name + "-" + LABELS.incrementAndGet();
  }

  private Pkcs11KeyManager manager() {
    return Pkcs11KeyManager.builder(tokens.main(), dir)
        .keyNamespace(NAMESPACE)
        .callerLabel("key-admin")
        .clock(Clock.fixed(NOW, ZoneOffset.UTC))
        .auditListener(audit::add)
        .keyStateListener(events::add)
        .build();
  }

  private static Envelope envelope(Keyring keyring) {
    return Envelope.builder().keyring(keyring).algorithmSuite(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY).build();
  }

  private List<AuditEvent> audited(KeyOperation op) {
    return audit.stream().filter(e -> e.operation() == op).collect(Collectors.toList());
  }

  @Test
  void createKey_generatesANonExtractableAesKeyLabelledByAliasAndRecordsItsDescription() {
    String label = label("create");
    try (Pkcs11KeyManager manager = manager()) {
      KeyMetadata key = manager.createKey(CreateKeyRequest.builder().alias(label).description("order documents").build());

      assertEquals(label, key.keyId());
      assertEquals(label, key.alias().orElseThrow());
      assertEquals("order documents", key.description());
      assertEquals(KeyState.ENABLED, key.state());
      assertEquals(List.of(KeyVersion.named(label, 1, NOW)), key.versions());
      assertEquals(1, key.primaryVersion());
      assertEquals(NOW, key.createdAt());
      assertEquals(NAMESPACE, key.keyNamespace());
      assertEquals(label, key.keyNamePrefix());
      assertEquals(Set.of(KeyOperation.GENERATE, KeyOperation.ENCRYPT, KeyOperation.DECRYPT, KeyOperation.DESTROY),
          key.policy().allowedOperations());
      Pkcs11KeyInfo info = tokens.main().describeKey(label);
      assertEquals(Pkcs11KeyInfo.Type.AES, info.type());
      assertFalse(info.exportable());
      SecretKey tokenKey = tokens.main().aesKey(label);
      assertNull(tokenKey.getEncoded());
      AuditEvent created = audited(KeyOperation.CREATE).get(0);
      assertEquals(AuditOutcome.SUCCESS, created.outcome());
      assertEquals(label, created.keyId().orElseThrow());
      assertEquals("key-admin", created.caller());
      assertTrue(events.isEmpty(), "creating a key is not a state change");
    }
    // A new manager over the same directory (another process, a restart) sees the description.
    try (Pkcs11KeyManager reopened = manager()) {
      assertEquals("order documents", reopened.describeKey(label).description());
      assertEquals(NOW, reopened.describeKey(label).createdAt());
      reopened.destroyKey(label);
    }
  }

  @Test
  void createKey_withoutAliasOrWithTakenLabel_isRefused() {
    try (Pkcs11KeyManager manager = manager()) {
      IllegalArgumentException noAlias = assertThrows(IllegalArgumentException.class,
          () -> manager.createKey(CreateKeyRequest.builder().description("x").build()));
      assertTrue(noAlias.getMessage().contains("alias"), noAlias.getMessage());

      IllegalArgumentException taken = assertThrows(IllegalArgumentException.class,
          () -> manager.createKey(CreateKeyRequest.withAlias(AES_KEY)));
      assertTrue(taken.getMessage().contains("'" + AES_KEY + "'"), taken.getMessage());
      assertEquals(Reason.KEY_EXISTS, ((Pkcs11Exception) taken.getCause()).reason());
      assertEquals(AuditOutcome.DENIED, audited(KeyOperation.CREATE).get(0).outcome());
      assertEquals(Pkcs11KeyInfo.Type.AES, tokens.main().describeKey(AES_KEY).type());
    }
  }

  @Test
  void createKey_withAKeyPolicy_isRefusedAuditedAndCreatesNothing() {
    String label = label("policy");
    try (Pkcs11KeyManager manager = manager()) {
      KeyPolicy policy = KeyPolicy.builder().allow(KeyOperation.DECRYPT).requireContextKey("tenant").build();

      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> manager.createKey(CreateKeyRequest.builder().alias(label).policy(policy).build()));

      assertTrue(e.getMessage().startsWith("a PKCS#11 token key cannot be given a key policy"), e.getMessage());
      assertTrue(e.getMessage().contains("LocalKeyStore") && e.getMessage().contains("kekSource"), e.getMessage());
      assertEquals(AuditOutcome.DENIED, audited(KeyOperation.CREATE).get(0).outcome());
      assertEquals(Reason.KEY_NOT_FOUND,
          assertThrows(Pkcs11Exception.class, () -> tokens.main().describeKey(label)).reason());
    }
  }

  @Test
  void listKeys_showsTokenKeysAesAndRsaButNotOtherTypes() {
    String label = label("list");
    try (Pkcs11KeyManager manager = manager()) {
      manager.createKey(CreateKeyRequest.builder().alias(label).description("listed").build());

      Map<String, KeyMetadata> keys = manager.listKeys().stream()
          .collect(Collectors.toMap(KeyMetadata::keyId, Function.identity()));

      assertEquals("listed", keys.get(label).description());
      // Keys made by other tools (here the fixture) are listed without a description or time.
      assertEquals(Instant.EPOCH, keys.get(AES_KEY).createdAt());
      assertEquals("", keys.get(AES_KEY).description());
      assertEquals(KeyState.ENABLED, keys.get(RSA_KEY).state());
      assertFalse(keys.containsKey(TEST_ONLY_HMAC_KEY), keys.keySet().toString());
      List<Instant> times = manager.listKeys().stream().map(KeyMetadata::createdAt).collect(Collectors.toList());
      assertEquals(times.stream().sorted().collect(Collectors.toList()), times);
      manager.destroyKey(label);
    }
  }

  @Test
  void describeKey_unknownOrUnusableLabel_failsWithKeyNotFound() {
    try (Pkcs11KeyManager manager = manager()) {
      KeyNotFoundException unknown = assertThrows(KeyNotFoundException.class, () -> manager.describeKey("no-such-key"));
      assertTrue(unknown.getMessage().contains("'no-such-key'"), unknown.getMessage());
      assertTrue(unknown.getMessage().contains("'" + AES_KEY + "'"), "lists the labels present: " + unknown.getMessage());
      assertEquals(Reason.KEY_NOT_FOUND, ((Pkcs11Exception) unknown.getCause()).reason());

      KeyNotFoundException hmac = assertThrows(KeyNotFoundException.class, () -> manager.describeKey(TEST_ONLY_HMAC_KEY));
      assertTrue(hmac.getMessage().contains("no Envelope keyring uses"), hmac.getMessage());
    }
  }

  @Test
  void destroyKey_deletesTheTokenObjectKeepsATombstoneAndNotifies() {
    String label = label("destroy");
    try (Pkcs11KeyManager manager = manager()) {
      manager.createKey(CreateKeyRequest.builder().alias(label).description("short-lived").build());
      byte[] message = envelope(manager.keyring(label)).encrypt(new byte[] {1, 2, 3}, CONTEXT);

      KeyMetadata destroyed = manager.destroyKey(label);

      assertEquals(KeyState.DESTROYED, destroyed.state());
      assertEquals(NOW, destroyed.destructionDate().orElseThrow());
      assertEquals("short-lived", destroyed.description());
      assertEquals(Reason.KEY_NOT_FOUND,
          assertThrows(Pkcs11Exception.class, () -> tokens.main().describeKey(label)).reason());
      assertEquals(destroyed, manager.describeKey(label));
      assertTrue(manager.listKeys().contains(destroyed));
      // The incident hook: one event, which recognizes the message's encrypted data key.
      assertEquals(1, events.size());
      KeyStateEvent event = events.get(0);
      assertEquals(KeyState.ENABLED, event.previousState());
      assertEquals(KeyState.DESTROYED, event.newState());
      assertTrue(event.revokesUse());
      assertEquals(List.of(label), event.keyNames());
      assertEquals("key-admin", event.caller());
      EncryptedDataKey edk = Envelope.inspectUnauthenticated(message).encryptedDataKeys().get(0);
      assertTrue(event.matches(edk));
      assertEquals(AuditOutcome.SUCCESS, audited(KeyOperation.DESTROY).get(0).outcome());

      // Idempotent: no second event.
      assertEquals(destroyed, manager.destroyKey(label));
      assertEquals(1, events.size());
    }
  }

  @Test
  void destroyedKey_itsKeyringFailsNamingTheDestructionAndItsLabelIsNotReused() {
    String label = label("gone");
    try (Pkcs11KeyManager manager = manager()) {
      manager.createKey(CreateKeyRequest.withAlias(label));
      Keyring keyring = manager.keyring(label);
      byte[] message = envelope(keyring).encrypt(new byte[] {7}, CONTEXT);

      manager.destroyKey(label);

      KeyDestroyedException onDecrypt = assertThrows(KeyDestroyedException.class, () -> envelope(keyring).decrypt(message, CONTEXT));
      assertTrue(onDecrypt.getMessage().contains(label) && onDecrypt.getMessage().contains(NOW.toString()), onDecrypt.getMessage());
      assertEquals(KeyState.DESTROYED, onDecrypt.state());
      assertThrows(KeyDestroyedException.class, () -> envelope(keyring).encrypt(new byte[] {7}, CONTEXT));
      assertThrows(KeyDestroyedException.class, () -> manager.keyring(label));
      assertEquals(AuditOutcome.DENIED, audited(KeyOperation.DECRYPT).get(audited(KeyOperation.DECRYPT).size() - 1).outcome());

      IllegalArgumentException reuse = assertThrows(IllegalArgumentException.class,
          () -> manager.createKey(CreateKeyRequest.withAlias(label)));
      assertTrue(reuse.getMessage().contains("destroyed at " + NOW), reuse.getMessage());
    }
  }

  @Test
  void destroyKey_unknownLabel_failsWithKeyNotFoundAndIsAudited() {
    try (Pkcs11KeyManager manager = manager()) {
      assertThrows(KeyNotFoundException.class, () -> manager.destroyKey("never-existed"));

      assertEquals(AuditOutcome.FAILURE, audited(KeyOperation.DESTROY).get(0).outcome());
      assertTrue(events.isEmpty());
    }
  }

  @Test
  void keyManager_isNotAKeyLifecycle_soItHasNoOperationATokenCannotDo() {
    try (Pkcs11KeyManager manager = manager()) {
      Object keys = manager;
      assertFalse(keys instanceof KeyLifecycle, "a token has no rotation, disabled state, waiting period or policy");
      for (java.lang.reflect.Method m : KeyLifecycle.class.getDeclaredMethods()) {
        assertFalse(
            java.util.Arrays.stream(Pkcs11KeyManager.class.getMethods()).anyMatch(x -> x.getName().equals(m.getName())),
            m.getName() + " must not exist on a token's key manager");
      }
      // What it does offer works without a refusal.
      assertEquals(AES_KEY, manager.describeKey(AES_KEY).keyId());
      assertTrue(manager.listKeys().stream().anyMatch(k -> k.keyId().equals(AES_KEY)));
      assertTrue(events.isEmpty());
    }
  }

  @Test
  void keyring_usesAreAuditedWithContextKeysButNoValues() {
    try (Pkcs11KeyManager manager = manager()) {
      Keyring keyring = manager.keyring(AES_KEY);
      Envelope envelope = envelope(keyring);

      byte[] message = envelope.encrypt(new byte[] {4, 2}, CONTEXT);
      assertArrayEquals(new byte[] {4, 2}, envelope.decrypt(message, CONTEXT).plaintext());
      // The keyring asked to unwrap under another context (the AAD): the token's GCM check fails.
      List<EncryptedDataKey> edks = Envelope.inspectUnauthenticated(message).encryptedDataKeys();
      DecryptionMaterials otherContext = DecryptionMaterials.of(
          AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY, EncryptionContext.of("tenant", "other"), Set.of(), null);
      assertThrows(NoMatchingKeyException.class, () -> keyring.onDecrypt(otherContext, edks));

      AuditEvent generate = audited(KeyOperation.GENERATE).get(0);
      assertEquals(AuditOutcome.SUCCESS, generate.outcome());
      assertEquals(AES_KEY, generate.keyId().orElseThrow());
      assertEquals(List.of("secret-ish", "tenant"), generate.contextKeys());
      assertTrue(generate.loggedContext().isEmpty());
      List<AuditEvent> decrypts = audited(KeyOperation.DECRYPT);
      assertEquals(List.of(AuditOutcome.SUCCESS, AuditOutcome.FAILURE),
          decrypts.stream().map(AuditEvent::outcome).collect(Collectors.toList()));
      for (AuditEvent e : audit) {
        assertFalse(e.toString().contains("value-9f3") || e.detail().contains("value-9f3"), e.toString());
      }
    }
  }

  @Test
  void keyring_messageOfAnotherKey_isNotAudited() {
    try (Pkcs11KeyManager manager = manager()) {
      byte[] other = envelope(Pkcs11Keyring.builder().token(tokens.main()).keyNamespace("elsewhere").keyLabel(AES_KEY).build())
          .encrypt(new byte[] {1}, CONTEXT);

      assertThrows(NoMatchingKeyException.class, () -> envelope(manager.keyring(AES_KEY)).decrypt(other, CONTEXT));

      assertTrue(audited(KeyOperation.DECRYPT).isEmpty(), audit.toString());
    }
  }

  @Test
  void auditLog_recordsEveryCallAndVerifies() throws Exception {
    String label = label("audit");
    try (Pkcs11KeyManager manager = manager()) {
      manager.createKey(CreateKeyRequest.withAlias(label));
      envelope(manager.keyring(label)).encrypt(new byte[1], CONTEXT);
      KeyPolicy policy = KeyPolicy.builder().allow(KeyOperation.DECRYPT).build();
      assertThrows(IllegalArgumentException.class,
          () -> manager.createKey(CreateKeyRequest.builder().alias(label("other")).policy(policy).build()));
      manager.destroyKey(label);
    }

    AuditVerification v = AuditLog.verify(dir.resolve(AuditLog.FILE_NAME));
    assertTrue(v.isValid(), v.toString());
    assertEquals(4, v.records());
    List<String> lines = Files.readAllLines(dir.resolve(AuditLog.FILE_NAME));
    assertTrue(lines.get(0).contains("\"operation\":\"CREATE\""), lines.get(0));
    assertTrue(lines.get(3).contains("\"operation\":\"DESTROY\""), lines.get(3));
  }

  @Test
  void destroyKey_purgesTheCachedDataKeysWrappedUnderIt() {
    String label = label("cached");
    try (Pkcs11KeyManager manager = manager()) {
      manager.createKey(CreateKeyRequest.withAlias(label));
      CachingMaterialsManager cache = CachingMaterialsManager.builder()
          .keyring(manager.keyring(label)).maxAge(Duration.ofHours(1)).build();
      manager.addKeyStateListener(KeyStateListener.purging(cache));
      Envelope envelope = Envelope.builder().materialsManager(cache)
          .algorithmSuite(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY).build();
      byte[] message = envelope.encrypt(new byte[] {9}, CONTEXT);
      envelope.decrypt(message, CONTEXT);
      envelope.encrypt(new byte[] {9}, CONTEXT);
      assertEquals(2, cache.stats().entryCount());
      assertEquals(1, cache.stats().hitCount());

      manager.destroyKey(label);

      assertEquals(0, cache.stats().entryCount());
      assertEquals(2, cache.stats().evictionCount());
      assertInstanceOf(KeyDestroyedException.class,
          assertThrows(RuntimeException.class, () -> envelope.encrypt(new byte[] {9}, CONTEXT)));
      assertThrows(KeyDestroyedException.class, () -> envelope.decrypt(message, CONTEXT));
      assertEquals(1, cache.stats().hitCount());
    }
  }

  @Test
  void recordedKeyDeletedByAnotherTool_isListedAsDestroyedWithoutATime() {
    String label = label("elsewhere");
    try (Pkcs11KeyManager manager = manager()) {
      manager.createKey(CreateKeyRequest.builder().alias(label).description("deleted behind our back").build());

      tokens.main().destroyKey(label);

      KeyMetadata key = manager.describeKey(label);
      assertEquals(KeyState.DESTROYED, key.state());
      assertTrue(key.destructionDate().isEmpty());
      assertEquals("deleted behind our back", key.description());
      assertEquals(key, manager.destroyKey(label)); // nothing left to destroy: no change, no event
      assertTrue(events.isEmpty());
      assertThrows(IllegalArgumentException.class, () -> manager.createKey(CreateKeyRequest.withAlias(label)));
    }
  }

  @Test
  void createKey_concurrentCallers_allKeysAreRecorded() throws Exception {
    List<String> labels = java.util.stream.IntStream.range(0, 8).mapToObj(i -> label("concurrent")).collect(Collectors.toList());
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try (Pkcs11KeyManager manager = manager()) {
      List<java.util.concurrent.Future<KeyMetadata>> futures = new java.util.ArrayList<>();
      for (String label : labels) {
        futures.add(pool.submit(() -> manager.createKey(CreateKeyRequest.builder().alias(label).description("d-" + label).build())));
      }
      for (java.util.concurrent.Future<KeyMetadata> f : futures) {
        f.get(60, java.util.concurrent.TimeUnit.SECONDS);
      }

      for (String label : labels) {
        assertEquals("d-" + label, manager.describeKey(label).description());
        manager.destroyKey(label);
      }
      assertEquals(8, events.size());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void damagedRecordFile_failsWithAnIntegrityErrorNamingIt() throws Exception {
    Files.writeString(dir.resolve(Pkcs11KeyManager.RECORDS_FILE), "{\"format\":\"something-else\"}");
    try (Pkcs11KeyManager manager = manager()) {
      KeyStoreIntegrityException e = assertThrows(KeyStoreIntegrityException.class, manager::listKeys);

      assertTrue(e.getMessage().contains(Pkcs11KeyManager.RECORDS_FILE), e.getMessage());
    }
  }

  @Test
  void builder_missingOrReservedNamespace_isRejected() {
    assertThrows(IllegalStateException.class, () -> Pkcs11KeyManager.builder(tokens.main(), dir).build());
    assertThrows(IllegalArgumentException.class,
        () -> Pkcs11KeyManager.builder(tokens.main(), dir).keyNamespace("aws-kms"));
  }

  @Test
  void closedManager_refusesCalls() {
    Pkcs11KeyManager manager = manager();
    manager.close();

    assertThrows(IllegalStateException.class, manager::listKeys);
    assertThrows(IllegalStateException.class, () -> manager.keyring(AES_KEY));
  }
}
