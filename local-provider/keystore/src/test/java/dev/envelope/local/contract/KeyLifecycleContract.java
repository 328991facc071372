package dev.envelope.local.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.local.AliasInUseException;
import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.KeyDestroyedException;
import dev.envelope.local.KeyDisabledException;
import dev.envelope.local.KeyMetadata;
import dev.envelope.local.KeyNotFoundException;
import dev.envelope.local.KeyOperation;
import dev.envelope.local.KeyPendingDestructionException;
import dev.envelope.local.KeyPolicy;
import dev.envelope.local.KeyPolicyViolationException;
import dev.envelope.local.KeyState;
import dev.envelope.local.KeyStateException;
import dev.envelope.local.KeyVersion;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.local.LocalKeyring;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

public abstract class KeyLifecycleContract extends StoreContract {
  private static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme");
  private final MutableClock clock = new MutableClock();
  private LocalKeyStore store;

  @BeforeEach
  void createStore() {
    store = builder().clock(clock).create();
  }

  @org.junit.jupiter.api.AfterEach
  void closeStore() {
    store.close();
  }

  private byte[] encrypt(String key, String text) {
    return envelope(store.keyring(key)).encrypt(text.getBytes(StandardCharsets.UTF_8), CONTEXT);
  }

  private String decrypt(String key, byte[] message) {
    return new String(envelope(store.keyring(key)).decrypt(message, CONTEXT).plaintext(), StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------------ create, list, describe

  @Test
  void createKey_withAliasAndDescription_describesMetadataOnly() {
    KeyMetadata created = store.createKey(
        CreateKeyRequest.builder().alias("orders").description("order documents").build());

    KeyMetadata described = store.describeKey("orders");

    assertEquals(created, described);
    assertEquals("orders", described.alias().orElseThrow());
    assertEquals("order documents", described.description());
    assertEquals(KeyState.ENABLED, described.state());
    assertEquals(1, described.primaryVersion());
    assertEquals(List.of(KeyVersion.of(created.keyId(), 1, clock.instant())), described.versions());
    assertEquals(clock.instant(), described.createdAt());
    assertTrue(described.lastRotatedAt().isEmpty());
    assertEquals(KeyPolicy.defaultPolicy(), described.policy());
    assertEquals(created.keyId() + "/v", described.keyNamePrefix());
    assertEquals(described, store.describeKey(created.keyId()));
  }

  @Test
  void createKey_duplicateAlias_isRejected() {
    store.createKey(CreateKeyRequest.withAlias("orders"));
    AliasInUseException e = assertThrows(AliasInUseException.class,
        () -> store.createKey(CreateKeyRequest.withAlias("orders")));
    assertTrue(e.getMessage().contains("already used"), e.getMessage());
    assertEquals("orders", e.alias());
  }

  @Test
  void createKey_aliasShapedLikeKeyId_isRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> CreateKeyRequest.withAlias("0f8fad5b-d9cb-469f-a165-70867728950e"));
    assertThrows(IllegalArgumentException.class, () -> CreateKeyRequest.withAlias("has space"));
  }

  @Test
  void listKeys_returnsAllKeysInCreationOrder() {
    KeyMetadata a = store.createKey(CreateKeyRequest.withAlias("a"));
    clock.advance(Duration.ofSeconds(1));
    KeyMetadata b = store.createKey(CreateKeyRequest.builder().build());
    clock.advance(Duration.ofSeconds(1));
    KeyMetadata c = store.createKey(CreateKeyRequest.withAlias("c"));

    assertEquals(List.of(a.keyId(), b.keyId(), c.keyId()),
        store.listKeys().stream().map(KeyMetadata::keyId).collect(java.util.stream.Collectors.toList()));
  }

  @Test
  void describeKey_unknown_failsWithKeyNotFound() {
    assertThrows(KeyNotFoundException.class, () -> store.describeKey("missing"));
    assertThrows(KeyNotFoundException.class, () -> store.describeKey("0f8fad5b-d9cb-469f-a165-70867728950e"));
  }

  // ------------------------------------------------------------------ rotation

