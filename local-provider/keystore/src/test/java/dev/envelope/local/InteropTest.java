package dev.envelope.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.CommitmentPolicy;
import com.amazonaws.encryptionsdk.CryptoResult;
import com.amazonaws.encryptionsdk.jce.JceMasterKey;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.keyring.RawAesKeyring;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key store message stays readable outside the store once a key version is exported: by our
 * {@link RawAesKeyring} and by the AWS Encryption SDK's raw AES master key ({@code JceMasterKey}),
 * given the store's namespace, the key name {@code <keyId>/v<n>} and the exported bytes.
 */
class InteropTest {
  @TempDir Path dir;

  private static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme");
  private static final byte[] PLAINTEXT = "interop payload".getBytes(StandardCharsets.UTF_8);

  private static KeyPolicy exportable() {
    return KeyPolicy.defaultPolicy().toBuilder().allow(KeyOperation.EXPORT).build();
  }

  @Test
  void exportedVersion_decryptsWithEsdkJceMasterKey() {
    try (LocalKeyStore store = Fixtures.store(dir).create()) {
      KeyMetadata key = store.createKey(CreateKeyRequest.builder().alias("x").policy(exportable()).build());
      byte[] message = Fixtures.envelope(store.keyring("x")).encrypt(PLAINTEXT, CONTEXT);

      byte[] exported = store.exportKeyVersionInsecure(key.keyId(), 1);
      JceMasterKey esdkKey = JceMasterKey.getInstance(
          new SecretKeySpec(exported, "AES"), store.keyNamespace(), key.keyId() + "/v1", "AES/GCM/NoPadding");
      Arrays.fill(exported, (byte) 0);
      AwsCrypto esdk = AwsCrypto.builder().withCommitmentPolicy(CommitmentPolicy.RequireEncryptRequireDecrypt).build();

      CryptoResult<byte[], JceMasterKey> result = esdk.decryptData(esdkKey, message);

      assertArrayEquals(PLAINTEXT, result.getResult());
      assertEquals("acme", result.getEncryptionContext().get("tenant"));
    }
  }

  @Test
  void exportedOldVersion_afterRotation_decryptsOldMessageWithEsdk() {
    try (LocalKeyStore store = Fixtures.store(dir).create()) {
      KeyMetadata key = store.createKey(CreateKeyRequest.builder().alias("x").policy(exportable()).build());
      byte[] v1Message = Fixtures.envelope(store.keyring("x")).encrypt(PLAINTEXT, CONTEXT);
      store.rotateKey("x");
      byte[] v2Message = Fixtures.envelope(store.keyring("x")).encrypt(PLAINTEXT, CONTEXT);

      AwsCrypto esdk = AwsCrypto.builder().withCommitmentPolicy(CommitmentPolicy.RequireEncryptRequireDecrypt).build();
      JceMasterKey v1 = JceMasterKey.getInstance(new SecretKeySpec(store.exportKeyVersionInsecure("x", 1), "AES"),
          store.keyNamespace(), key.keyId() + "/v1", "AES/GCM/NoPadding");
      JceMasterKey v2 = JceMasterKey.getInstance(new SecretKeySpec(store.exportKeyVersionInsecure("x", 2), "AES"),
          store.keyNamespace(), key.keyId() + "/v2", "AES/GCM/NoPadding");

      assertArrayEquals(PLAINTEXT, esdk.decryptData(v1, v1Message).getResult());
      assertArrayEquals(PLAINTEXT, esdk.decryptData(v2, v2Message).getResult());
      assertThrows(Exception.class, () -> esdk.decryptData(v1, v2Message));
    }
  }

  @Test
  void exportKeyVersionInsecure_allowed_isAuditedWithoutKeyBytes() throws Exception {
    try (LocalKeyStore store = Fixtures.store(dir).create()) {
      store.createKey(CreateKeyRequest.builder().alias("x").policy(exportable()).build());

      byte[] exported = store.exportKeyVersionInsecure("x", 1);

      List<String> lines = Files.readAllLines(store.auditLogFile());
      String last = lines.get(lines.size() - 1);
      assertTrue(last.contains("\"operation\":\"EXPORT\"") && last.contains("\"outcome\":\"SUCCESS\""), last);
      String log = String.join("\n", lines);
      assertFalse(log.contains(java.util.HexFormat.of().formatHex(exported)));
      assertFalse(log.contains(java.util.Base64.getEncoder().encodeToString(exported)));
    }
  }

  @Test
  void esdkEncryptedWithExportedKey_decryptsWithLocalKeyring() {
    // The layouts are the same both ways: a message the ESDK writes with the exported version
    // opens with the store's keyring.
    try (LocalKeyStore store = Fixtures.store(dir).create()) {
      KeyMetadata key = store.createKey(CreateKeyRequest.builder().alias("x").policy(exportable()).build());
      JceMasterKey esdkKey = JceMasterKey.getInstance(new SecretKeySpec(store.exportKeyVersionInsecure("x", 1), "AES"),
          store.keyNamespace(), key.keyId() + "/v1", "AES/GCM/NoPadding");
      AwsCrypto esdk = AwsCrypto.builder().withCommitmentPolicy(CommitmentPolicy.RequireEncryptRequireDecrypt).build();
      byte[] message = esdk.encryptData(esdkKey, PLAINTEXT, Map.of("tenant", "acme")).getResult();

      Envelope envelope = Fixtures.envelope(store.keyring("x"));

      assertArrayEquals(PLAINTEXT, envelope.decrypt(message, CONTEXT).plaintext());
    }
  }
}
