package dev.envelope.local.kms.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.local.kms.internal.KmsBackend.KeyState;
import dev.envelope.local.kms.internal.KmsBackend.KeyUse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InMemoryKmsBackendTest {
  private static final String ID = "1234abcd-12ab-34cd-56ef-1234567890ab";
  private static final byte[] AAD = "aad".getBytes(StandardCharsets.UTF_8);
  private static final byte[] DATA = "data".getBytes(StandardCharsets.UTF_8);
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path dir;

  @Test
  void sealThenOpen_underEachVersion_afterRotationAndReload() throws IOException {
    InMemoryKmsBackend backend = InMemoryKmsBackend.persistent(dir);
    backend.create(ID, "d", "{}", T0);
    KmsBackend.Sealed v1 = backend.seal(ID, KeyUse.ENCRYPT, DATA, AAD);
    assertEquals(1, v1.version());
    assertEquals(2, backend.rotate(ID, T0.plusSeconds(1)).primaryVersion());
    KmsBackend.Sealed v2 = backend.seal(ID, KeyUse.ENCRYPT, DATA, AAD);
    assertEquals(2, v2.version());
    InMemoryKmsBackend reloaded = InMemoryKmsBackend.persistent(dir);
    assertArrayEquals(DATA, reloaded.open(ID, KeyUse.DECRYPT, 1, v1.nonce(), v1.ciphertext(), AAD));
    assertArrayEquals(DATA, reloaded.open(ID, KeyUse.DECRYPT, 2, v2.nonce(), v2.ciphertext(), AAD));
    assertEquals(T0.plusSeconds(1), reloaded.find(ID).orElseThrow().lastRotated());
  }

  @Test
  void open_wrongAadVersionOrNonce_failsBadCiphertext() {
    InMemoryKmsBackend backend = InMemoryKmsBackend.inMemory();
    backend.create(ID, "", "{}", T0);
    backend.rotate(ID, T0);
    KmsBackend.Sealed s = backend.seal(ID, KeyUse.ENCRYPT, DATA, AAD);
    assertThrows(
        KmsBackend.BadCiphertextException.class,
        () -> backend.open(ID, KeyUse.DECRYPT, 2, s.nonce(), s.ciphertext(), new byte[0]));
    assertThrows(
        KmsBackend.BadCiphertextException.class,
        () -> backend.open(ID, KeyUse.DECRYPT, 1, s.nonce(), s.ciphertext(), AAD));
    assertThrows(
        KmsBackend.BadCiphertextException.class,
        () -> backend.open(ID, KeyUse.DECRYPT, 3, s.nonce(), s.ciphertext(), AAD));
    assertThrows(
        KmsBackend.BadCiphertextException.class,
        () -> backend.open(ID, KeyUse.DECRYPT, 2, new byte[11], s.ciphertext(), AAD));
  }

  @Test
  void lifecycle_enforcesStates() {
    InMemoryKmsBackend backend = InMemoryKmsBackend.inMemory();
    backend.create(ID, "", "{}", T0);
    assertEquals(KeyState.DISABLED, backend.setEnabled(ID, false).state());
    assertThrows(IllegalStateException.class, () -> backend.seal(ID, KeyUse.ENCRYPT, DATA, AAD));
    assertEquals(KeyState.PENDING_DELETION, backend.scheduleDeletion(ID, T0).state());
    assertThrows(IllegalStateException.class, () -> backend.setEnabled(ID, true));
    assertThrows(IllegalStateException.class, () -> backend.scheduleDeletion(ID, T0));
    assertEquals(KeyState.DISABLED, backend.cancelDeletion(ID).state());
    assertThrows(IllegalStateException.class, () -> backend.cancelDeletion(ID));
    assertThrows(IllegalStateException.class, () -> backend.create(ID, "", "{}", T0));
    backend.delete(ID);
    assertTrue(backend.find(ID).isEmpty());
    assertThrows(NoSuchElementException.class, () -> backend.setEnabled(ID, true));
    assertThrows(IllegalArgumentException.class, () -> backend.create("../etc", "", "{}", T0));
  }

  @Test
  void load_fileNamedForAnotherKey_isRejected() throws IOException {
    InMemoryKmsBackend.persistent(dir).create(ID, "", "{}", T0);
    Files.move(dir.resolve(ID + ".json"), dir.resolve("1234abcd-12ab-34cd-56ef-1234567890ac.json"));
    IOException e = assertThrows(IOException.class, () -> InMemoryKmsBackend.persistent(dir));
    assertTrue(e.getMessage().contains("holds key " + ID), e.getMessage());
  }

  @Test
  void toString_showsNoMaterial() {
    InMemoryKmsBackend backend = InMemoryKmsBackend.inMemory();
    backend.create(ID, "", "{}", T0);
    assertFalse(backend.toString().contains("versions"));
    assertEquals("InMemoryKmsBackend{keys=1}", backend.toString());
  }
}
