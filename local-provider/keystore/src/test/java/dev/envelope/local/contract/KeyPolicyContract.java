package dev.envelope.local.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.PolicyViolationException;
import dev.envelope.local.AuditEvent;
import dev.envelope.local.AuditOutcome;
import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.KeyMetadata;
import dev.envelope.local.KeyOperation;
import dev.envelope.local.KeyPolicy;
import dev.envelope.local.KeyPolicyViolationException;
import dev.envelope.local.KeyState;
import dev.envelope.local.LocalKeyStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

public abstract class KeyPolicyContract extends StoreContract {
  private final List<AuditEvent> events = new ArrayList<>();
  private LocalKeyStore store;

  @BeforeEach
  void createStore() {
    store = builder().auditListener(events::add).create();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  private AuditEvent lastEvent() {
    return events.get(events.size() - 1);
  }

  @Test
  void operationNotAllowed_isDeniedNamingOperationAndRule() {
    KeyPolicy encryptOnly = KeyPolicy.builder().allow(KeyOperation.GENERATE, KeyOperation.ENCRYPT).build();
    KeyMetadata key = store.createKey(CreateKeyRequest.builder().alias("drop-box").policy(encryptOnly).build());
    Envelope envelope = envelope(store.keyring("drop-box"));
    byte[] message = envelope.encrypt(new byte[] {1}, EncryptionContext.empty());

    KeyPolicyViolationException e =
        assertThrows(KeyPolicyViolationException.class, () -> envelope.decrypt(message, EncryptionContext.empty()));

    assertTrue(e instanceof PolicyViolationException);
    assertEquals(KeyOperation.DECRYPT, e.operation());
    assertEquals(key.keyId(), e.keyId());
    assertTrue(e.getMessage().contains("DECRYPT") && e.getMessage().contains("not allowed"), e.getMessage());
    assertEquals(AuditOutcome.DENIED, lastEvent().outcome());
    assertEquals(KeyOperation.DECRYPT, lastEvent().operation());
  }

  @Test
  void requiredContextKeyMissing_isDeniedNamingTheKey() {
    KeyPolicy policy = KeyPolicy.defaultPolicy().toBuilder().requireContextKey("tenant").build();
    store.createKey(CreateKeyRequest.builder().alias("k").policy(policy).build());
    Envelope envelope = envelope(store.keyring("k"));

    KeyPolicyViolationException e = assertThrows(KeyPolicyViolationException.class,
        () -> envelope.encrypt(new byte[1], EncryptionContext.of("purpose", "x")));

    assertEquals(KeyOperation.GENERATE, e.operation());
    assertTrue(e.rule().contains("'tenant'"), e.rule());
    assertArrayEquals(new byte[1],
        envelope.decrypt(envelope.encrypt(new byte[1], EncryptionContext.of("tenant", "acme")), EncryptionContext.empty()).plaintext());
  }

  @Test
  void contextValueNotAllowed_isDeniedWithoutRevealingTheValue() {
    KeyPolicy policy = KeyPolicy.defaultPolicy().toBuilder().allowContextValues("tenant", "acme", "globex").build();
    store.createKey(CreateKeyRequest.builder().alias("k").policy(policy).build());

    KeyPolicyViolationException e = assertThrows(KeyPolicyViolationException.class,
        () -> store.encrypt("k", new byte[1], EncryptionContext.of("tenant", "initech-secret-name")));

    assertEquals(KeyOperation.ENCRYPT, e.operation());
    assertTrue(e.rule().contains("'tenant'"), e.rule());
    assertFalse(e.getMessage().contains("initech-secret-name"), e.getMessage());
    assertFalse(lastEvent().detail().contains("initech-secret-name"));
    assertTrue(lastEvent().loggedContext().isEmpty());
    assertEquals(List.of("tenant"), lastEvent().contextKeys());
  }

  @Test
  void contextValueNotAllowed_loggableKey_namesTheValue() {
    KeyPolicy policy = KeyPolicy.defaultPolicy().toBuilder()
        .allowContextValues("region", "eu").loggableContextKeys("region").build();
    store.createKey(CreateKeyRequest.builder().alias("k").policy(policy).build());

    KeyPolicyViolationException e = assertThrows(KeyPolicyViolationException.class,
        () -> store.encrypt("k", new byte[1], EncryptionContext.of("region", "us")));

    assertTrue(e.getMessage().contains("'us'"), e.getMessage());
    assertEquals("us", lastEvent().loggedContext().get("region"));
  }

  @Test
  void allowedContextValue_passes() {
    KeyPolicy policy = KeyPolicy.defaultPolicy().toBuilder().allowContextValues("tenant", "acme").build();
    store.createKey(CreateKeyRequest.builder().alias("k").policy(policy).build());
    byte[] blob = store.encrypt("k", new byte[] {5}, EncryptionContext.of("tenant", "acme"));
    assertArrayEquals(new byte[] {5}, store.decrypt(blob, EncryptionContext.of("tenant", "acme")).plaintext());
    assertEquals(AuditOutcome.SUCCESS, lastEvent().outcome());
  }

  @Test
  void decryptPolicy_checkedOnEveryUse_evenAfterEncryptSucceeded() {
    store.createKey(CreateKeyRequest.withAlias("k"));
    byte[] blob = store.encrypt("k", new byte[] {5}, EncryptionContext.of("tenant", "acme"));

    store.updatePolicy("k", KeyPolicy.defaultPolicy().toBuilder().deny(KeyOperation.DECRYPT).build());

    assertThrows(KeyPolicyViolationException.class, () -> store.decrypt(blob, EncryptionContext.of("tenant", "acme")));
  }

  @Test
  void callerGrants_separateKeyUseFromAdministration() {
    KeyPolicy policy = KeyPolicy.defaultPolicy().toBuilder()
        .grant("app", KeyOperation.GENERATE, KeyOperation.ENCRYPT, KeyOperation.DECRYPT)
        .grant("security-admin", KeyOperation.ROTATE, KeyOperation.DISABLE, KeyOperation.ENABLE)
        .build();
    store.createKey(CreateKeyRequest.builder().alias("k").policy(policy).build());
    LocalKeyStore app = store.withCaller("app");
    LocalKeyStore admin = store.withCaller("security-admin");

    byte[] blob = app.encrypt("k", new byte[] {1}, EncryptionContext.empty());
    KeyPolicyViolationException appRotates = assertThrows(KeyPolicyViolationException.class, () -> app.rotateKey("k"));
    KeyPolicyViolationException adminDecrypts =
        assertThrows(KeyPolicyViolationException.class, () -> admin.decrypt(blob, EncryptionContext.empty()));
    KeyPolicyViolationException stranger =
        assertThrows(KeyPolicyViolationException.class, () -> store.withCaller("mallory").encrypt("k", new byte[1], EncryptionContext.empty()));

    assertTrue(appRotates.rule().contains("caller 'app' has no grant for ROTATE"), appRotates.rule());
    assertEquals(KeyOperation.DECRYPT, adminDecrypts.operation());
    assertEquals(KeyOperation.ENCRYPT, stranger.operation());
    assertEquals(2, admin.rotateKey("k").primaryVersion());
    assertEquals("security-admin", lastEvent().caller());
    assertArrayEquals(new byte[] {1}, app.decrypt(blob, EncryptionContext.empty()).plaintext());
  }

  @Test
  void adminOperationNotAllowed_isDeniedAndKeyUnchanged() {
    KeyPolicy noDisable = KeyPolicy.defaultPolicy().toBuilder().deny(KeyOperation.DISABLE).build();
    store.createKey(CreateKeyRequest.builder().alias("k").policy(noDisable).build());

    KeyPolicyViolationException e = assertThrows(KeyPolicyViolationException.class, () -> store.disableKey("k"));

    assertEquals(KeyOperation.DISABLE, e.operation());
    assertEquals(KeyState.ENABLED, store.describeKey("k").state());
    assertEquals(AuditOutcome.DENIED, lastEvent().outcome());
  }

  @Test
  void reEncrypt_requiresRewrapOnSourceAndDestination() {
    KeyPolicy noRewrap = KeyPolicy.defaultPolicy().toBuilder().deny(KeyOperation.REWRAP).build();
    store.createKey(CreateKeyRequest.builder().alias("src").policy(noRewrap).build());
    store.createKey(CreateKeyRequest.withAlias("dst"));
    byte[] blob = store.encrypt("src", new byte[] {1}, EncryptionContext.empty());

    KeyPolicyViolationException e = assertThrows(KeyPolicyViolationException.class,
        () -> store.reEncrypt(blob, EncryptionContext.empty(), "dst", EncryptionContext.empty()));

    assertEquals(KeyOperation.REWRAP, e.operation());
  }

  @Test
  void policy_toString_hidesNonLoggableAllowedValues() {
    KeyPolicy policy = KeyPolicy.builder().allowContextValues("tenant", "secret-tenant").build();
    assertFalse(policy.toString().contains("secret-tenant"), policy.toString());
  }
}
