package dev.envelope.pkcs11;

import dev.envelope.DecryptionMaterials;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionContext;
import dev.envelope.EncryptionMaterials;
import dev.envelope.Keyring;
import dev.envelope.NoMatchingKeyException;
import dev.envelope.local.AuditOutcome;
import dev.envelope.local.KeyDestroyedException;
import dev.envelope.local.KeyOperation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * Token access through a {@link Pkcs11KeyManager}: a {@link Pkcs11Keyring} whose uses of the key
 * are audited in the manager's log, and whose failures name a key the manager destroyed. The key
 * lifecycle (create, list, describe, destroy) stays in the manager.
 */
final class AuditedTokenKeyring implements Keyring {
  private final Pkcs11KeyManager manager;
  private final String namespace;
  private final Pkcs11Keyring delegate;
  private final String label;
  private final byte[] nameUtf8;

  AuditedTokenKeyring(Pkcs11KeyManager manager, Pkcs11Keyring delegate, String label) {
    this.manager = manager;
    this.namespace = manager.keyNamespace();
    this.delegate = delegate;
    this.label = label;
    this.nameUtf8 = label.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public EncryptionMaterials onEncrypt(EncryptionMaterials materials) {
    KeyOperation op = materials.hasDataKey() ? KeyOperation.ENCRYPT : KeyOperation.GENERATE;
    return use(op, materials.encryptionContext(), () -> delegate.onEncrypt(materials));
  }

  @Override
  public DecryptionMaterials onDecrypt(DecryptionMaterials materials, List<EncryptedDataKey> keys) {
    boolean mine = false;
    for (EncryptedDataKey edk : keys) {
      // spec: framework/raw-aes-keyring.md: provider info = key name ‖ 4 ‖ 4 ‖ IV (12)
      mine |= edk.providerId().equals(namespace) && edk.providerInfoLength() == nameUtf8.length + 20
          && edk.providerInfoStartsWith(nameUtf8);
    }
    if (!mine) {
      return delegate.onDecrypt(materials, keys); // "not my key" is no use of the key
    }
    return use(KeyOperation.DECRYPT, materials.encryptionContext(), () -> delegate.onDecrypt(materials, keys));
  }

  private <T> T use(KeyOperation op, EncryptionContext context, Supplier<T> operation) {
    manager.checkOpen();
    T result;
    try {
      result = operation.get();
    } catch (RuntimeException e) {
      KeyDestroyedException destroyed = e instanceof NoMatchingKeyException ? null : manager.destroyedError(label, e);
      RuntimeException thrown = destroyed != null ? destroyed : e;
      manager.audit(op, destroyed != null ? AuditOutcome.DENIED : AuditOutcome.FAILURE, label, 1, context,
          destroyed != null ? destroyed.getMessage() : e.getClass().getSimpleName()
              + (e instanceof Pkcs11Exception ? " " + ((Pkcs11Exception) e).reason() : ""));
      throw thrown;
    }
    manager.audit(op, AuditOutcome.SUCCESS, label, 1, context, "");
    return result;
  }

  @Override
  public String toString() {
    return delegate + " (audited)";
  }
}