  @Test
  void rotateKey_newPrimaryVersion_oldMessagesStillDecrypt() {
    KeyMetadata key = store.createKey(CreateKeyRequest.withAlias("k"));
    byte[] v1 = encrypt("k", "one");
    clock.advance(Duration.ofDays(1));

    KeyMetadata rotated = store.rotateKey("k");
    byte[] v2 = encrypt("k", "two");
    store.rotateKey("k");
    byte[] v3 = encrypt("k", "three");

    assertEquals(2, rotated.primaryVersion());
    assertEquals(clock.instant(), rotated.lastRotatedAt().orElseThrow());
    assertEquals(3, store.describeKey("k").versions().size());
    assertTrue(Envelope.inspectUnauthenticated(v2).encryptedDataKeys().get(0)
        .providerInfoStartsWith((key.keyId() + "/v2").getBytes(StandardCharsets.UTF_8)));
    assertEquals("one", decrypt("k", v1));
    assertEquals("two", decrypt("k", v2));
    assertEquals("three", decrypt("k", v3));
  }

  @Test
  void rotateKey_visibleToKeyringMadeBefore() {
    store.createKey(CreateKeyRequest.withAlias("k"));
    LocalKeyring keyring = store.keyring("k");
    store.rotateKey("k");

    byte[] message = envelope(keyring).encrypt(new byte[1], CONTEXT);

    assertTrue(Envelope.inspectUnauthenticated(message).encryptedDataKeys().get(0).providerInfoUtf8().contains("/v2"));
  }

  // ------------------------------------------------------------------ disable / enable

  @Test
  void disabledKey_refusesEveryOperation() {
    KeyMetadata key = store.createKey(CreateKeyRequest.withAlias("k"));
    byte[] message = encrypt("k", "hello");
    byte[] blob = store.encrypt("k", new byte[] {1}, CONTEXT);

    KeyMetadata disabled = store.disableKey("k");

    assertEquals(KeyState.DISABLED, disabled.state());
    KeyDisabledException e = assertThrows(KeyDisabledException.class, () -> encrypt("k", "x"));
    assertEquals(key.keyId(), e.keyId());
    assertTrue(e.getMessage().contains(key.keyId()) && e.getMessage().contains("enable"), e.getMessage());
    assertThrows(KeyDisabledException.class, () -> decrypt("k", message));
    assertThrows(KeyDisabledException.class, () -> store.encrypt("k", new byte[1], CONTEXT));
    assertThrows(KeyDisabledException.class, () -> store.decrypt(blob, CONTEXT));
    assertThrows(KeyDisabledException.class, () -> store.generateDataKey("k", 32, CONTEXT));
    assertThrows(KeyDisabledException.class, () -> store.reEncrypt(blob, CONTEXT, "k", CONTEXT));
    assertThrows(KeyDisabledException.class, () -> store.rotateKey("k"));
  }

  @Test
  void enableKey_afterDisable_decryptsAgain() {
    store.createKey(CreateKeyRequest.withAlias("k"));
    byte[] message = encrypt("k", "hello");
    store.disableKey("k");

    KeyMetadata enabled = store.enableKey("k");

    assertEquals(KeyState.ENABLED, enabled.state());
    assertEquals("hello", decrypt("k", message));
  }

  @Test
  void disableKey_twice_isIdempotent() {
    store.createKey(CreateKeyRequest.withAlias("k"));
    KeyMetadata first = store.disableKey("k");
    clock.advance(Duration.ofMinutes(1));
    KeyMetadata second = store.disableKey("k");
    assertEquals(first, second);
  }

  @Test
  void disabledKey_seenByAnotherStoreInstance() {
    store.createKey(CreateKeyRequest.withAlias("k"));
    byte[] message = encrypt("k", "hello");
    try (LocalKeyStore other = builder().clock(clock).open()) {
      LocalKeyring keyring = other.keyring("k");
      assertEquals("hello", new String(envelope(keyring).decrypt(message, CONTEXT).plaintext(), StandardCharsets.UTF_8));

      store.disableKey("k");

      assertThrows(KeyDisabledException.class, () -> envelope(keyring).decrypt(message, CONTEXT));
    }
  }

  // ------------------------------------------------------------------ destruction

