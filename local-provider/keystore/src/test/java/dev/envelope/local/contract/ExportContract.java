package dev.envelope.local.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptionContext;
import dev.envelope.keyring.RawAesKeyring;
import dev.envelope.local.AuditVerification;
import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.KeyMetadata;
import dev.envelope.local.KeyNotFoundException;
import dev.envelope.local.KeyOperation;
import dev.envelope.local.KeyPolicy;
import dev.envelope.local.KeyPolicyViolationException;
import dev.envelope.local.LocalKeyStore;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Exporting a key version (EXPORT must be allowed; audited either way): the exported bytes open
 * the store's messages through a {@link RawAesKeyring} named as the store names the version.
 * Interop with the AWS Encryption SDK stays in the directory module's {@code InteropTest}.
 */
public abstract class ExportContract extends StoreContract {
  private static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme");
  private static final byte[] PLAINTEXT = "interop payload".getBytes(StandardCharsets.UTF_8);

  private static KeyPolicy exportable() {
    return KeyPolicy.defaultPolicy().toBuilder().allow(KeyOperation.EXPORT).build();
  }

  @Test
  void exportedVersion_decryptsWithRawAesKeyring() {
    try (LocalKeyStore store = builder().create()) {
      KeyMetadata key = store.createKey(CreateKeyRequest.builder().alias("x").policy(exportable()).build());
      byte[] message = envelope(store.keyring("x")).encrypt(PLAINTEXT, CONTEXT);

      byte[] exported = store.exportKeyVersionInsecure("x", 1);
      try {
        RawAesKeyring raw = RawAesKeyring.builder()
            .keyNamespace(store.keyNamespace()).keyName(key.keyId() + "/v1").wrappingKey(exported).build();
        assertArrayEquals(PLAINTEXT, envelope(raw).decrypt(message, CONTEXT).plaintext());
      } finally {
        Arrays.fill(exported, (byte) 0);
      }
    }
  }

  @Test
  void exportKeyVersionInsecure_defaultPolicy_isDeniedAndAudited() {
    try (LocalKeyStore store = builder().create()) {
      KeyMetadata key = store.createKey(CreateKeyRequest.withAlias("x"));

      KeyPolicyViolationException e =
          assertThrows(KeyPolicyViolationException.class, () -> store.exportKeyVersionInsecure("x", 1));

      assertEquals(KeyOperation.EXPORT, e.operation());
      assertEquals(key.keyId(), e.keyId());
      AuditVerification v = store.verifyAuditLog();
      assertTrue(v.isValid(), v.toString());
    }
  }

  @Test
  void exportKeyVersionInsecure_unknownVersion_failsWithKeyNotFound() {
    try (LocalKeyStore store = builder().create()) {
      store.createKey(CreateKeyRequest.builder().alias("x").policy(exportable()).build());
      assertThrows(KeyNotFoundException.class, () -> store.exportKeyVersionInsecure("x", 2));
    }
  }

}
