package dev.envelope.local.internal;

import com.google.crypto.tink.Aead;
import dev.envelope.AuthenticationFailedException;
import dev.envelope.EncryptionContext;
import dev.envelope.KeyProviderException;
import dev.envelope.local.AuditOutcome;
import dev.envelope.local.KeyNotFoundException;
import dev.envelope.local.KeyOperation;
import dev.envelope.local.KeyVersion;
import java.security.GeneralSecurityException;

/**
 * Key use: wrapping and unwrapping secrets under a key's versions, and the insecure export of a
 * version, each after the state and policy checks ({@link AccessChecks}) and audited.
 */
final class KeyUse {
  private final KeyFiles keys;
  private final Events events;
  private final Resolver resolver;

  KeyUse(KeyFiles keys, Events events, Resolver resolver) {
    this.keys = keys;
    this.events = events;
    this.resolver = resolver;
  }

  /**
   * Encrypts {@code secret} under the primary version of {@code keyId}, bound to {@code context},
   * after the state and policy checks for {@code op}.
   */
  Wrapped wrap(String keyId, KeyOperation op, byte[] secret, EncryptionContext context, String caller) {
    KeyFiles.LoadedKey k = loadForUse(keyId, op, context, caller);
    AccessChecks.refuseUse(events, k, op, context, caller, 0);
    int version = k.metadata.primaryVersion();
    byte[] sealed;
    try {
      // spec: framework/raw-aes-keyring.md#onencrypt (AAD = serialized full encryption context)
      sealed = k.aeads.get(version).encrypt(secret, context.toCanonicalBytes());
    } catch (GeneralSecurityException e) {
      events.audit(op, AuditOutcome.FAILURE, keyId, version, context, k.metadata.policy(), caller, e.getClass().getSimpleName());
      throw new KeyProviderException("key " + keyId + " could not encrypt: " + e.getClass().getSimpleName(), e);
    }
    // Tink NO_PREFIX AES-GCM output: IV (12) ‖ ciphertext ‖ tag (16).
    byte[] iv = java.util.Arrays.copyOfRange(sealed, 0, EdkLayout.IV_LENGTH);
    byte[] body = java.util.Arrays.copyOfRange(sealed, EdkLayout.IV_LENGTH, sealed.length);
    String keyName = KeyVersion.keyName(keyId, version);
    events.audit(op, AuditOutcome.SUCCESS, keyId, version, context, k.metadata.policy(), caller, "");
    return new Wrapped(version, keyName, EdkLayout.providerInfo(keyName, iv), body);
  }

  /**
   * Decrypts what {@link #wrap} produced with version {@code version} of {@code keyId}.
   *
   * @throws AuthenticationFailedException if the tag does not verify (wrong context or data)
   * @throws KeyNotFoundException if the key has no such version
   */
  byte[] unwrap(String keyId, int version, byte[] iv, byte[] ciphertext, EncryptionContext context,
      KeyOperation op, String caller) {
    KeyFiles.LoadedKey k = loadForUse(keyId, op, context, caller);
    AccessChecks.refuseUse(events, k, op, context, caller, version);
    AccessChecks.refuseBelowMinimum(events, k, op, context, caller, version);
    Aead aead = k.aeads.get(version);
    if (aead == null) {
      String why = "key " + AccessChecks.name(k.metadata) + " has no version " + version;
      events.audit(op, AuditOutcome.FAILURE, keyId, version, context, k.metadata.policy(), caller, why);
      throw new KeyNotFoundException(why);
    }
    byte[] sealed = new byte[iv.length + ciphertext.length];
    System.arraycopy(iv, 0, sealed, 0, iv.length);
    System.arraycopy(ciphertext, 0, sealed, iv.length, ciphertext.length);
    try {
      byte[] plain = aead.decrypt(sealed, context.toCanonicalBytes());
      events.audit(op, AuditOutcome.SUCCESS, keyId, version, context, k.metadata.policy(), caller, "");
      return plain;
    } catch (GeneralSecurityException e) {
      String why = "authentication failed: the encryption context differs from the one used to encrypt, or the"
          + " ciphertext was modified";
      events.audit(op, AuditOutcome.FAILURE, keyId, version, context, k.metadata.policy(), caller, why);
      throw new AuthenticationFailedException("key " + keyId + " version " + version + ": " + why);
    }
  }

  private KeyFiles.LoadedKey loadForUse(String keyId, KeyOperation op, EncryptionContext context, String caller) {
    try {
      return keys.load(keyId);
    } catch (KeyNotFoundException e) {
      events.audit(op, AuditOutcome.FAILURE, keyId, 0, context, null, caller, e.getMessage());
      throw e;
    }
  }

  /** The plaintext bytes of one version; see {@code LocalKeyStore.exportKeyVersionInsecure}. */
  byte[] exportKeyVersionInsecure(String key, int version, String caller) {
    KeyOperation op = KeyOperation.EXPORT;
    String keyId;
    try {
      keyId = resolver.resolve(key);
    } catch (KeyNotFoundException e) {
      events.audit(op, AuditOutcome.FAILURE, null, 0, null, null, caller, e.getMessage());
      throw e;
    }
    KeyFiles.LoadedKey k = keys.load(keyId);
    AccessChecks.refuseUse(events, k, op, null, caller, version);
    if (!k.aeads.containsKey(version)) {
      String why = "key " + AccessChecks.name(k.metadata) + " has no version " + version;
      events.audit(op, AuditOutcome.FAILURE, keyId, version, null, k.metadata.policy(), caller, why);
      throw new KeyNotFoundException(why);
    }
    try {
      byte[] bytes = Keysets.exportVersionInsecure(k.keyset, version);
      events.audit(op, AuditOutcome.SUCCESS, keyId, version, null, k.metadata.policy(), caller,
          "plaintext key version handed to the caller");
      return bytes;
    } catch (GeneralSecurityException e) {
      throw new KeyProviderException("could not export key " + keyId + " version " + version, e);
    }
  }
}