  @Test
  void scheduleDestruction_refusesUseAndRecordsDate() {
    KeyMetadata key = store.createKey(CreateKeyRequest.withAlias("k"));
    byte[] message = encrypt("k", "hello");

    KeyMetadata pending = store.scheduleDestruction("k", Duration.ofDays(7));

    assertEquals(KeyState.PENDING_DESTRUCTION, pending.state());
    assertEquals(clock.instant().plus(Duration.ofDays(7)), pending.destructionDate().orElseThrow());
    KeyPendingDestructionException e = assertThrows(KeyPendingDestructionException.class, () -> decrypt("k", message));
    assertEquals(key.keyId(), e.keyId());
    assertThrows(KeyPendingDestructionException.class, () -> encrypt("k", "x"));
    assertThrows(KeyStateException.class, () -> store.enableKey("k"));
  }

  @Test
  void scheduleDestruction_periodOutOfRange_isRejected() {
    store.createKey(CreateKeyRequest.withAlias("k"));
    assertThrows(IllegalArgumentException.class, () -> store.scheduleDestruction("k", Duration.ofHours(23)));
    assertThrows(IllegalArgumentException.class, () -> store.scheduleDestruction("k", Duration.ofDays(366)));
    assertEquals(KeyState.ENABLED, store.describeKey("k").state());
  }

  @Test
  void destroyKey_beforeWaitingPeriod_refuses() {
    store.createKey(CreateKeyRequest.withAlias("k"));
    byte[] message = encrypt("k", "hello");
    store.scheduleDestruction("k", Duration.ofDays(7));
    clock.advance(Duration.ofDays(7).minusSeconds(1));

    KeyStateException e = assertThrows(KeyStateException.class, () -> store.destroyKey("k"));

    assertEquals(KeyState.PENDING_DESTRUCTION, e.state());
    assertTrue(e.getMessage().contains("waiting period"), e.getMessage());
    assertEquals(KeyState.PENDING_DESTRUCTION, store.describeKey("k").state());
    store.cancelDestruction("k");
    store.enableKey("k");
    assertEquals("hello", decrypt("k", message));
  }

  @Test
  void destroyKey_enabledKey_requiresScheduleFirst() {
    store.createKey(CreateKeyRequest.withAlias("k"));
    KeyStateException e = assertThrows(KeyStateException.class, () -> store.destroyKey("k"));
    assertTrue(e.getMessage().contains("scheduleDestruction"), e.getMessage());
  }

  @Test
  void destroyKey_afterWaitingPeriod_oldMessagesFailNamingTheKey() {
    KeyMetadata key = store.createKey(CreateKeyRequest.withAlias("k"));
    byte[] v1 = encrypt("k", "one");
    store.rotateKey("k");
    byte[] v2 = encrypt("k", "two");
    LocalKeyring keyring = store.keyring("k");
    store.scheduleDestruction("k", Duration.ofDays(7));
    clock.advance(Duration.ofDays(7));

    KeyMetadata destroyed = store.destroyKey("k");

    assertEquals(KeyState.DESTROYED, destroyed.state());
    assertEquals(2, destroyed.versions().size());
    for (byte[] message : List.of(v1, v2)) {
      KeyDestroyedException e =
          assertThrows(KeyDestroyedException.class, () -> envelope(keyring).decrypt(message, CONTEXT));
      assertEquals(key.keyId(), e.keyId());
      assertTrue(e.getMessage().contains(key.keyId()) && e.getMessage().contains("(k)")
          && e.getMessage().contains("destroyed"), e.getMessage());
    }
  }

  @Test
  void destroyKey_survivesReopen() {
    KeyMetadata key = store.createKey(CreateKeyRequest.withAlias("k"));
    byte[] message = encrypt("k", "one");
    store.scheduleDestruction("k", Duration.ofDays(1));
    clock.advance(Duration.ofDays(2));
    store.destroyKey("k");
    store.close();

    store = builder().clock(clock).open();

    assertEquals(KeyState.DESTROYED, store.describeKey(key.keyId()).state());
    assertThrows(KeyDestroyedException.class, () -> decrypt("k", message));
    assertThrows(KeyDestroyedException.class, () -> store.enableKey("k"));
    assertThrows(KeyDestroyedException.class, () -> store.cancelDestruction("k"));
  }

