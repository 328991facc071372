package dev.envelope.localkms.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptionContext;
import dev.envelope.local.KekSource;
import dev.envelope.local.KeyMetadata;
import dev.envelope.local.KeyOperation;
import dev.envelope.local.KeyPolicy;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.local.PassphraseKdfParameters;
import dev.envelope.localkms.MutableClock;
import dev.envelope.localkms.internal.KmsBackend.BackendException;
import dev.envelope.localkms.internal.KmsBackend.BackendKey;
import dev.envelope.localkms.internal.KmsBackend.BackendKeyState;
import dev.envelope.localkms.internal.KmsBackend.KeyUse;
import dev.envelope.localkms.internal.KmsBackend.Kind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** The mapping between the KMS backend contract and the local key store, store exceptions included. */
class KeyStoreKmsBackendTest {
  private static final String CALLER = "arn:aws:iam::111122223333:user/tester";
  private static final byte[] DATA = "data".getBytes(StandardCharsets.UTF_8);
  private static final EncryptionContext CONTEXT = EncryptionContext.of("purpose", "test");

  @TempDir Path dir;
  private LocalKeyStore store;
  private KeyStoreKmsBackend backend;

  @BeforeEach
  void open() {
    store =
        LocalKeyStore.builder(dir)
            .kek(
                KekSource.passphrase(
                    "backend test".toCharArray(), PassphraseKdfParameters.insecureForTests()))
            .create();
    backend = new KeyStoreKmsBackend(store);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static BackendException assertRefused(Kind kind, String keyId, Executable call) {
    BackendException e = assertThrows(BackendException.class, call);
    assertEquals(kind, e.kind(), e::getMessage);
    assertEquals(keyId, e.keyId());
    return e;
  }

  @Test
  void create_singleRegion_isAStoreKeyUnderItsOwnId() {
    BackendKey k = backend.create(false, "d", Set.of(), CALLER);
    KeyMetadata m = store.describeKey(k.keyId());
    assertEquals(m.keyId(), k.keyId());
    assertEquals("d", m.description());
    assertEquals(BackendKeyState.ENABLED, k.state());
    assertEquals(1, k.primaryVersion());
    assertEquals(m.createdAt(), k.created());
    assertEquals(KeyPolicy.defaultPolicy(), m.policy());
  }

  @Test
  void create_multiRegion_isAStoreKeyAliasedByItsMrkId_foundOnlyByThatId() {
    BackendKey k = backend.create(true, "", Set.of(), CALLER);
    assertTrue(k.keyId().matches("mrk-[0-9a-f]{32}"), k.keyId());
    KeyMetadata m = store.describeKey(k.keyId());
    assertEquals(k.keyId(), m.alias().orElseThrow());
    assertTrue(backend.find(k.keyId()).isPresent());
    assertTrue(backend.find(m.keyId()).isEmpty(), "the store UUID is not a second KMS id");
    assertEquals(1, backend.list().size());
    assertEquals(k.keyId(), backend.list().get(0).keyId());
  }

  @Test
  void find_unknownMalformedOrDestroyed_isEmpty() {
    assertTrue(backend.find("1234abcd-12ab-34cd-56ef-1234567890ab").isEmpty());
    assertTrue(backend.find("../keys/x").isEmpty());
    assertTrue(backend.find("mrk-00000000000000000000000000000000").isEmpty());
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    try (LocalKeyStore timed =
        LocalKeyStore.builder(dir.resolve("timed"))
            .kek(KekSource.passphrase("timed store".toCharArray(), PassphraseKdfParameters.insecureForTests()))
            .clock(clock)
            .create()) {
      KeyStoreKmsBackend b = new KeyStoreKmsBackend(timed);
      String id = b.create(false, "", Set.of(), CALLER).keyId();
      BackendKey pending = b.scheduleDeletion(id, Duration.ofDays(7), CALLER);
      assertEquals(BackendKeyState.PENDING_DELETION, pending.state());
      assertEquals(clock.instant().plus(Duration.ofDays(7)), pending.deletionDate());
      assertRefused(Kind.INVALID_STATE, id, () -> b.delete(id, CALLER)); // not due yet
      clock.advance(Duration.ofDays(7));
      b.delete(id, CALLER);
      assertTrue(b.find(id).isEmpty());
      assertTrue(b.list().isEmpty());
      assertRefused(Kind.NOT_FOUND, id, () -> b.encrypt(id, DATA, CONTEXT, CALLER));
    }
  }

  @Test
  void encryptGenerateDecryptReEncrypt_roundTripWithVersions() {
    String a = backend.create(false, "", Set.of(), CALLER).keyId();
    String b = backend.create(true, "", Set.of(), CALLER).keyId();
    KmsBackend.Sealed sealed = backend.encrypt(a, DATA, CONTEXT, CALLER);
    assertEquals(1, sealed.version());
    assertEquals(2, backend.rotate(a, CALLER).primaryVersion());
    KmsBackend.Generated generated = backend.generateDataKey(a, 24, CONTEXT, CALLER);
    assertEquals(2, generated.version());
    assertEquals(24, generated.plaintext().length);
    KmsBackend.Opened opened = backend.decrypt(a, sealed.payload(), CONTEXT, CALLER);
    assertEquals(1, opened.version());
    assertArrayEquals(DATA, opened.plaintext());
    assertArrayEquals(
        generated.plaintext(), backend.decrypt(a, generated.payload(), CONTEXT, CALLER).plaintext());
    KmsBackend.Resealed moved =
        backend.reEncrypt(a, sealed.payload(), CONTEXT, b, EncryptionContext.empty(), CALLER);
    assertEquals(1, moved.sourceVersion());
    assertEquals(1, moved.destinationVersion());
    assertArrayEquals(
        DATA, backend.decrypt(b, moved.payload(), EncryptionContext.empty(), CALLER).plaintext());
  }

  @Test
  void decrypt_wrongContextOtherKeysPayloadUnknownVersionOrGarbage_isBadCiphertext() {
    String a = backend.create(false, "", Set.of(), CALLER).keyId();
    String b = backend.create(false, "", Set.of(), CALLER).keyId();
    byte[] payload = backend.encrypt(a, DATA, CONTEXT, CALLER).payload();
    assertRefused(
        Kind.BAD_CIPHERTEXT, a, () -> backend.decrypt(a, payload, EncryptionContext.empty(), CALLER));
    assertRefused(Kind.BAD_CIPHERTEXT, b, () -> backend.decrypt(b, payload, CONTEXT, CALLER));
    byte[] v2 = replace(payload, a + "/v1", a + "/v2"); // names a version the key lacks
    assertRefused(Kind.BAD_CIPHERTEXT, a, () -> backend.decrypt(a, v2, CONTEXT, CALLER));
    backend.rotate(a, CALLER);
    assertRefused(Kind.BAD_CIPHERTEXT, a, () -> backend.decrypt(a, v2, CONTEXT, CALLER));
    assertRefused(
        Kind.BAD_CIPHERTEXT, a, () -> backend.decrypt(a, new byte[] {1, 2, 3}, CONTEXT, CALLER));
    assertRefused(
        Kind.BAD_CIPHERTEXT,
        b,
        () -> backend.reEncrypt(b, payload, CONTEXT, a, CONTEXT, CALLER));
  }

  @Test
  void lifecycleRefusals_mapToKmsStates() {
    String id = backend.create(false, "", Set.of(), CALLER).keyId();
    assertRefused(Kind.INVALID_STATE, id, () -> backend.cancelDeletion(id, CALLER));
    assertEquals(BackendKeyState.DISABLED, backend.setEnabled(id, false, CALLER).state());
    assertRefused(Kind.DISABLED, id, () -> backend.rotate(id, CALLER));
    assertRefused(Kind.DISABLED, id, () -> backend.encrypt(id, DATA, CONTEXT, CALLER));
    backend.scheduleDeletion(id, Duration.ofDays(30), CALLER);
    assertRefused(Kind.PENDING_DELETION, id, () -> backend.encrypt(id, DATA, CONTEXT, CALLER));
    assertRefused(Kind.INVALID_STATE, id, () -> backend.setEnabled(id, true, CALLER));
    assertRefused(
        Kind.INVALID_STATE, id, () -> backend.scheduleDeletion(id, Duration.ofDays(7), CALLER));
    assertEquals(BackendKeyState.DISABLED, backend.cancelDeletion(id, CALLER).state());
    assertNull(backend.find(id).orElseThrow().deletionDate());
    assertRefused(
        Kind.NOT_FOUND,
        "1234abcd-12ab-34cd-56ef-1234567890ab",
        () -> backend.setEnabled("1234abcd-12ab-34cd-56ef-1234567890ab", true, CALLER));
  }

  @Test
  void storePolicyDenial_isAccessDenied_namingTheKmsKeyIdAndRule() {
    String mrk = backend.create(true, "", Set.of(), CALLER).keyId();
    store.updatePolicy(
        mrk, KeyPolicy.defaultPolicy().toBuilder().grant("someone-else", KeyOperation.ENCRYPT).build());
    BackendException e =
        assertRefused(Kind.ACCESS_DENIED, mrk, () -> backend.encrypt(mrk, DATA, CONTEXT, CALLER));
    assertEquals("caller '" + CALLER + "' has no grant for ENCRYPT", e.getMessage());
    assertRefused(Kind.ACCESS_DENIED, mrk, () -> backend.updateDescription(mrk, "x", CALLER));
  }

  @Test
  void restrictUses_changesOnlyTheAllowedUses_keepingTheRestOfTheStorePolicy() {
    String id =
        backend.create(false, "", EnumSet.of(KeyUse.GENERATE, KeyUse.REENCRYPT), CALLER).keyId();
    KeyPolicy created = store.describeKey(id).policy();
    assertFalse(created.allows(KeyOperation.GENERATE));
    assertFalse(created.allows(KeyOperation.REWRAP));
    assertTrue(created.allows(KeyOperation.ENCRYPT));
    store.updatePolicy(id, created.toBuilder().requireContextKey("tenant").loggableContextKeys("tenant").build());

    backend.restrictUses(
        id, EnumSet.of(KeyUse.DECRYPT), EnumSet.of(KeyUse.GENERATE, KeyUse.REENCRYPT), CALLER);
    KeyPolicy p = store.describeKey(id).policy();
    assertTrue(p.allows(KeyOperation.GENERATE));
    assertTrue(p.allows(KeyOperation.REWRAP));
    assertFalse(p.allows(KeyOperation.DECRYPT));
    assertFalse(p.allows(KeyOperation.EXPORT), "never allowed by the KMS mapping");
    assertEquals(Set.of("tenant"), p.requiredContextKeys());
    assertEquals(Set.of("tenant"), p.loggableContextKeys());
  }

  @Test
  void updateDescription_changesTheStoreKeysDescription() {
    String id = backend.create(false, "old", Set.of(), CALLER).keyId();
    assertEquals("new", backend.updateDescription(id, "new", CALLER).description());
    assertEquals("new", store.describeKey(id).description());
  }

  private static byte[] replace(byte[] bytes, String from, String to) {
    String s = new String(bytes, StandardCharsets.ISO_8859_1);
    assertTrue(s.contains(from));
    return s.replace(from, to).getBytes(StandardCharsets.ISO_8859_1);
  }
}
