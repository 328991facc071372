package dev.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.materials.DefaultMaterialsManager;
import dev.envelope.materials.RequiredContextMaterialsManager;
import dev.envelope.testing.TestKeys;
import java.io.ByteArrayInputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 (review: Envelope.java:229): decrypt returned whatever context the materials manager
 * returned, unchecked against the header. A manager that changes, drops or adds pairs now makes
 * decrypt fail with a {@link MaterialsContextException} naming the keys, never their values.
 */
class MaterialsContextCheckTest {
  /** Does not bind the context, so only the header tag and the check below see it. */
  private static final Keyring KEYRING = TestKeys.staticKeyring();
  private static final EncryptionContext STORED = EncryptionContext.of("tenant", "acme", "purpose", "test");
  private static final byte[] PLAINTEXT = {1, 2, 3};

  /** A manager that rewrites the materials of a correct one. */
  private static MaterialsManager rewriting(MaterialsManager inner, UnaryOperator<DecryptionMaterials> rewrite) {
    return new MaterialsManager() {
      @Override
      public EncryptionMaterials getEncryptionMaterials(EncryptionMaterialsRequest request) {
        return inner.getEncryptionMaterials(request);
      }

      @Override
      public DecryptionMaterials getDecryptionMaterials(DecryptionMaterialsRequest request) {
        return rewrite.apply(inner.getDecryptionMaterials(request));
      }
    };
  }

  private static DecryptionMaterials withContext(DecryptionMaterials m, EncryptionContext context, Set<String> required) {
    return DecryptionMaterials.of(m.algorithmSuite(), context, required, m.verificationKey().orElse(null))
        .withDataKey(m.dataKey().orElseThrow().copy());
  }

  private static void assertRefused(MaterialsManager manager, byte[] message, EncryptionContext expected, String key) {
    Envelope envelope = Envelope.builder().materialsManager(manager).build();
    MaterialsContextException array = assertThrows(MaterialsContextException.class,
        () -> envelope.decrypt(message, expected));
    MaterialsContextException stream = assertThrows(MaterialsContextException.class,
        () -> envelope.decryptingStream(new ByteArrayInputStream(message), expected));
    assertEquals(List.of(key), array.keys());
    assertEquals(array.getMessage(), stream.getMessage());
    assertTrue(array.getMessage().contains(key), array.getMessage());
  }

  private static byte[] message() {
    return Envelope.builder().keyring(KEYRING).build().encrypt(PLAINTEXT, STORED);
  }

  @Test
  void decrypt_managerChangesAStoredValue_isRefused() {
    MaterialsManager lying = rewriting(new DefaultMaterialsManager(KEYRING),
        m -> withContext(m, m.encryptionContext().with("tenant", "evil"), m.requiredContextKeys()));

    assertRefused(lying, message(), EncryptionContext.empty(), "tenant");
    Envelope envelope = Envelope.builder().materialsManager(lying).build();
    MaterialsContextException e = assertThrows(MaterialsContextException.class,
        () -> envelope.decrypt(message(), EncryptionContext.empty()));
    assertFalse(e.getMessage().contains("evil"), "no context values in messages");
  }

  @Test
  void decrypt_managerDropsAStoredPair_isRefused() {
    MaterialsManager dropping = rewriting(new DefaultMaterialsManager(KEYRING),
        m -> withContext(m, m.encryptionContext().removeKeys(Set.of("purpose")), m.requiredContextKeys()));
    assertRefused(dropping, message(), EncryptionContext.empty(), "purpose");
  }

  @Test
  void decrypt_managerAddsAnUnauthenticatedPair_isRefused() {
    MaterialsManager adding = rewriting(new DefaultMaterialsManager(KEYRING),
        m -> withContext(m, m.encryptionContext().with("role", "admin"), m.requiredContextKeys()));
    assertRefused(adding, message(), EncryptionContext.empty(), "role");
  }

  @Test
  void decrypt_managerDropsTheCallersRequiredPair_isRefused() {
    // The caller expects "region" as required context; a manager that silently drops it would let
    // a message written without it decrypt as if it had been verified.
    MaterialsManager dropping = rewriting(new DefaultMaterialsManager(KEYRING),
        m -> withContext(m, m.encryptionContext().removeKeys(Set.of("region")), Set.of()));
    assertRefused(dropping, message(), EncryptionContext.of("region", "eu"), "region");
  }

  @Test
  void decrypt_managerMarksAnUnexpectedPairRequired_isRefused() {
    MaterialsManager inventing = rewriting(new DefaultMaterialsManager(KEYRING), m -> {
      Set<String> required = new HashSet<>(m.requiredContextKeys());
      required.add("role");
      return withContext(m, m.encryptionContext().with("role", "admin"), required);
    });
    assertRefused(inventing, message(), EncryptionContext.empty(), "role");
  }

  @Test
  void decrypt_requiredContextManager_passesTheCheck() {
    MaterialsManager manager = RequiredContextMaterialsManager.of(KEYRING, Set.of("region"));
    Envelope envelope = Envelope.builder().materialsManager(manager).build();
    byte[] message = envelope.encrypt(PLAINTEXT, STORED.with("region", "eu"));
    EncryptionContext expected = EncryptionContext.of("region", "eu");

    Decrypted decrypted = envelope.decrypt(message, expected);

    assertArrayEquals(PLAINTEXT, decrypted.plaintext());
    assertEquals("eu", decrypted.encryptionContext().get("region").orElseThrow());
    assertEquals("acme", decrypted.encryptionContext().get("tenant").orElseThrow());
  }
}