  @Test
  void cancelDestruction_leavesKeyDisabledUntilEnabled() {
    store.createKey(CreateKeyRequest.withAlias("k"));
    byte[] message = encrypt("k", "hello");
    store.scheduleDestruction("k");

    KeyMetadata cancelled = store.cancelDestruction("k");

    assertEquals(KeyState.DISABLED, cancelled.state());
    assertTrue(cancelled.destructionDate().isEmpty());
    assertThrows(KeyDisabledException.class, () -> decrypt("k", message));
    store.enableKey("k");
    assertEquals("hello", decrypt("k", message));
    clock.advance(Duration.ofDays(400));
    assertThrows(KeyStateException.class, () -> store.destroyKey("k"));
  }

  @Test
  void cancelDestruction_notPending_refuses() {
    store.createKey(CreateKeyRequest.withAlias("k"));
    assertThrows(KeyStateException.class, () -> store.cancelDestruction("k"));
  }

  @Test
  void destroyDueKeys_destroysOnlyKeysPastTheirPeriod() {
    KeyMetadata soon = store.createKey(CreateKeyRequest.withAlias("soon"));
    KeyMetadata later = store.createKey(CreateKeyRequest.withAlias("later"));
    store.createKey(CreateKeyRequest.withAlias("kept"));
    store.scheduleDestruction("soon", Duration.ofDays(2));
    store.scheduleDestruction("later", Duration.ofDays(10));
    clock.advance(Duration.ofDays(3));

    List<KeyMetadata> destroyed = store.destroyDueKeys();

    assertEquals(List.of(soon.keyId()), destroyed.stream().map(KeyMetadata::keyId).collect(java.util.stream.Collectors.toList()));
    assertEquals(KeyState.PENDING_DESTRUCTION, store.describeKey(later.keyId()).state());
    assertEquals(KeyState.ENABLED, store.describeKey("kept").state());
  }

  @Test
  void updatePolicy_replacesPolicyDurably() {
    store.createKey(CreateKeyRequest.withAlias("k"));
    KeyPolicy encryptOnly = KeyPolicy.builder().allow(KeyOperation.ENCRYPT, KeyOperation.GENERATE, KeyOperation.UPDATE_POLICY).build();

    store.updatePolicy("k", encryptOnly);
    store.close();
    store = builder().clock(clock).open();

    assertEquals(encryptOnly, store.describeKey("k").policy());
  }

  @Test
  void stateChangedAt_tracksTransitions() {
    store.createKey(CreateKeyRequest.withAlias("k"));
    clock.advance(Duration.ofHours(5));
    Instant when = clock.instant();
    assertEquals(when, store.disableKey("k").stateChangedAt());
  }

  @Test
  void updateDescription_replacesDescriptionDurably_checkedAsUpdatePolicy() {
    store.createKey(CreateKeyRequest.builder().alias("k").description("old").build());

    assertEquals("new", store.updateDescription("k", "new").description());
    assertThrows(IllegalArgumentException.class, () -> store.updateDescription("k", "x".repeat(8193)));
    store.updatePolicy("k", KeyPolicy.defaultPolicy().toBuilder().deny(KeyOperation.UPDATE_POLICY).build());
    assertThrows(KeyPolicyViolationException.class, () -> store.updateDescription("k", "denied"));
    store.close();
    store = builder().clock(clock).open();

    assertEquals("new", store.describeKey("k").description());
  }

  @Test
  void updateDescription_destroyedKey_refuses() {
    store.createKey(CreateKeyRequest.withAlias("k"));
    store.scheduleDestruction("k", Duration.ofDays(1));
    clock.advance(Duration.ofDays(1));
    store.destroyKey("k");

    assertThrows(KeyDestroyedException.class, () -> store.updateDescription("k", "too late"));
  }

  @Test
  void withCaller_acceptsLabelsUpToAnIamArnsLength() {
    String arn = "arn:aws:iam::111122223333:role/" + "p/".repeat(1000);
    assertEquals(arn, store.withCaller(arn).callerLabel());
    assertThrows(IllegalArgumentException.class, () -> store.withCaller("x".repeat(2049)));
    assertThrows(IllegalArgumentException.class, () -> store.withCaller(""));
  }
}
